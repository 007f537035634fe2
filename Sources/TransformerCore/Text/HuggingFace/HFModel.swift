/// The model of a `tokenizer.json`: what turns one pre-tokenized word into ids.
enum HFModel: Equatable {
    case wordLevel(HFWordLevelModel)
    case bpe(HFBPEModel)
    case unigram(HFUnigramModel)

    func tokenize(_ word: [Unicode.Scalar]) -> [Int] {
        switch self {
        case .wordLevel(let m): return m.tokenize(word)
        case .bpe(let m): return m.tokenize(word)
        case .unigram(let m): return m.tokenize(word)
        }
    }

    /// The model's token of `id`.
    func piece(_ id: Int) -> String? {
        switch self {
        case .wordLevel(let m): return m.vocabulary.piece(id)
        case .bpe(let m): return m.vocabulary.piece(id)
        case .unigram(let m): return id >= 0 && id < m.pieces.count ? m.pieces[id].piece : nil
        }
    }

    /// The id of `token` in the model's vocabulary.
    func id(_ token: String) -> Int? {
        switch self {
        case .wordLevel(let m): return m.vocabulary.id(token)
        case .bpe(let m): return m.vocabulary.id(token)
        case .unigram(let m): return m.id(token)
        }
    }

    /// The number of tokens in the model (Rust `get_vocab_size`) and one more than its largest id.
    var size: Int {
        switch self {
        case .wordLevel(let m): return m.vocabulary.count
        case .bpe(let m): return m.vocabulary.count
        case .unigram(let m): return m.pieces.count
        }
    }

    var idLimit: Int {
        switch self {
        case .wordLevel(let m): return m.vocabulary.idLimit
        case .bpe(let m): return m.vocabulary.idLimit
        case .unigram(let m): return m.pieces.count
        }
    }

    /// The token the model writes for text it cannot spell, if any.
    var unknownID: Int? {
        switch self {
        case .wordLevel(let m): return m.unknownID
        case .bpe(let m): return m.unknownToken.flatMap { m.vocabulary.id($0) }
        case .unigram(let m): return m.unknownID
        }
    }

    var name: String {
        switch self {
        case .wordLevel: return "WordLevel"
        case .bpe: return "BPE"
        case .unigram: return "Unigram"
        }
    }

    init(json: HFJSON) throws(HuggingFaceTokenizerError) {
        switch try json.typeName() {
        case "WordLevel": self = .wordLevel(try HFWordLevelModel(json: json))
        case "BPE": self = .bpe(try HFBPEModel(json: json))
        case "Unigram": self = .unigram(try HFUnigramModel(json: json))
        case let other: throw json.error("expected a model type WordLevel, BPE or Unigram, found \"\(other)\"")
        }
    }

    var json: JSONValue {
        switch self {
        case .wordLevel(let m): return m.json
        case .bpe(let m): return m.json
        case .unigram(let m): return m.json
        }
    }
}
