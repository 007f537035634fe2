import Foundation
import Testing
import TransformerCore

/// Files and runs shared by the `train` / `translate` / `evaluate` process tests.
enum CLITraining {
    /// 40 common words: with their Pig Latin, a pairs file small enough to train on in a second or two.
    static let words = """
        team school quick square yet fly impress shopping apple eat house water light night string three \
        green blue yellow under other about orange ice open river stone bread cheese chair table window \
        glass paper pencil friend animal mother father brother
        """.split(separator: " ").map(String.init)

    /// The lines of the pairs file: `word<TAB>piglatin`.
    static var pairLines: [String] { words.map { "\($0)\t\(PigLatin.translate($0))" } }

    /// The smallest sensible model: runs in a debug build in a few seconds.
    static let tinyModel = ["--d-model", "16", "--heads", "2", "--layers", "1", "--d-ff", "32"]

    /// A new empty directory under the system's temporary directory (removed by the caller's `defer`).
    static func temporaryDirectory() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("transformer-cli-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `lines` (joined with newlines, and a final one) to `name` in `directory`.
    @discardableResult
    static func write(_ lines: [String], to name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return url
    }

    /// One model trained for 2 epochs, shared by the tests that only read it (trained once, on first use).
    struct Trained: Sendable {
        let directory: URL
        let data: URL
        let run: CLIRun
        var best: URL { directory.appendingPathComponent("run/best.safetensors") }
        var last: URL { directory.appendingPathComponent("run/last.safetensors") }
    }

    static let trained: Result<Trained, CLITrainingError> = {
        do {
            let directory = try temporaryDirectory()
            let data = try write(pairLines, to: "pairs.tsv", in: directory)
            let run = try CLITool.run(["train", "--data", data.path, "--epochs", "2", "--batch-size", "8", "--log-every", "1",
                                       "--warmup", "20", "--logdir", directory.appendingPathComponent("run").path]
                                      + tinyModel)
            return .success(Trained(directory: directory, data: data, run: run))
        } catch {
            return .failure(CLITrainingError(message: "\(error)"))
        }
    }()

    /// The shared trained model; a test using it fails (not crashes) if training failed.
    static func trainedModel(sourceLocation: SourceLocation = #_sourceLocation) throws -> Trained {
        let trained = try trained.get()
        try #require(trained.run.status == 0, "training failed: \(trained.run)", sourceLocation: sourceLocation)
        return trained
    }

    /// Starts the tool without waiting; stdout and stderr go to files in `directory`.
    static func start(_ arguments: [String], in directory: URL) throws -> (process: Process, output: URL, error: URL) {
        let executable = try #require(CLITool.url)
        let output = directory.appendingPathComponent("stdout.txt"), error = directory.appendingPathComponent("stderr.txt")
        for url in [output, error] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: error)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, output, error)
    }

    /// Waits until `condition` holds or `seconds` pass; returns whether it held.
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    static func text(_ url: URL) -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }
}

struct CLITrainingError: Error, Sendable, CustomStringConvertible {
    let message: String
    var description: String { message }
}
