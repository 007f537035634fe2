import Foundation
import Testing
@testable import TransformerCore

/// The fixture of Scripts/tokenizers/sentencepiece_fixtures.py: what Python's sentencepiece 0.2.1 makes of
/// each input line with each of 12 small models trained on real German and English sentences.
struct SentencePieceFixture: Decodable {
    struct Case: Decodable { let ids: [Int]; let pieces: [String]; let normalized: String; let decoded: String }
    struct Decode: Decodable { let ids: [Int]; let decoded: String }
    struct Model: Decodable {
        let name: String
        let pieces: [String]
        let types: String
        let unk: Int, bos: Int, eos: Int, pad: Int
        let cases: [Case]
        let decodes: [Decode]
    }
    let sentencepiece: String
    let inputs: [String]
    let models: [Model]

    static let shared: SentencePieceFixture = {
        try! JSONDecoder().decode(SentencePieceFixture.self, from: Data(SentencePieceFixtures.json.utf8))
    }()

    static func modelBytes(_ name: String) -> [UInt8] {
        [UInt8](Data(base64Encoded: SentencePieceFixtures.models[name]!, options: .ignoreUnknownCharacters)!)
    }

    static func tokenizer(_ name: String) throws -> SentencePieceTokenizer {
        try SentencePieceTokenizer(bytes: modelBytes(name), source: name)
    }

    var inputBytes: [[UInt8]] { inputs.map { [UInt8](Data(base64Encoded: $0)!) } }
}


private func show(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self).unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
}

@Suite struct SentencePieceFixtureTests {
    static let names = SentencePieceFixture.shared.models.map(\.name)

    @Test func fixtureCoversTheKinds() {
        let fixture = SentencePieceFixture.shared
        #expect(fixture.sentencepiece == "0.2.1")
        #expect(fixture.models.count == 12 && fixture.inputs.count > 70)
    }

    /// Pieces, piece types and special ids read from the protobuf are Python's.
    @Test(arguments: names) func vocabularyMatchesPython(name: String) throws {
        let model = SentencePieceFixture.shared.models.first { $0.name == name }!
        let tokenizer = try SentencePieceFixture.tokenizer(name)
        #expect(tokenizer.vocabularySize == model.pieces.count)
        for (id, piece) in model.pieces.enumerated() {
            #expect(tokenizer.pieceBytes(for: id) == utf8(piece), "\(name) piece \(id)")
            #expect(tokenizer.id(forPiece: utf8(piece)) == id, "\(name) piece \(id)")
        }
        let letters: [SentencePieceTokenizer.PieceType: Character] = [.control: "c", .unknown: "k", .unused: "u", .byte: "b",
                                                                    .normal: "n", .userDefined: "n"]
        #expect(String((0..<tokenizer.vocabularySize).map { letters[tokenizer.type(for: $0)!]! }) == model.types)
        #expect(tokenizer.unknownID == model.unk)
        #expect((tokenizer.startID ?? -1) == model.bos && (tokenizer.endID ?? -1) == model.eos && (tokenizer.paddingID ?? -1) == model.pad)
        #expect(tokenizer.name == "sentencepiece " + (name.hasPrefix("bpe") ? "bpe" : name.hasPrefix("unigram") ? "unigram" : name))
        #expect(tokenizer.modelBytes == SentencePieceFixture.modelBytes(name))
    }

