import Foundation
import Testing

/// A write error while saving, provoked for real: `ulimit -f` makes the checkpoint write fail with EFBIG
/// (the tool ignores SIGXFSZ, whose default action would kill it mid-write). The previous checkpoint must
/// survive bit for bit, no temporary file may be left, the message must say so, and `--resume` must go on.
/// Whether this test binary (and so the tool built next to it) runs under -sanitize=thread.
enum SanitizerBuild {
    static let thread = dlsym(dlopen(nil, RTLD_NOW), "__tsan_init") != nil
}

@Suite("transformer-cli write faults (process)", .disabled(if: SanitizerBuild.thread,
        "ThreadSanitizer's runtime dies of SIGBUS under ulimit -f (its own file-backed mappings), before the tool runs"))
struct CLIWriteFaultTests {

    /// Runs the tool under `ulimit -f kilobytes` (bash counts 1024-byte blocks).
    static func runLimited(_ kilobytes: Int, _ arguments: [String], in directory: URL) throws -> CLIRun {
        let executable = try #require(CLITool.url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -f \(kilobytes); exec \"$0\" \"$@\"", executable.path] + arguments
        process.currentDirectoryURL = directory
        let output = directory.appendingPathComponent("limited-stdout.txt"), error = directory.appendingPathComponent("limited-stderr.txt")
        for url in [output, error] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: error)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        defer { for url in [output, error] { try? FileManager.default.removeItem(at: url) } }
        return CLIRun(status: process.terminationStatus, standardOutput: CLITraining.text(output),
                      standardError: CLITraining.text(error), endedBySignal: process.terminationReason == .uncaughtSignal)
    }

    @Test func aFailedSaveKeepsThePreviousCheckpointAndResumeContinues() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let common = ["--samples", "0", "--batch-size", "8"] + CLITraining.tinyModel
        let first = try CLITool.run(["train", "--data", data.path, "--epochs", "1", "--logdir", "run"] + common,
                                    currentDirectory: directory)
        try #require(first.status == 0, "\(first)")
        let run = directory.appendingPathComponent("run")
        let last = run.appendingPathComponent("last.safetensors")
        let before = try Data(contentsOf: last)
        #expect(before.count > 60 * 1024, "the limit below must be smaller than a checkpoint")

        // 50 KiB: the logs fit, the ~100 KB checkpoint does not.
        let limited = try Self.runLimited(50, ["train", "--resume", "run/last.safetensors", "--epochs", "2"], in: directory)
        #expect(!limited.endedBySignal, "\(limited)")
        #expect(limited.status == 1, "\(limited)")
        #expect(limited.errorLinesBesidesDebugNote == [
            "error: run/last.safetensors: could not write: File too large (writing the temporary file); the previous checkpoint is unchanged",
        ], "\(limited)")
        #expect(try Data(contentsOf: last) == before, "the previous checkpoint changed")
        let names = try FileManager.default.contentsOfDirectory(atPath: run.path)
        #expect(!names.contains { $0.contains(".tmp") }, "a temporary file was left: \(names)")

        // Without the limit, the same resume finishes.
        let resumed = try CLITool.run(["train", "--resume", "run/last.safetensors", "--epochs", "2"], currentDirectory: directory)
        #expect(resumed.status == 0, "\(resumed)")
        #expect(try Data(contentsOf: last) != before)
    }

    @Test func aFailedFirstSaveSaysNothingWasWritten() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let limited = try Self.runLimited(50, ["train", "--data", data.path, "--epochs", "1", "--samples", "0", "--logdir", "run"]
                                          + CLITraining.tinyModel, in: directory)
        #expect(limited.status == 1 && !limited.endedBySignal, "\(limited)")
        #expect(limited.errorLinesBesidesDebugNote == [
            "error: run/last.safetensors: could not write: File too large (writing the temporary file); nothing was written",
        ], "\(limited)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("run").path)
        #expect(!names.contains { $0.hasSuffix(".safetensors") || $0.contains(".tmp") }, "\(names)")
    }
}
