import Foundation
import Testing

/// What one run of the `transformer-cli` executable produced.
struct CLIRun: CustomStringConvertible {
    let status: Int32
    let standardOutput: String
    let standardError: String
    /// Whether the process was ended by a signal (a crash, a trap) rather than exiting.
    var endedBySignal = false

    /// Lines of stderr, without the final newline's empty line.
    var errorLines: [String] { standardError.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    /// Standard error without the note `train` prints when it runs from a debug build (as the tests do).
    var errorLinesBesidesDebugNote: [String] { errorLines.filter { !$0.hasPrefix("note: this is a debug build") } }

    /// The value after `label` in a printed table (`  total   44,155,914` -> 44155914).
    func count(_ label: String) -> Int? {
        for line in standardOutput.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count >= 2, words[0] == label { return Int(words[1].filter { $0 != "," }) }
        }
        return nil
    }

    var description: String { "exit \(status)\n--- stdout\n\(standardOutput)--- stderr\n\(standardError)" }
}

/// Finds and runs the `transformer-cli` executable built next to the test bundle.
enum CLITool {
    static let name = "transformer-cli"

    /// The built executable, or nil (with the directories tried in ``searchedDirectories``).
    static let url: URL? = candidateDirectories().lazy
        .map { $0.appendingPathComponent(name) }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// Where to look, most specific first: `TRANSFORMER_CLI` (a path to the executable), the directory
    /// of the running test binary / bundle (`swift test` with any --scratch-path), then the package's
    /// default build folders found by walking up from this file.
    static func candidateDirectories() -> [URL] {
        var directories: [URL] = []
        if let path = ProcessInfo.processInfo.environment["TRANSFORMER_CLI"] {
            directories.append(URL(fileURLWithPath: path).deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        // .../Tests/TransformerCoreTests/CLI/CLITestSupport.swift -> package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        directories.append(root.appendingPathComponent(".build/debug"))
        return directories.map { $0.standardizedFileURL.resolvingSymlinksInPath() }
    }

    /// Runs the executable with `arguments` and waits for it to exit; `input` becomes its standard input
    /// (none: an empty one).
    static func run(_ arguments: [String], input: String? = nil, currentDirectory: URL? = nil,
                    environment: [String: String] = [:],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIRun {
        let executable = try #require(url, "transformer-cli not found in \(candidateDirectories().map(\.path))",
                                      sourceLocation: sourceLocation)
        // Temporary files rather than pipes: no deadlock whatever the output size.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("transformer-cli-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout"), errorURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL), error = try FileHandle(forWritingTo: errorURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if !environment.isEmpty {   // added to (or replacing entries of) this process's environment
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = output
        process.standardError = error
        let inputURL = directory.appendingPathComponent("stdin")
        try Data((input ?? "").utf8).write(to: inputURL)
        let inputHandle = try FileHandle(forReadingFrom: inputURL)
        defer { try? inputHandle.close() }
        process.standardInput = inputHandle
        try process.run()
        process.waitUntilExit()
        try output.close()
        try error.close()
        return CLIRun(status: process.terminationStatus,
                      standardOutput: try String(contentsOf: outputURL, encoding: .utf8),
                      standardError: try String(contentsOf: errorURL, encoding: .utf8),
                      endedBySignal: process.terminationReason == .uncaughtSignal)
    }
}

/// The paper's parameter count, in closed form, for checking the `model` table.
///
/// Per layer: attention 4(C^2 + C) (W^Q, W^K, W^V, W^O with biases), feed-forward 2CF + F + C,
/// LayerNorm 2C; an encoder layer has 1 attention and 2 norms, a decoder layer 2 and 3; pre-norm adds
/// one final norm per stack. Embeddings V C each, learned positions L C, projection V C + V (only the
/// bias when tied).
struct ClosedFormParameterCount {
    var modelDimension = 512, feedForwardDimension = 2048, layerCount = 6
    var sourceVocabularySize = 10, targetVocabularySize = 10, maximumLength = 512
    var preNorm = true, learnedPositions = false, tied = false

    var attention: Int { 4 * (modelDimension * modelDimension + modelDimension) }
    var feedForward: Int { 2 * modelDimension * feedForwardDimension + feedForwardDimension + modelDimension }
    var norm: Int { 2 * modelDimension }
    var encoder: Int { layerCount * (attention + feedForward + 2 * norm) + (preNorm ? norm : 0) }
    var decoder: Int { layerCount * (2 * attention + feedForward + 3 * norm) + (preNorm ? norm : 0) }
    var positional: Int { learnedPositions ? maximumLength * modelDimension : 0 }
    var projection: Int { targetVocabularySize * (tied ? 1 : modelDimension + 1) }
    var total: Int {
        (sourceVocabularySize + targetVocabularySize) * modelDimension + positional + encoder + decoder + projection
    }
}