    /// Every input line: Python's ids, pieces, normalised text and decoded text, byte for byte.
    @Test(arguments: names) func encodingMatchesPython(name: String) throws {
        let fixture = SentencePieceFixture.shared
        let model = fixture.models.first { $0.name == name }!
        let tokenizer = try SentencePieceFixture.tokenizer(name)
        var mismatches: [String] = []
        for (input, expected) in zip(fixture.inputBytes, model.cases) {
            let segments = tokenizer.encode(bytes: input)
            if segments.map(\.id) != expected.ids { mismatches.append("ids of \(show(input)): \(segments.map(\.id)) vs \(expected.ids)") }
            if segments.map(\.piece) != expected.pieces.map(utf8) {
                mismatches.append("pieces of \(show(input)): \(segments.map { show($0.piece) }) vs \(expected.pieces.map { show(utf8($0)) })")
            }
            if tokenizer.normalizer.normalize(bytes: input) != utf8(expected.normalized) {
                mismatches.append("normalized \(show(input)): \(show(tokenizer.normalizer.normalize(bytes: input))) vs \(show(utf8(expected.normalized)))")
            }
            if tokenizer.decodeBytes(expected.ids) != utf8(expected.decoded) {
                mismatches.append("decoded \(show(input)): \(show(tokenizer.decodeBytes(expected.ids))) vs \(show(utf8(expected.decoded)))")
            }
            if let text = String(validating: input, as: UTF8.self) {
                if tokenizer.encodeIDs(text) != expected.ids { mismatches.append("encodeIDs(String) of \(show(input))") }
                if tokenizer.encodePieces(text) != expected.ids.map({ tokenizer.piece(for: $0)! }) { mismatches.append("encodePieces of \(show(input))") }
            }
        }
        #expect(mismatches.isEmpty, "\(name): \(mismatches.count) mismatches:\n\(mismatches.prefix(8).joined(separator: "\n"))")
    }

    /// Random id sequences (byte pieces that are not UTF-8, control and unknown ids): Python's text.
    @Test(arguments: names) func decodingMatchesPython(name: String) throws {
        let model = SentencePieceFixture.shared.models.first { $0.name == name }!
        let tokenizer = try SentencePieceFixture.tokenizer(name)
        for decode in model.decodes {
            #expect(tokenizer.decodeBytes(decode.ids) == utf8(decode.decoded), "\(name) \(decode.ids): \(show(tokenizer.decodeBytes(decode.ids))) vs \(show(utf8(decode.decoded)))")
            #expect(tokenizer.decode(decode.ids) == decode.decoded)
        }
    }
}

@Suite struct SentencePieceTokenizerTests {
    /// Piece lookup is by bytes: "ü" precomposed and "u" + U+0308 are different keys, though Swift's
    /// String == calls them equal.
    @Test func piecesAreLookedUpByBytes() throws {
        let tokenizer = try SentencePieceFixture.tokenizer("unigram_small")   // identity normalisation
        let precomposed = "\u{FC}", decomposed = "u\u{308}"
        #expect(precomposed == decomposed)                              // Swift's canonical equivalence
        #expect(tokenizer.id(forPiece: precomposed) != nil)
        #expect(tokenizer.id(forPiece: decomposed) == nil)
        #expect(tokenizer.pieceID(utf8(decomposed)) == tokenizer.unknownID)
        #expect(tokenizer.encodeIDs("f\u{FC}r") != tokenizer.encodeIDs("fu\u{308}r"))
        // With nmt_nfkc both spell the same normalised text.
        let nfkc = try SentencePieceFixture.tokenizer("unigram_nfkc")
        #expect(nfkc.encodeIDs("f\u{FC}r") == nfkc.encodeIDs("fu\u{308}r"))
    }

    @Test func specialTokensAndFallbacks() throws {
        let nfkc = try SentencePieceFixture.tokenizer("unigram_nfkc")      // unk 0, bos 1, eos 2, no pad
        #expect(nfkc.specialTokens == SpecialTokens(padding: 0, start: 1, end: 2, unknown: 0))
        let bytes = try SentencePieceFixture.tokenizer("unigram_identity_bytes")   // unk 0, no bos, eos 2, pad 3
        #expect(bytes.startID == nil && bytes.specialTokens == SpecialTokens(padding: 3, start: 2, end: 2, unknown: 0))
        let bpe = try SentencePieceFixture.tokenizer("bpe_small")          // bos 0, unk 2, no eos, no pad
        #expect(bpe.endID == nil && bpe.specialTokens == SpecialTokens(padding: 2, start: 0, end: 2, unknown: 2))
        #expect(bpe.piece(for: -1) == nil && bpe.piece(for: bpe.vocabularySize) == nil && bpe.piece(for: 2) == "<unk>")
    }

