/// A Hugging Face `tokenizers` tokenizer read from (and written as) a `tokenizer.json`: models WordLevel,
/// BPE (with byte-level GPT-2 style, byte fallback, prefixes and suffixes) and Unigram, with their
/// normalizers, pre-tokenizers, added tokens and decoders.
///
/// ``encodeIDs(_:)`` is Python's `tokenizer.encode(text, add_special_tokens=False).ids` for
/// `tokenizers==0.21.1` (checked id for id by `Scripts/tokenizers/check_hf_tokenizers.py`):
///
/// 1. added tokens with `normalized: false` are cut out of the raw text (``HFAddedTokenMatcher``);
/// 2. each other piece goes through the normalizer, then the `normalized: true` added tokens are cut out;
/// 3. the pre-tokenizer cuts the remaining pieces into words; 4. the model turns each word into ids.
///
/// The post-processor (`TemplateProcessing`, `BertProcessing`, ...) is kept and written back but not
/// applied by `encodeIDs`; ``encodeIDs(_:addingSpecialTokens:)`` applies the single-sequence template.
/// `truncation` and `padding` are ignored (batching does both here). Tokens are compared by their UTF-8
/// bytes, never by `String ==` (canonical equivalence would make `"é"` and `"e\u{301}"` one token).
///
/// ```swift
/// let tokenizer = try HuggingFaceTokenizer(contentsOf: URL(fileURLWithPath: "tokenizer.json"))
/// tokenizer.encodeIDs("Hello world")       // the ids Python's encode gives
/// try tokenizer.jsonText()                 // a tokenizer.json Python loads to the same ids
/// ```
public struct HuggingFaceTokenizer: TextTokenizer, Equatable {
    let normalizer: HFNormalizer?
    let preTokenizer: HFPreTokenizer?
    let model: HFModel
    let decoder: HFDecoder?
    let addedTokens: [HFAddedToken]
    /// The `post_processor` as read (written back unchanged), nil for none.
    let postProcessor: JSONValue?
    /// What `post_processor` adds around a sequence (``encodeIDs(_:addingSpecialTokens:)``).
    let processor: HFPostProcessor
    private let rawMatcher: HFAddedTokenMatcher
    private let normalizedMatcher: HFAddedTokenMatcher
    private let addedByID: [Int: HFAddedToken]
    private let addedByContent: [[UInt8]: Int]
    public let vocabularySize: Int
    public let specialTokens: SpecialTokens

    public static func == (a: HuggingFaceTokenizer, b: HuggingFaceTokenizer) -> Bool {
        a.normalizer == b.normalizer && a.preTokenizer == b.preTokenizer && a.model == b.model && a.decoder == b.decoder
            && a.addedTokens == b.addedTokens && a.postProcessor?.serialized == b.postProcessor?.serialized
    }

    /// Puts the parts together. Added tokens get the ids the Rust library gives them: their id in the
    /// model when the model has the token, else the next id after the model's (so a file's `id` fields are
    /// only checked to be consistent).
    init(normalizer: HFNormalizer?, preTokenizer: HFPreTokenizer?, model: HFModel, decoder: HFDecoder?,
         addedTokens: [HFAddedToken], postProcessor: JSONValue?) {
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.decoder = decoder
        self.postProcessor = postProcessor
        processor = postProcessor.flatMap { try? HFPostProcessor(json: HFJSON(value: $0, path: "post_processor", file: "")) } ?? .none
        var tokens: [HFAddedToken] = [], byID: [Int: HFAddedToken] = [:], byContent: [[UInt8]: Int] = [:]
        var nextID = model.size
        for var token in addedTokens {
            let key = Array(token.content.utf8)
            if let existing = byContent[key] {   // the same content again replaces the entry, keeping the id
                token.id = existing
                tokens.removeAll { $0.id == existing }
            } else if let id = model.id(token.content) {
                token.id = id
            } else {
                let largest = byID.keys.max()
                token.id = largest.map { $0 >= model.size || model.size == 0 ? $0 + 1 : model.size } ?? model.size
                nextID = max(nextID, token.id + 1)
            }
            byContent[key] = token.id
            byID[token.id] = token
            tokens.append(token)
        }
        self.addedTokens = tokens
        self.addedByID = byID
        self.addedByContent = byContent
        // special tokens first, then the others (Rust's order of patterns)
        let ordered = tokens.filter(\.special) + tokens.filter { !$0.special }
        rawMatcher = HFAddedTokenMatcher(ordered.filter { !$0.normalized }.map { (Array($0.content.unicodeScalars), $0) })
        normalizedMatcher = HFAddedTokenMatcher(ordered.filter(\.normalized).map {
            (normalizer?.apply(Array($0.content.unicodeScalars)) ?? Array($0.content.unicodeScalars), $0)
        })
        vocabularySize = max(model.idLimit, nextID, (byID.keys.max() ?? -1) + 1)
        specialTokens = Self.findSpecialTokens(model: model, added: byContent)
    }

    /// `byte-level bpe`, `bpe`, `unigram` or `wordlevel`.
    public var name: String {
        if case .bpe = model, case .some(let p) = preTokenizer, p.usesByteLevel { return "byte-level bpe" }
        return model.name.lowercased()
    }

    /// The ids of `text` with no special tokens added: Python's `encode(text, add_special_tokens=False).ids`.
    public func encodeIDs(_ text: String) -> [Int] {
        var pieces = rawMatcher.split([HFPiece(text)])
        if let normalizer {
            pieces = pieces.map { p in
                guard p.addedTokenID == nil else { return p }
                var n = p
                n.scalars = normalizer.apply(p.scalars)
                return n
            }
        }
        // empty pieces are dropped (Rust's PreTokenizedString::split), so nothing is prepended to them
        pieces = normalizedMatcher.split(pieces.filter { !$0.scalars.isEmpty })
        if let preTokenizer { pieces = preTokenizer.apply(pieces.filter { !$0.scalars.isEmpty }) }
        var ids: [Int] = []
        for piece in pieces {
            if let id = piece.addedTokenID { ids.append(id) } else { ids += model.tokenize(piece.scalars) }
        }
        return ids
    }

    public func encodePieces(_ text: String) -> [String] { pieces(for: encodeIDs(text)) }

    /// The token of `id`: an added token's content, else the model's token.
    public func piece(for id: Int) -> String? { addedByID[id]?.content ?? model.piece(id) }

    /// The id of `token` (added tokens first, then the model), nil when neither has it.
    public func id(for token: String) -> Int? { addedByContent[Array(token.utf8)] ?? model.id(token) }

    /// The text of `ids` as Python's `decode(ids)` (`skip_special_tokens=True`): special added tokens and
    /// the padding, start and end ids are skipped, unknown ids too; the rest goes through the decoder (or is
    /// joined with spaces when there is none).
    public func decode(_ ids: [Int]) -> String {
        let skipped: Set<Int> = [specialTokens.padding, specialTokens.start, specialTokens.end]
        let pieces = ids.compactMap { id -> String? in
            if skipped.contains(id) && id != specialTokens.unknown { return nil }
            if let added = addedByID[id] { return added.special ? nil : added.content }
            return model.piece(id)
        }
        guard let decoder else { return pieces.joined(separator: " ") }
        return decoder.decode(pieces)
    }
}

extension HFPreTokenizer {
    var usesByteLevel: Bool {
        switch self {
        case .byteLevel: return true
        case .sequence(let steps): return steps.contains { $0.usesByteLevel }
        default: return false
        }
    }
}
