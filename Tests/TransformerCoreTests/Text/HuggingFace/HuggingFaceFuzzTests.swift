import Foundation
import Testing
@testable import TransformerCore

/// Seeded mutations of real tokenizer.json files: reading never crashes (an error or a tokenizer), and a
/// tokenizer that is read encodes and decodes the tricky lines with ids inside its vocabulary.
@Suite struct HuggingFaceFuzzTests {
    static let names = ["bpe-mixed", "unigram-nfkc-first", "wordlevel-lower-split", "bpe-bert-suffix"]
    static let cases = 60

    @Test(arguments: names) func mutatedFilesNeverCrash(name: String) throws {
        let original = [UInt8](try Data(contentsOf: huggingFaceFixtures.appendingPathComponent(name + ".json")))
        let lines = try HuggingFaceExpected.load(name).lines.suffix(20)
        let generator = SeededGenerator(seed: 20261203)
        var read = 0, refused = 0
        for _ in 0..<Self.cases {
            var bytes = original
            if generator.nextIndex(below: 3) == 0 {
                bytes = Array(bytes.prefix(generator.nextIndex(below: bytes.count)))   // truncated
            } else {
                // mutate inside the JSON text (not the first and last bytes, so more mutants still parse)
                bytes = [bytes[0]] + TextFuzzTests.mutate(Array(bytes[1..<(bytes.count - 2)]), generator) + bytes.suffix(2)
            }
            do {
                let tokenizer = try HuggingFaceTokenizer(jsonBytes: bytes, file: "mutant.json")
                read += 1
                for line in lines {
                    let ids = tokenizer.encodeIDs(line)
                    #expect(ids.allSatisfy { $0 >= 0 && $0 < tokenizer.vocabularySize })
                    _ = tokenizer.decode(ids + [-1, tokenizer.vocabularySize])
                }
            } catch {
                refused += 1
                #expect(error.description.hasPrefix("mutant.json: ") && !error.description.contains("\n"))
            }
        }
        #expect(read + refused == Self.cases && refused > 0)
    }
}