    /// Decoding: the unknown id is " ⁇ " (or the model's unk_surface), control ids vanish, out-of-range ids
    /// are skipped, byte pieces that do not form UTF-8 become U+FFFD each.
    @Test func decodingSpecialIDs() throws {
        let tokenizer = try SentencePieceFixture.tokenizer("bpe_nfkc_bytes")
        let hello = tokenizer.encodeIDs("Hallo Welt")
        #expect(tokenizer.decode([1] + hello + [2, -5, 99_999]) == "Hallo Welt")
        #expect(tokenizer.decode([0]) == " \u{2047} ")
        let e2 = tokenizer.id(forPiece: "<0xE2>")!, x96 = tokenizer.id(forPiece: "<0x96>")!, x81 = tokenizer.id(forPiece: "<0x81>")!
        #expect(tokenizer.decode([e2, x96, x81]) == "\u{2581}")             // bytes spell "▁" literally, not a space
        #expect(tokenizer.decode([e2, x96]) == "\u{FFFD}\u{FFFD}")
        #expect(try SentencePieceFixture.tokenizer("unigram_small").decode([0]) == "<?>")
    }

    @Test func loadsFromAFileAndNamesItInErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.model"), bad = directory.appendingPathComponent("bad.model")
        try Data(SentencePieceFixture.modelBytes("char")).write(to: good)
        try Data(SentencePieceFixture.modelBytes("char").prefix(100)).write(to: bad)
        let tokenizer = try SentencePieceTokenizer(contentsOf: good)
        #expect(tokenizer == (try SentencePieceFixture.tokenizer("char")))
        #expect(tokenizer.decode(tokenizer.encodeIDs("Guten Tag")) == "Guten Tag")
        do {
            _ = try SentencePieceTokenizer(contentsOf: bad)
            Issue.record("a truncated model loaded")
        } catch {
            #expect(error.source == bad.path && !error.description.contains("\n"))
            #expect(error.description.hasPrefix("\(bad.path): not a usable SentencePiece model: ModelProto: malformed protobuf"))
        }
        #expect(throws: SentencePieceError.self) { try SentencePieceTokenizer(contentsOf: directory.appendingPathComponent("missing.model")) }
    }

    // MARK: Malformed models

    /// A protobuf field: key then payload.
    private static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] { varint(UInt64(number << 3 | 2)) + varint(UInt64(payload.count)) + payload }
    private static func varintField(_ number: Int, _ value: UInt64) -> [UInt8] { varint(UInt64(number << 3)) + varint(value) }
    private static func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        repeat { out.append(UInt8(v & 0x7F) | (v > 0x7F ? 0x80 : 0)); v >>= 7 } while v > 0
        return out
    }
    private static func piece(_ text: String, score: Float = 0, type: Int = 1) -> [UInt8] {
        field(1, field(1, utf8(text)) + [0x15] + withUnsafeBytes(of: score.bitPattern.littleEndian, Array.init) + varintField(3, UInt64(type)))
    }
    private static let minimalPieces = piece("<unk>", type: 2) + piece("a", score: -1) + piece("\u{2581}", score: -2)

    private static func reason(_ bytes: [UInt8]) -> String? {
        do { _ = try SentencePieceTokenizer(bytes: bytes, source: "m.model"); return nil } catch {
            #expect(error.source == "m.model" && !error.description.contains("\n"))
            return error.reason
        }
    }

    @Test func malformedModelsAreErrors() throws {
        let minimal = Self.minimalPieces + Self.field(2, Self.varintField(3, 1))
        let tokenizer = try SentencePieceTokenizer(bytes: minimal)
        #expect(tokenizer.encodeIDs("a aa") == [2, 1, 2, 1, 1] && tokenizer.decode([2, 1, 2, 1]) == "a a")
        #expect(tokenizer.encode("ab").map(\.id) == [2, 1, 0])

        #expect(Self.reason(Array(minimal.dropLast(1)))?.contains("malformed protobuf") == true)          // truncated
        #expect(Self.reason(Self.varintField(1, 5) + minimal) == "ModelProto.pieces is varint, expected length-delimited")
        #expect(Self.reason(Self.field(2, Self.varintField(3, 1))) == "the model has no pieces")
        #expect(Self.reason([]) == "the model has no pieces")
        #expect(Self.reason(Self.minimalPieces + Self.field(2, Self.varintField(3, 7))) == "unknown model type 7")
        #expect(Self.reason(Self.piece("a") + Self.piece("b")) == "the model has no unknown piece")
        #expect(Self.reason(Self.minimalPieces + Self.piece("a")) == "piece 3 \"a\" is already defined")
        #expect(Self.reason(Self.minimalPieces + Self.piece("x", type: 9)) == "unknown piece type 9")
        #expect(Self.reason(Self.minimalPieces + Self.piece("<0x41>", type: 6))?.contains("byte_fallback is off") == true)
        #expect(Self.reason(Self.minimalPieces + Self.field(2, Self.varintField(35, 1)))?.contains("no byte piece for 0x0") == true)
        #expect(Self.reason(Self.field(1, Self.field(1, []) + Self.varintField(3, 2))) == "piece 0 is empty")
        #expect(Self.reason(Self.field(1, [0x0B])) != nil)                                               // group wire type

        // Charsmaps: too short, a trie size past the blob, a trie pointing outside itself, a value past the strings.
        func charsmap(_ blob: [UInt8]) -> String? { Self.reason(Self.minimalPieces + Self.field(3, Self.field(2, blob))) }
        #expect(charsmap([1, 0, 0]) == "the precompiled charsmap is broken (3 bytes)")
        #expect(charsmap([0xFF, 0xFF, 0, 0, 1, 2, 3]) == "the charsmap trie size (65535) exceeds the charsmap (7 bytes)")
        #expect(charsmap([4, 0, 0, 0, 0x00, 0x04, 0x00, 0x00, 0x41, 0])?.contains("out of bounds") == true)
        #expect(charsmap(Self.charsmap(leafValue: 50))?.contains("past the normalized strings") == true)
    }

    /// A darts-clone trie of one rule, "A" -> the string at `leafValue` of "a\0": the root's children
    /// at 1 ^ c, "A" at 0x40 with its leaf at 0x40 ^ 256.
    private static func charsmap(leafValue: UInt32) -> [UInt8] {
        var units = [UInt32](repeating: 0, count: 512)
        units[0] = 1 << 10                            // offset 1
        units[0x40] = 0x41 | 1 << 8 | 256 << 10       // label "A", has a leaf, offset 256
        units[0x140] = 0x8000_0000 | leafValue        // the leaf
        var blob: [UInt8] = []
        for word in [UInt32(units.count * 4)] + units { blob += (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
        return blob + [0x61, 0]
    }

    @Test func handMadeCharsmap() throws {
        let tokenizer = try SentencePieceTokenizer(bytes: Self.minimalPieces + Self.field(3, Self.field(2, Self.charsmap(leafValue: 0))))
        #expect(tokenizer.normalizer.hasCharsmap)
        #expect(tokenizer.normalize("AA  A") == "\u{2581}aa\u{2581}a")
        #expect(tokenizer.encodeIDs("AA") == [2, 1, 1])
    }

    // MARK: Fuzz

    /// Truncations and seeded random byte changes of real models must load or throw, never trap, and
    /// what loads must encode and decode the inputs without trapping.
    @Test func truncatedAndMutatedModelsNeverTrap() {
        let seed = FuzzSettings.seed(0x5E17_7E9E)
        let generator = SeededGenerator(seed: seed)
        let inputs = [utf8("Die Waffe ging los."), utf8("ﬁ Ａ  e\u{301} 👍🏽"), [0xFF, 0x41, 0xE2, 0x96], []]
        var loaded = 0, thrown = 0
        for name in ["bpe_rules", "unigram_rules", "unigram_small", "word", "char"] {
            let original = SentencePieceFixture.modelBytes(name)
            var variants: [[UInt8]] = stride(from: 0, to: original.count, by: max(1, original.count / 60)).map { Array(original.prefix($0)) }
            for _ in 0..<FuzzSettings.cases(60) {
                var bytes = original
                for _ in 0...generator.nextIndex(below: 3) {
                    let position = generator.nextIndex(below: bytes.count)
                    switch generator.nextIndex(below: 3) {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: bytes[position] ^= UInt8(1 << generator.nextIndex(below: 8))
                    default: bytes.removeSubrange(position..<min(bytes.count, position + 1 + generator.nextIndex(below: 8)))
                    }
                }
                variants.append(bytes)
            }
            for bytes in variants {
                do {
                    let tokenizer = try SentencePieceTokenizer(bytes: bytes)
                    loaded += 1
                    for input in inputs {
                        let ids = tokenizer.encodeIDs(bytes: input)
                        #expect(ids.allSatisfy { (0..<tokenizer.vocabularySize).contains($0) })
                        _ = tokenizer.decode(ids + [0, tokenizer.vocabularySize - 1])
                    }
                } catch {
                    thrown += 1
                }
            }
        }
        #expect(loaded > 0 && thrown > 0)
        FuzzSettings.report("sentencepiece models", cases: loaded + thrown, seed: seed, "\(loaded) loaded, \(thrown) thrown")
    }
}

/// The Swift side of Scripts/tokenizers/check_sentencepiece.py, run only when it sets
/// TRANSFORMERCORE_SPM_CHECK_DIR: the ids of every line of DIR/lines.bin (`\n`-separated bytes) with every
/// DIR/NAME.model, one line of space-separated ids per input line, into DIR/NAME.swift.ids.
@Suite struct SentencePieceExternalCheck {
    static let directory = ProcessInfo.processInfo.environment["TRANSFORMERCORE_SPM_CHECK_DIR"]

    @Test(.enabled(if: directory != nil)) func encodeEveryLine() throws {
        let directory = URL(fileURLWithPath: Self.directory!)
        let data = [UInt8](try Data(contentsOf: directory.appendingPathComponent("lines.bin")))
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        let models = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".model") }
        #expect(!models.isEmpty)
        for file in models {
            let tokenizer = try SentencePieceTokenizer(contentsOf: directory.appendingPathComponent(file))
            let output = lines.map { tokenizer.encodeIDs(bytes: $0).map(String.init).joined(separator: " ") + "\n" }.joined()
            try Data(output.utf8).write(to: directory.appendingPathComponent(String(file.dropLast(6)) + ".swift.ids"))
        }
    }
}

