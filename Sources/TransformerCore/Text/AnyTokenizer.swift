import Foundation

/// Any of the package's tokenizers as one value: what checkpoints store and what training, translation
/// and inspection take, so a model trained on characters, words, learned BPE, a Hugging Face
/// `tokenizer.json` or a SentencePiece `.model` is used the same way.
///
/// JSON (inside a checkpoint's metadata), told apart by `kind`:
///
/// | kind | case | rest of the object |
/// |---|---|---|
/// | `character`, `word`, `punctuation` | ``vocabulary(_:)`` | ``Tokenizer``'s own JSON, byte-identical to older checkpoints |
/// | `huggingface` | ``huggingFace(_:)`` | `"tokenizer_json"`: the whole `tokenizer.json` text (``HuggingFaceTokenizer/jsonText()``) |
/// | `sentencepiece` | ``sentencePiece(_:)`` | `model`: the `.model` file's bytes, base64 |
///
/// An unknown `kind` is a decoding error naming it and the kinds this version reads.
public enum AnyTokenizer: TextTokenizer, Codable, Equatable {
    /// Characters, words or punctuation runs with a ``Vocabulary`` (``Tokenizer``).
    case vocabulary(Tokenizer)
    /// A Hugging Face `tokenizer.json` (loaded, or BPE learned by ``BPELearner``).
    case huggingFace(HuggingFaceTokenizer)
    /// A SentencePiece `.model` (``SentencePieceTokenizer``).
    case sentencePiece(SentencePieceTokenizer)

    public init(_ tokenizer: Tokenizer) { self = .vocabulary(tokenizer) }

    /// The tokenizer inside, as the protocol.
    public var base: any TextTokenizer {
        switch self {
        case .vocabulary(let tokenizer): return tokenizer
        case .huggingFace(let tokenizer): return tokenizer
        case .sentencePiece(let tokenizer): return tokenizer
        }
    }

    /// The ``Tokenizer`` inside when this is one (character, word or punctuation tokens).
    public var vocabularyTokenizer: Tokenizer? {
        if case .vocabulary(let tokenizer) = self { return tokenizer }
        return nil
    }

    /// How the text is cut when this is a ``Tokenizer``; nil for subword tokenizers.
    public var kind: TokenizerKind? { vocabularyTokenizer?.kind }

    public var vocabularySize: Int { base.vocabularySize }
    public var specialTokens: SpecialTokens { base.specialTokens }
    public var name: String { base.name }
    public func encodeIDs(_ text: String) -> [Int] { base.encodeIDs(text) }
    public func encodePieces(_ text: String) -> [String] { base.encodePieces(text) }
    public func piece(for id: Int) -> String? { base.piece(for: id) }
    public func decode(_ ids: [Int]) -> String { base.decode(ids) }

    /// The ids of `text` and how many of them are the unknown id.
    public func encode(_ text: String) -> (ids: [Int], unknownCount: Int) {
        let ids = encodeIDs(text), unknown = specialTokens.unknown
        return (ids, ids.reduce(0) { $0 + ($1 == unknown ? 1 : 0) })
    }

    /// The `kind` values this version reads.
    public static let kinds = TokenizerKind.allCases.map(\.rawValue) + [huggingFaceKind, sentencePieceKind]

    /// The `kind` of a ``huggingFace(_:)`` tokenizer.
    static let huggingFaceKind = "huggingface"
    private static let sentencePieceKind = "sentencepiece"

    private enum CodingKeys: String, CodingKey { case kind, model, tokenizerJSON = "tokenizer_json" }

    public init(from decoder: any Decoder) throws {
        let kind = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .kind)
        if TokenizerKind(rawValue: kind) != nil {
            self = .vocabulary(try Tokenizer(from: decoder))
            return
        }
        if kind == Self.huggingFaceKind {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let text = try container.decode(String.self, forKey: .tokenizerJSON)
            do { self = .huggingFace(try HuggingFaceTokenizer(jsonText: text, file: "checkpoint tokenizer_json")) } catch {
                throw Swift.DecodingError.dataCorruptedError(forKey: .tokenizerJSON, in: container, debugDescription: error.description)
            }
            return
        }
        if kind == Self.sentencePieceKind {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let encoded = try container.decode(String.self, forKey: .model)
            guard let bytes = Data(base64Encoded: encoded) else {
                throw Swift.DecodingError.dataCorruptedError(forKey: .model, in: container, debugDescription: "expected base64, found \(encoded.prefix(20))...")
            }
            do { self = .sentencePiece(try SentencePieceTokenizer(bytes: [UInt8](bytes), source: "the stored SentencePiece model")) }
            catch { throw Swift.DecodingError.dataCorruptedError(forKey: .model, in: container, debugDescription: error.description) }
            return
        }
        throw Swift.DecodingError.dataCorrupted(Swift.DecodingError.Context(
            codingPath: decoder.codingPath + [CodingKeys.kind],
            debugDescription: "expected a tokenizer kind (\(Self.kinds.joined(separator: ", "))), found \"\(kind)\""))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .vocabulary(let tokenizer): try tokenizer.encode(to: encoder)
        case .huggingFace(let tokenizer):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(Self.huggingFaceKind, forKey: .kind)
            try container.encode(tokenizer.jsonText(), forKey: .tokenizerJSON)
        case .sentencePiece(let tokenizer):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(Self.sentencePieceKind, forKey: .kind)
            try container.encode(Data(tokenizer.modelBytes).base64EncodedString(), forKey: .model)
        }
    }
}

/// A tokenizer that a checkpoint can store: it converts to ``AnyTokenizer``. APIs that keep a tokenizer
/// (the training tasks, ``TokenizerPair``) take any of these, so `tokenizer: myTokenizer` works whatever
/// its type.
public protocol AnyTokenizerConvertible: TextTokenizer {
    var anyTokenizer: AnyTokenizer { get }
}

extension AnyTokenizer: AnyTokenizerConvertible {
    public var anyTokenizer: AnyTokenizer { self }
}

extension HuggingFaceTokenizer: AnyTokenizerConvertible {
    public var anyTokenizer: AnyTokenizer { .huggingFace(self) }
}

extension Tokenizer: AnyTokenizerConvertible {
    public var anyTokenizer: AnyTokenizer { .vocabulary(self) }
}

extension SentencePieceTokenizer: AnyTokenizerConvertible {
    public var anyTokenizer: AnyTokenizer { .sentencePiece(self) }
}
