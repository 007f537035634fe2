import Foundation
import Testing
@testable import TransformerCore

/// `train` with subword tokenizers, end to end as processes on tiny data: BPE learned from the pairs
/// (`--tokenizer bpe --vocab-size N`), a SentencePiece `.model` and a Hugging Face `tokenizer.json` used as
/// they are; the checkpoint stores the tokenizer, and `tokenize`, `translate`, `evaluate` and `--resume` use it.
@Suite("transformer-cli subword tokenizers (process)")
struct CLISubwordTests {
    struct Failed: Error, CustomStringConvertible { let description: String }

    /// A run of `train` with `extra` flags on the 40 Pig-Latin pairs; its directory and output.
    static func train(_ extra: [String], name: String) throws -> (directory: URL, run: CLIRun) {
        let directory = try CLITraining.temporaryDirectory()
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let run = try CLITool.run(["train", "--data", data.path, "--epochs", "2", "--val-fraction", "0.1", "--max-len", "16",
                                   "--logdir", directory.appendingPathComponent(name).path] + CLITraining.tinyModel + extra)
        return (directory, run)
    }

    static func tokenizers(_ checkpoint: URL) throws -> TokenizerPair {
        try TrainingRecord(metadata: Checkpoint.load(from: checkpoint).metadata, file: checkpoint.path).requireTokenizers(file: checkpoint.path)
    }

    static let bpe: Result<(directory: URL, run: CLIRun), any Error> = Result {
        try train(["--tokenizer", "bpe", "--vocab-size", "300", "--shared-vocab"], name: "bpe")
    }

    @Test func learnedBPEIsStoredAndUsedByEveryCommand() throws {
        let (directory, run) = try Self.bpe.get()
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.contains("byte-level bpe tokens"), "\(run.standardOutput)")
        let checkpoint = directory.appendingPathComponent("bpe/last.safetensors")
        let tokenizers = try Self.tokenizers(checkpoint)
        guard case .huggingFace(let learned) = tokenizers.source else { throw Failed(description: "not BPE: \(tokenizers.source.name)") }
        #expect(tokenizers.isShared && learned.vocabularySize <= 300 && learned.specialTokens == .standard)
        // Byte-level: no text is unknown, and the ids decode back to the text.
        let ids = learned.encodeIDs("quick zebra ñ")
        #expect(!ids.contains(SpecialTokens.standard.unknown) && learned.decode(ids) == "quick zebra ñ")
        let tokenized = try CLITool.run(["tokenize", "--checkpoint", checkpoint.path, "--side", "target", "quick zebra ñ"])
        #expect(tokenized.standardOutput == ids.map(String.init).joined(separator: " ") + "\n", "\(tokenized)")
        let translated = try CLITool.run(["translate", "--checkpoint", checkpoint.path, "--json", "team"])
        #expect(translated.status == 0 && translated.standardOutput.contains("\"ids\":["), "\(translated)")
        let evaluated = try CLITool.run(["evaluate", "--checkpoint", checkpoint.path, "--data",
                                         directory.appendingPathComponent("pairs.tsv").path, "--json"])
        #expect(evaluated.status == 0 && evaluated.standardOutput.contains("\"chrf\""), "\(evaluated)")
    }

    @Test func resumingWithAnotherVocabularySizeIsRefused() throws {
        let (directory, run) = try Self.bpe.get()
        try #require(run.status == 0, "\(run)")
        let resumed = try CLITool.run(["train", "--resume", directory.appendingPathComponent("bpe/last.safetensors").path,
                                       "--vocab-size", "200", "--epochs", "3"])
        #expect(resumed.status == 64, "\(resumed)")
        #expect(resumed.errorLines.first?.hasPrefix("error: --vocab-size: the checkpoint has 300, got 200") == true, "\(resumed)")
    }

    @Test func aSentencePieceModelFileIsUsedAsItIs() throws {
        let base64 = try #require(SentencePieceFixtures.models["unigram_small"])
        let model = try #require(Data(base64Encoded: base64, options: .ignoreUnknownCharacters))
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("small.model")
        try model.write(to: file)
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let run = try CLITool.run(["train", "--data", data.path, "--tokenizer", file.path, "--epochs", "1", "--max-len", "24",
                                   "--skip-invalid", "--logdir", directory.appendingPathComponent("spm").path] + CLITraining.tinyModel)
        #expect(run.status == 0, "\(run)")
        let checkpoint = directory.appendingPathComponent("spm/last.safetensors")
        guard case .sentencePiece(let stored) = try Self.tokenizers(checkpoint).target else { throw Failed(description: "not SentencePiece") }
        #expect(stored.modelBytes == [UInt8](model))
        let fromFile = try CLITool.run(["tokenize", "--tokenizer", file.path, "--json", "Das Haus"])
        let fromCheckpoint = try CLITool.run(["tokenize", "--checkpoint", checkpoint.path, "--json", "Das Haus"])
        #expect(fromFile.status == 0 && fromFile.standardOutput == fromCheckpoint.standardOutput, "\(fromFile) \(fromCheckpoint)")
    }

    @Test func theHomeworksWordLevelTokenizerJSONTrains() throws {
        let file = huggingFaceFixtures.appendingPathComponent("wordlevel-whitespace.json")
        let (directory, run) = try Self.train(["--tokenizer", file.path, "--skip-invalid"], name: "wordlevel")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(run.status == 0, "\(run)")
        let tokenizers = try Self.tokenizers(directory.appendingPathComponent("wordlevel/last.safetensors"))
        let expected = try HuggingFaceTokenizer(contentsOf: file)
        #expect(tokenizers.source == .huggingFace(expected))
        // The model's special ids are the file's: [PAD] pads, [SOS] starts, [EOS] ends, [UNK] is unknown.
        #expect(expected.piece(for: expected.specialTokens.padding) == "[PAD]" && expected.piece(for: expected.specialTokens.unknown) == "[UNK]")
    }

    @Test func vocabularySizeWithoutBPEIsAUsageError() throws {
        let run = try CLITool.run(["train", "--data", "x.tsv", "--tokenizer", "word", "--vocab-size", "500"])
        #expect(run.status == 64 && run.errorLines == ["error: --vocab-size: only with --tokenizer bpe (the size of the learned vocabulary), not word"], "\(run)")
    }
}