/// `.model` files through ``TokenizerFile`` and ``AnyTokenizer`` (checkpoints), and `transformer-cli tokenize`.
@Suite struct SentencePieceFileTests {
    static func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let directory = try CLITraining.temporaryDirectory()
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test func tokenizerFileAndAnyTokenizerJSON() throws {
        let url = try Self.write("bpe.model", SentencePieceFixture.modelBytes("bpe_nfkc_bytes"))
        let loaded = try TokenizerFile.load(url)
        let direct = try SentencePieceFixture.tokenizer("bpe_nfkc_bytes")
        #expect(loaded == .sentencePiece(direct) && loaded.name == "sentencepiece bpe")
        #expect(loaded.encodeIDs("Die Waffe ging los. 日本") == direct.encodeIDs("Die Waffe ging los. 日本"))
        let json = try JSONEncoder().encode(loaded)
        #expect(try JSONDecoder().decode(AnyTokenizer.self, from: json) == loaded)
        #expect(direct.anyTokenizer == loaded)
        let broken = Data(String(decoding: json, as: UTF8.self).replacingOccurrences(of: "\"model\":\"C", with: "\"model\":\"D").utf8)
        #expect(throws: Swift.DecodingError.self) { try JSONDecoder().decode(AnyTokenizer.self, from: broken) }

        let bad = try Self.write("bad.model", Array(SentencePieceFixture.modelBytes("char").prefix(50)))
        #expect(throws: TokenizerFileError.self) { try TokenizerFile.load(bad) }
        do { _ = try TokenizerFile.load(bad) } catch {
            #expect(error.description.hasPrefix("\(bad.path): not a usable SentencePiece model: ") && !error.description.contains("\n"))
        }
    }

    @Test func tokenizeCommandReadsModels() throws {
        let url = try Self.write("unigram.model", SentencePieceFixture.modelBytes("unigram_nfkc"))
        let tokenizer = try SentencePieceFixture.tokenizer("unigram_nfkc")
        let lines = ["Die Waffe ging versehentlich los.", "ﬁnd  ＡＢＣ", ""]
        let run = try CLITool.run(["tokenize", "--tokenizer", url.path], input: lines.joined(separator: "\n") + "\n")
        let expected = lines.map { tokenizer.encodeIDs($0).map(String.init).joined(separator: " ") + "\n" }.joined()
        #expect(run.status == 0 && run.standardOutput == expected, "\(run)")
        let pieces = try CLITool.run(["tokenize", "--tokenizer", url.path, "--pieces", "Haus<sep>"])
        #expect(pieces.standardOutput == "\u{2581} Haus <sep>\n", "\(pieces)")
    }
}
