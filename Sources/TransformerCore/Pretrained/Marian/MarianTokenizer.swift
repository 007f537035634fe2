import Foundation

/// What Hugging Face's `MarianTokenizer` (transformers 5.23, `tokenization_marian.py`) does with an opus-mt
/// directory's `source.spm`, `target.spm`, `vocab.json` (and `target_vocab.json` when `tokenizer_config.json`
/// says `"separate_vocabs": true`): one instance per side, each a ``TextTokenizer``.
///
/// Encoding (`tokenizer(text).input_ids` without the `</s>`, which the caller appends as
/// `build_inputs_with_special_tokens` does: ``encodeForModel(_:)``):
/// 1. `remove_language_code`: a text starting with `>>` and holding `<<` keeps `text[..< end of "<<"]` as one
///    token (`>>de<<`; looked up in the vocabulary like any piece);
/// 2. the rest through the side's SentencePiece model, `EncodeAsPieces` (source: `source.spm`, target:
///    `target.spm`);
/// 3. each piece (by its UTF-8 bytes) to its id in the side's vocabulary (source: `vocab.json`, target:
///    `target_vocab.json` when separate, else `vocab.json`); a piece missing from it is the vocabulary's
///    `<unk>` id. (That is transformers 5.23, pinned in Scripts/marian; some other transformers versions fall
///    back to the SentencePiece model's own id, `spm.piece_to_id`, for a piece missing from vocab.json.)
///
/// Decoding (`decode(ids, skip_special_tokens=True)`): ids of the special tokens (`</s>`, `<unk>`, `<pad>` as
/// `vocab.json` numbers them) are skipped; the others become tokens through the side's vocabulary (an id it
/// lacks: the SentencePiece model's piece; an id outside both is skipped, where Python raises:
/// ``decodeChecked(_:)`` throws instead); runs of non-special tokens are joined by
/// sentencepiece's `DecodePieces` of the spm `_decode` uses (the SOURCE spm when the vocabulary is shared,
/// the target spm when separate: as transformers does, whichever side is decoded), a special token is copied
/// followed by a space; then `▁` becomes a space and the text is stripped. No `clean_up_tokenization_spaces`
/// (false for Marian).
///
/// Not done, deliberately or not: transformers applies Moses punctuation normalization to the source text
/// only when `sacremoses` is installed (it is not, in the pinned set-up, and no Swift port exists here);
/// special-token strings written inside the text (`"a </s> b"`) are split out by transformers' added-token
/// matching before SentencePiece, here they go to SentencePiece like other text.
public struct MarianTokenizer: TextTokenizer {
    public enum Side: String, Sendable { case source, target }

    public let side: Side
    /// Whether the directory has separate source and target vocabularies (`target_vocab.json`).
    public let separateVocabularies: Bool
    /// The SentencePiece model this side encodes with.
    public let encoder: SentencePieceTokenizer
    /// The SentencePiece model decoding joins pieces with (see the type's documentation).
    public let decoder: SentencePieceTokenizer
    /// The side's vocabulary: piece bytes -> id.
    private let ids: [[UInt8]: Int]
    /// The side's vocabulary: id -> piece bytes.
    private let tokens: [Int: [UInt8]]
    /// The ids `skip_special_tokens` removes: `</s>`, `<unk>`, `<pad>` in `vocab.json`.
    public let specialIDs: Set<Int>
    public let specialTokens: SpecialTokens
    public let vocabularySize: Int

    static let specialTokenNames = ["</s>", "<unk>", "<pad>"]

