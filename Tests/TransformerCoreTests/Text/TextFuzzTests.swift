import Foundation
import Testing
@testable import TransformerCore

/// Seeded random mutations of valid inputs: the reader and the tokenizer must never crash, and must
/// give either a typed error or a result that obeys the documented rules.
@Suite struct TextFuzzTests {
    static let seeds: [[UInt8]] = [
        utf8("team\teamtay\nfly\tyflay\n"),
        utf8("\u{FEFF}naïve café\tcafé naïf\r\n\r\n👍🏽 ok\t🇫🇷 oui\r\n"),
        utf8("a\tb\n\n  \t \nno tab\nx\ty\tz\n") + [0xFF, 0x09, 0x61, 0x0A],
        utf8("日本語\tテキスト\nthe  cat sat\tle chat\n"),
    ]

    /// Bytes that matter to the format: separators, line ends, BOM and multi-byte lead/continuation bytes.
    static let interesting: [UInt8] = [0x09, 0x0A, 0x0D, 0x20, 0x00, 0xEF, 0xBB, 0xBF, 0xC3, 0xA9, 0x80, 0xF0, 0x9F, 0xFF, 0x61, 0x7A]

    static func mutate(_ input: [UInt8], _ generator: SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0...generator.nextIndex(below: 4) {
            let position = bytes.isEmpty ? 0 : generator.nextIndex(below: bytes.count + 1)
            switch generator.nextIndex(below: 6) {
            case 0 where !bytes.isEmpty && position < bytes.count:                          // replace a byte
                bytes[position] = interesting[generator.nextIndex(below: interesting.count)]
            case 1:                                                                          // insert a byte
                bytes.insert(interesting[generator.nextIndex(below: interesting.count)], at: position)
            case 2 where !bytes.isEmpty:                                                     // delete a range
                let end = min(bytes.count, position + generator.nextIndex(below: 6))
                bytes.removeSubrange(min(position, end)..<end)
            case 3 where !bytes.isEmpty:                                                     // duplicate a range
                let start = generator.nextIndex(below: bytes.count)
                let end = min(bytes.count, start + 1 + generator.nextIndex(below: 12))
                bytes.insert(contentsOf: bytes[start..<end], at: position)
            case 4 where !bytes.isEmpty && position < bytes.count:                           // flip a bit
                bytes[position] ^= UInt8(1 << generator.nextIndex(below: 8))
            default:                                                                         // random byte
                bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
            }
        }
        return bytes
    }

    /// Everything a successful read promises.
    static func check(_ contents: PairFileContents, maximumLength: Int, kinds: (TokenizerKind, TokenizerKind)) {
        for pair in contents.pairs {
            #expect(!pair.source.isEmpty && !pair.target.isEmpty)
            #expect(!pair.source.contains("\t") && !pair.target.contains("\t") && !pair.source.contains("\n"))
            #expect(pair.source.first?.isWhitespace == false && pair.target.last?.isWhitespace == false)
            #expect(kinds.0.tokenCount(pair.source) <= maximumLength && kinds.1.tokenCount(pair.target) <= maximumLength)
        }
        let lines = contents.pairs.map(\.line) + contents.problems.map(\.line)
        #expect(Set(lines).count == lines.count && lines.allSatisfy { $0 >= 1 })
        #expect(contents.pairs.map(\.line) == contents.pairs.map(\.line).sorted())
        #expect(!contents.pairs.isEmpty || !contents.problems.isEmpty)
    }

    @Test func mutatedPairFilesGiveATypedErrorOrAValidResult() throws {
        let seed = FuzzSettings.seed(2024), caseCount = FuzzSettings.cases(3000)
        let generator = SeededGenerator(seed: seed)
        var outcomes = (pairs: 0, problems: 0, errors: 0)
        for round in 0..<caseCount {
            let input = Self.mutate(Self.seeds[round % Self.seeds.count], generator)
            let kinds: (TokenizerKind, TokenizerKind) = round % 3 == 0 ? (.word, .word) : (.character, .character)
            let maximumLength = 1 + generator.nextIndex(below: 12)
            do throws(DataError) {
                let contents = try PairFile.parse(input, name: "fuzz.tsv", sourceKind: kinds.0, targetKind: kinds.1,
                                                  maximumLength: maximumLength, limits: .init(lineBytes: 40))
                Self.check(contents, maximumLength: maximumLength, kinds: kinds)
                outcomes.pairs += contents.pairs.count
                outcomes.problems += contents.problems.count
                // The tokenizer built from what was read round-trips it.
                let tokenizer = try Tokenizer.build(kind: kinds.1, texts: contents.pairs.map(\.target))
                for pair in contents.pairs {
                    let (ids, unknown) = tokenizer.encode(pair.target)
                    #expect(unknown == 0)
                    #expect(tokenizer.decode(ids) == kinds.1.tokens(pair.target).joined(separator: kinds.1.separator))
                }
                _ = tokenizer.encode(String(decoding: input, as: UTF8.self))   // arbitrary text never traps
            } catch {
                #expect(!error.description.isEmpty && !error.description.contains("\n"), "seed \(seed) case \(round)")
                outcomes.errors += 1
            }
        }
        // The mutations reach every outcome.
        #expect(outcomes.pairs > 1000 && outcomes.problems > 1000 && outcomes.errors > 50, "\(outcomes)")
        FuzzSettings.report("pairs reader + tokenizer", cases: caseCount, seed: seed, "\(outcomes)")
    }

    @Test func mutatedFilesOnDiskBehaveLikeParsedBytes() throws {
        let generator = SeededGenerator(seed: 7)
        let scratch = try TextScratch()
        defer { scratch.remove() }
        for round in 0..<40 {
            let input = Self.mutate(Self.seeds[round % Self.seeds.count], generator)
            let url = try scratch.write(input, to: "fuzz-\(round).tsv")
            let fromFile = Result { () throws(DataError) in
                try PairFile.read(at: url, sourceKind: .character, targetKind: .character, maximumLength: 8, name: "f")
            }
            let fromBytes = Result { () throws(DataError) in
                try PairFile.parse(input, name: "f", sourceKind: .character, targetKind: .character, maximumLength: 8)
            }
            #expect(fromFile == fromBytes)
        }
    }

    @Test func mutatedVocabularyJSONNeverCrashes() throws {
        let tokenizer = try Tokenizer.build(kind: .character, texts: ["naïve 👍🏽", "abc"])
        let json = Array(try JSONEncoder().encode(tokenizer))
        let seed = FuzzSettings.seed(99), caseCount = FuzzSettings.cases(2000)
        let generator = SeededGenerator(seed: seed)
        var decoded = 0
        for _ in 0..<caseCount {
            let input = Self.mutate(json, generator)
            guard let result = try? JSONDecoder().decode(Tokenizer.self, from: Data(input)) else { continue }
            decoded += 1
            let vocabulary = result.vocabulary
            #expect(Array(vocabulary.tokens.prefix(4)) == Vocabulary.specialTokens)
            #expect(Set(vocabulary.tokens).count == vocabulary.count)
            #expect(result.decode(result.encode("naïve").ids).count <= 5 * 5)
        }
        #expect(decoded > 10)
        FuzzSettings.report("tokenizer JSON", cases: caseCount, seed: seed, "decoded \(decoded)")
    }
}
