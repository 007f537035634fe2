import Foundation
import Testing
import TransformerCore

/// `tokenize` as a process: the ids and pieces of a checkpoint's tokenizers (both sides of a translation
/// checkpoint), standard input, and its usage and file errors (one line, exit 64 / 65 / 66).
@Suite("transformer-cli tokenize (process)")
struct CLITokenizeTests {
    struct TrainingFailed: Error { let run: String }

    /// A word-level translation checkpoint trained for one epoch on four pairs.
    static let checkpoint: Result<String, any Error> = Result {
        let directory = try CLITraining.temporaryDirectory()
        let data = try CLITraining.write(["the cat sat\tle chat assis", "the dog\tle chien", "a cat\tun chat", "a dog sat\tun chien assis"],
                                         to: "pairs.tsv", in: directory)
        let run = try CLITool.run(["train", "--data", data.path, "--tokenizer", "word", "--epochs", "1", "--val-fraction", "0",
                                   "--logdir", directory.appendingPathComponent("run").path] + CLITraining.tinyModel)
        guard run.status == 0 else { throw TrainingFailed(run: "\(run)") }
        return directory.appendingPathComponent("run/last.safetensors").path
    }

    @Test func aMarianDirectoryTokenizesEachSideWithoutTheEndToken() throws {
        let directory = MarianFixtures.directory(MarianFixtures.gelu)   // separate source and target vocabularies
        for side in [MarianTokenizer.Side.source, .target] {
            let tokenizer = try MarianTokenizer.load(directory: directory, side: side)
            let text = "Hallo Welt, hello world."
            let run = try CLITool.run(["tokenize", "--model", directory.path, "--side", side.rawValue, text])
            #expect(run.status == 0, "\(run)")
            #expect(run.standardOutput == tokenizer.encodeIDs(text).map(String.init).joined(separator: " ") + "\n")
            #expect(tokenizer.encodeForModel(text).last == tokenizer.specialTokens.end)
        }
        let missing = try CLITool.run(["tokenize", "--model", "/nonexistent/opus-mt", "x"])
        #expect(missing.status == 66 && missing.errorLines == ["error: /nonexistent/opus-mt: no such directory (expected a MarianMT directory for --model)"])
    }

    @Test func idsPiecesAndJSONOfBothSides() throws {
        let path = try Self.checkpoint.get()
        let tokenizers = try TrainingRecord(metadata: Checkpoint.load(from: URL(fileURLWithPath: path)).metadata, file: path)
            .requireTokenizers(file: path)
        let expected = tokenizers.source.encodeIDs("the cat zebra")
        #expect(expected.last == SpecialTokens.standard.unknown)
        let ids = try CLITool.run(["tokenize", "--checkpoint", path, "the cat zebra", ""])
        #expect(ids.status == 0 && ids.standardOutput == expected.map(String.init).joined(separator: " ") + "\n\n", "\(ids)")
        let pieces = try CLITool.run(["tokenize", "--checkpoint", path, "--side", "target", "--pieces"], input: "le chat\nun chien\n")
        #expect(pieces.status == 0 && pieces.standardOutput == "le chat\nun chien\n", "\(pieces)")
        let json = try CLITool.run(["tokenize", "--checkpoint", path, "--json", "the dog"])
        let dog = tokenizers.source.encodeIDs("the dog").map(String.init).joined(separator: ",")
        #expect(json.standardOutput == "{\"text\":\"the dog\",\"ids\":[\(dog)],\"pieces\":[\"the\",\"dog\"]}\n", "\(json)")
    }

    @Test(arguments: [
        (["tokenize", "hello"], "error: tokenize: expected --tokenizer FILE, --checkpoint FILE or --model DIR, got none of them"),
        (["tokenize", "--tokenizer", "a.json", "--checkpoint", "b.safetensors"],
         "error: --tokenizer: cannot be combined with --checkpoint; give one of them"),
        (["tokenize", "--tokenizer", "a.json", "--side", "target"], "error: --side: only with a translation --checkpoint, not with --tokenizer"),
        (["tokenize", "--checkpoint", "b.safetensors", "--pieces", "--json"],
         "error: --pieces: cannot be combined with --json (which prints both); give one of them"),
    ])
    func usageErrorsExit64(arguments: [String], line: String) throws {
        let run = try CLITool.run(arguments)
        #expect(run.status == 64 && run.errorLines == [line], "\(run)")
    }

    @Test func missingOrUnknownTokenizerFilesAreOneLine() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("none.json").path
        let run = try CLITool.run(["tokenize", "--tokenizer", missing, "x"])
        #expect(run.status == 66 && run.errorLines == ["error: \(missing): expected a tokenizer file, found no such file"], "\(run)")
        let text = try CLITraining.write(["a"], to: "vocab.txt", in: directory).path
        let unknown = try CLITool.run(["tokenize", "--tokenizer", text])
        #expect(unknown.status == 65 && unknown.errorLines == [
            "error: \(text): expected a tokenizer.json (.json) or a SentencePiece model (.model), found a file ending in '.txt'"],
            "\(unknown)")
    }
}
