import Foundation
import Testing
@testable import TransformerCore

/// The Swift half of `Scripts/tokenizers/check_hf_tokenizers.py`, run only when it sets
/// `TRANSFORMERCORE_HF_ROUNDTRIP` to its folder: every `NAME.json` there is read and written back as
/// `NAME.swift.json` through ``HuggingFaceTokenizer/jsonText()``, and BPE is learned from `learn.txt`
/// (`TRANSFORMERCORE_HF_LEARN_VOCAB` pieces) into `learned.swift.json` (bytes) and
/// `learned-characters.swift.json` (characters); Python then compares the ids.
@Suite struct HuggingFaceRoundTripFiles {
    static let folder = ProcessInfo.processInfo.environment["TRANSFORMERCORE_HF_ROUNDTRIP"]

    @Test(.enabled(if: folder != nil)) func rewriteAndLearn() throws {
        let folder = URL(fileURLWithPath: Self.folder ?? "")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".swift.json") }
        #expect(!names.isEmpty)
        for name in names {
            let tokenizer = try HuggingFaceTokenizer(contentsOf: folder.appendingPathComponent(name))
            let text = tokenizer.jsonText()
            #expect(try HuggingFaceTokenizer(jsonText: text) == tokenizer, "\(name): the written JSON reads back to the same tokenizer")
            try Data(text.utf8).write(to: folder.appendingPathComponent(name.replacingOccurrences(of: ".json", with: ".swift.json")))
        }
        let learnText = try String(contentsOf: folder.appendingPathComponent("learn.txt"), encoding: .utf8)
        let lines = learnText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let size = Int(ProcessInfo.processInfo.environment["TRANSFORMERCORE_HF_LEARN_VOCAB"] ?? "") ?? 2000
        let clock = ContinuousClock(), start = clock.now
        let learned = BPELearner(vocabularySize: size).learn(from: lines)
        print("BPELearner: \(lines.count) lines, vocabulary \(learned.vocabularySize) in \(clock.now - start)")
        try Data(learned.jsonText().utf8).write(to: folder.appendingPathComponent("learned.swift.json"))
        let characters = BPELearner(vocabularySize: size, alphabet: .characters).learn(from: lines)
        try Data(characters.jsonText().utf8).write(to: folder.appendingPathComponent("learned-characters.swift.json"))
    }
}