    /// Loads one side of the tokenizer in `directory`. With `modelVocabularySize` (the source or target
    /// embedding size of the model), a vocabulary holding an id at or beyond it is an error.
    public static func load(directory: URL, side: Side, modelVocabularySize: Int? = nil) throws(CheckpointError) -> MarianTokenizer {
        let separate = try readSeparateVocabularies(directory.appendingPathComponent("tokenizer_config.json"))
        let vocabURL = directory.appendingPathComponent("vocab.json")
        let sourceVocabulary = try readVocabulary(vocabURL, modelVocabularySize: side == .source ? modelVocabularySize : nil)
        let sideURL = side == .target && separate ? directory.appendingPathComponent("target_vocab.json") : vocabURL
        let vocabulary = sideURL == vocabURL && side == .source ? sourceVocabulary
            : try readVocabulary(sideURL, modelVocabularySize: side == .target ? modelVocabularySize : nil)
        let sourceSPM = try readSentencePiece(directory.appendingPathComponent("source.spm"))
        let targetSPM = try readSentencePiece(directory.appendingPathComponent("target.spm"))
        guard let unknown = sourceVocabulary["<unk>".utf8Bytes] else {
            throw CheckpointError(file: vocabURL.relativePath, kind: .invalidLayout,
                                  detail: "has no \"<unk>\" entry; expected the unknown token in a Marian vocabulary")
        }
        guard vocabulary["<unk>".utf8Bytes] != nil else {
            throw CheckpointError(file: sideURL.relativePath, kind: .invalidLayout,
                                  detail: "has no \"<unk>\" entry; expected the unknown token in a Marian vocabulary")
        }
        let end = sourceVocabulary["</s>".utf8Bytes] ?? unknown
        let padding = sourceVocabulary["<pad>".utf8Bytes] ?? unknown
        var tokens: [Int: [UInt8]] = [:]
        for (piece, id) in vocabulary { tokens[id] = piece }      // duplicate ids: one of them, as Python's dict
        return MarianTokenizer(
            side: side, separateVocabularies: separate,
            encoder: side == .source ? sourceSPM : targetSPM, decoder: separate ? targetSPM : sourceSPM,
            ids: vocabulary, tokens: tokens, specialIDs: [end, unknown, padding],
            specialTokens: SpecialTokens(padding: padding, start: padding, end: end,
                                         unknown: vocabulary["<unk>".utf8Bytes] ?? unknown),
            vocabularySize: (vocabulary.values.max() ?? -1) + 1)
    }

    /// The source and target tokenizers of `model`'s directory, checked against its embedding sizes.
    public static func load(for model: MarianModel) throws(CheckpointError) -> (source: MarianTokenizer, target: MarianTokenizer) {
        let source = try load(directory: model.directory, side: .source, modelVocabularySize: model.configuration.vocabularySize)
        let target = try load(directory: model.directory, side: .target, modelVocabularySize: model.configuration.decoderVocabularySize)
        return (source, target)
    }

    // MARK: TextTokenizer

    public var name: String { "marian \(side.rawValue) (\(encoder.name))" }

    /// The pieces of `text` (language code, then `EncodeAsPieces`), as the bytes vocab.json is searched with.
    public func encodePieceBytes(_ text: String) -> [[UInt8]] {
        var bytes = Array(text.utf8)
        var code: [[UInt8]] = []
        if bytes.starts(with: [0x3E, 0x3E]), let end = bytes.indices.dropLast().first(where: { bytes[$0] == 0x3C && bytes[$0 + 1] == 0x3C }) {
            code.append(Array(bytes[..<(end + 2)]))
            bytes = Array(bytes[(end + 2)...])
        }
        return code + encoder.encode(bytes: bytes).map(\.piece)
    }

    public func encodeIDs(_ text: String) -> [Int] {
        encodePieceBytes(text).map { ids[$0] ?? specialTokens.unknown }
    }

    /// `tokenizer(text).input_ids`: ``encodeIDs(_:)`` then `</s>`.
    public func encodeForModel(_ text: String) -> [Int] { encodeIDs(text) + [specialTokens.end] }

    public func encodePieces(_ text: String) -> [String] { encodePieceBytes(text).map { String(decoding: $0, as: UTF8.self) } }

    public func piece(for id: Int) -> String? { tokens[id].map { String(decoding: $0, as: UTF8.self) } }

    /// The token `convert_ids_to_tokens` gives: the vocabulary's, else the decoding spm's piece; nil for an id
    /// outside both (where Python's `IdToPiece` raises), which ``decode(_:)`` skips.
    func token(for id: Int) -> [UInt8]? { tokens[id] ?? decoder.pieceBytes(for: id) }

