import Foundation
import TransformerCore

/// What `--tokenizer` (and `--src-tokenizer`, `--tgt-tokenizer`) names: a built-in way of cutting text
/// with a vocabulary counted from the training data, BPE learned from the training data, or a tokenizer
/// file another tool wrote. Stored in the checkpoint's data options as the text typed (a file as an
/// absolute path), so a resumed run can tell a changed flag.
enum TokenizerChoice: Equatable, Codable, CustomStringConvertible {
    /// Characters, whitespace words or punctuation runs, with a vocabulary built from the training data.
    case kind(TokenizerKind)
    /// Byte-pair encoding learned from the training data, `--vocab-size` pieces.
    case bpe
    /// A Hugging Face `tokenizer.json` or a SentencePiece `.model` file, used as it is.
    case file(String)

    /// `--vocab-size`: from 8 (the special tokens and a few pieces) to a million.
    static let vocabularySizes = 8...1_000_000
    /// 8,000 pieces, SentencePiece's default.
    static let defaultVocabularySize = 8000

    /// The word for learned BPE.
    static let bpeName = "bpe"

    /// What `--tokenizer` accepts, for help and errors.
    static let expected = TokenizerKind.allCases.map(\.rawValue).joined(separator: ", ") + ", \(bpeName), "
        + "or a tokenizer.json / SentencePiece .model file"

    init(parsing text: String, option: String) throws(UsageError) {
        if let kind = TokenizerKind(rawValue: text) {
            self = .kind(kind)
        } else if text == Self.bpeName {
            self = .bpe
        } else if TokenizerFile.isFileName(text) {
            self = .file(TrainCommand.absolute(text))
        } else {
            throw .invalidValue(option: option, expected: Self.expected, found: "'\(text)'")
        }
    }

    var description: String {
        switch self {
        case .kind(let kind): kind.rawValue
        case .bpe: Self.bpeName
        case .file(let path): path
        }
    }

    /// The kind whose token count pair files are checked against `--max-len` while read; nil when the
    /// count needs the tokenizer itself (checked once it is built).
    var countingKind: TokenizerKind? {
        if case .kind(let kind) = self { return kind }
        return nil
    }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if let kind = TokenizerKind(rawValue: text) { self = .kind(kind) }
        else if text == Self.bpeName { self = .bpe }
        else { self = .file(text) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The tokenizer this choice makes from `texts` (the training data; unused for a file).
    /// - Throws: ``DataError`` for a vocabulary that cannot be built, ``TokenizerFileError`` for a file.
    func build(texts: [String], minimumFrequency: Int, lowercase: Bool = false, vocabularySize: Int) throws -> AnyTokenizer {
        switch self {
        case .kind(let kind):
            return .vocabulary(try Tokenizer.build(kind: kind, texts: texts, minimumFrequency: minimumFrequency, lowercase: lowercase))
        case .bpe:
            let learner = BPELearner(vocabularySize: vocabularySize, minimumFrequency: minimumFrequency, lowercase: lowercase)
            return .huggingFace(learner.learn(from: texts))
        case .file(let path):
            return try TokenizerFile.load(URL(fileURLWithPath: path))
        }
    }
}

extension TokenizerPair {
    /// Throws unless both tokenizers give the same special ids: the model has one set, used on both sides.
    func requireSameSpecialTokens() throws {
        guard source.specialTokens != target.specialTokens else { return }
        func ids(_ s: SpecialTokens) -> String { "pad \(s.padding), start \(s.start), end \(s.end), unknown \(s.unknown)" }
        throw UsageError("--src-tokenizer and --tgt-tokenizer: expected the same special ids on both sides, found source "
                         + "\(ids(source.specialTokens)) and target \(ids(target.specialTokens))")
    }
}
