import Foundation
import Testing
import TransformerCore

/// `train` started by an MPI launcher, as a process. Without the MPI trait (the default build) a launch
/// of several ranks must be refused before anything is written; with it (`swift test --traits MPI`, and
/// mpirun installed) `mpirun -np 2` trains and exits 0. Scripts/check-mpi.sh checks much more.
@Suite("transformer-cli under MPI (process)")
struct CLIDistributedTests {
    static let trainArguments = ["train", "--steps", "3", "--batch-size", "8", "--log-every", "1"] + CLITraining.tinyModel

    #if !MPI
    @Test func severalRanksWithoutTheMPITraitAreRefused() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let run = try CLITool.run(Self.trainArguments + ["--data", data.path, "--logdir", directory.appendingPathComponent("run").path],
                                  environment: ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "0"])
        #expect(run.status == 1, "\(run)")
        #expect(run.errorLinesBesidesDebugNote == [
            "error: started by an MPI launcher (OMPI_COMM_WORLD_SIZE=2) as one of 2 ranks, but this transformer-cli was "
                + "built without MPI; build it with 'swift build -c release --traits MPI' (needs an MPI found by pkg-config as 'mpi')",
        ])
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("run").path))
    }

    @Test(.disabled("needs the MPI trait: swift build --build-tests --traits MPI, then swift test --skip-build --traits MPI"))
    func twoRanksTrainUnderMPIRun() {}
    #else
    static let mpirun: URL? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].map(URL.init(fileURLWithPath:))
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    @Test(.enabled(if: mpirun != nil, "needs mpirun (Debian: apt-get install -y openmpi-bin)"))
    func twoRanksTrainUnderMPIRun() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let executable = try #require(CLITool.url)
        let process = Process()
        process.executableURL = try #require(Self.mpirun)
        process.arguments = ["--mca", "btl", "self,vader", "--mca", "oob_tcp_if_include", "lo", "--oversubscribe"]
            + (getuid() == 0 ? ["--allow-run-as-root"] : []) + ["-np", "2", executable.path]
            + Self.trainArguments + ["--data", data.path, "--logdir", directory.appendingPathComponent("run").path]
        let output = directory.appendingPathComponent("out.txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = process.standardOutput
        try process.run()
        process.waitUntilExit()
        let text = CLITraining.text(output)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("Ranks agree: the parameters are bitwise identical on all 2 ranks"), "\(text)")
        #expect(text.components(separatedBy: "Finished at step 3").count == 2, "only rank 0 prints: \(text)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("run/last.safetensors").path))
    }
    #endif
}