    public func decode(_ ids: [Int]) -> String {
        let specials = Set(Self.specialTokenNames.map(\.utf8Bytes))
        var text: [UInt8] = []
        var run: [[UInt8]] = []
        for id in ids where !specialIDs.contains(id) {
            guard let token = token(for: id) else { continue }
            if specials.contains(token) {
                text += decoder.decodeBytes(pieces: run) + token + [0x20]
                run = []
            } else {
                run.append(token)
            }
        }
        text += decoder.decodeBytes(pieces: run)
        return String(decoding: text, as: UTF8.self).replacingOccurrences(of: "\u{2581}", with: " ")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// ``decode(_:)`` that first checks every id is in `0 ..< vocabularySize`.
    public func decodeChecked(_ ids: [Int]) throws(CheckpointError) -> String {
        if let bad = ids.first(where: { !(0 ..< vocabularySize).contains($0) }) {
            throw CheckpointError(file: "\(side.rawValue) vocabulary", kind: .invalidLayout,
                                  detail: "id \(bad) out of range; expected ids in 0 ..< \(vocabularySize)")
        }
        return decode(ids)
    }

    // MARK: Reading the files

    private struct TokenizerConfig: Decodable {
        var separate_vocabs: Bool?
    }

    static func readSeparateVocabularies(_ url: URL) throws(CheckpointError) -> Bool {
        guard FileManager.default.fileExists(atPath: url.path) else { return false }
        let data = try readJSONObject(url, expected: "a JSON object (tokenizer_config.json)")
        do { return try JSONDecoder().decode(TokenizerConfig.self, from: data).separate_vocabs ?? false } catch {
            throw CheckpointError(file: url.relativePath, kind: .invalidConfiguration,
                                  detail: "\"separate_vocabs\" is not true, false or null; expected a boolean")
        }
    }

    static func readVocabulary(_ url: URL, modelVocabularySize: Int?) throws(CheckpointError) -> [[UInt8]: Int] {
        let data = try readJSONObject(url, expected: "a JSON object mapping pieces to ids (a Marian vocabulary)")
        let object: [String: Int]
        do { object = try JSONDecoder().decode([String: Int].self, from: data) } catch {
            var piece = "?"
            if case .typeMismatch(_, let context) = error as? Swift.DecodingError { piece = context.codingPath.last?.stringValue ?? "?" }
            if case .dataCorrupted(let context) = error as? Swift.DecodingError { piece = context.codingPath.last?.stringValue ?? "?" }
            throw CheckpointError(file: url.relativePath, kind: .invalidLayout,
                                  detail: "piece \"\(piece)\" has an id that is not an integer; expected integer ids")
        }
        var vocabulary: [[UInt8]: Int] = [:]
        for (piece, id) in object {
            guard id >= 0 else {
                throw CheckpointError(file: url.relativePath, kind: .invalidLayout,
                                      detail: "piece \"\(piece)\" has id \(id); expected a non-negative id")
            }
            if let size = modelVocabularySize, id >= size {
                throw CheckpointError(file: url.relativePath, kind: .configurationMismatch,
                                      detail: "piece \"\(piece)\" has id \(id); expected ids below the model's vocabulary size \(size)")
            }
            vocabulary[Array(piece.utf8)] = id
        }
        return vocabulary
    }

    /// The file's bytes, checked to be a JSON object.
    static func readJSONObject(_ url: URL, expected: String) throws(CheckpointError) -> Data {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError(file: url.relativePath, kind: .unreadable, detail: "cannot be read (no such file?); expected \(expected)")
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: data), parsed is [String: Any] else {
            throw CheckpointError(file: url.relativePath, kind: .invalidLayout,
                                  detail: "is not valid JSON or not an object (\(data.count) bytes); expected \(expected)")
        }
        return data
    }

    static func readSentencePiece(_ url: URL) throws(CheckpointError) -> SentencePieceTokenizer {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CheckpointError(file: url.relativePath, kind: .unreadable, detail: "no such file; expected a SentencePiece model")
        }
        do { return try SentencePieceTokenizer(contentsOf: url) } catch {
            throw CheckpointError(file: url.relativePath, kind: .invalidLayout, detail: "not a usable SentencePiece model: \(error.reason)")
        }
    }
}

private extension String {
    var utf8Bytes: [UInt8] { Array(utf8) }
}
