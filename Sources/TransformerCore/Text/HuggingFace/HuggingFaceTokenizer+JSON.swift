import Foundation

extension HuggingFaceTokenizer {
    /// Reads a `tokenizer.json` from its bytes; `file` names it in errors.
    /// - Throws: ``HuggingFaceTokenizerError`` (one line: the file, the JSON path, expected and found) for
    ///   malformed JSON, a missing or wrong-typed field, an unknown component type, a merge or `unk_token`
    ///   outside the vocabulary, BPE dropout, a malformed `Precompiled` charsmap, or a component not supported.
    public init(jsonBytes bytes: [UInt8], file: String = "tokenizer.json") throws(HuggingFaceTokenizerError) {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            throw HuggingFaceTokenizerError(file: file, "expected JSON, found an error at byte \(error.offset): \(error.message)")
        }
        let root = HFJSON(value: value, path: "", file: file)
        _ = try root.members()
        guard let modelJSON = try root.optional("model") else { throw root.error("expected a field \"model\", found none") }
        let model = try HFModel(json: modelJSON)
        let normalizer = try root.optional("normalizer").map { (j) throws(HuggingFaceTokenizerError) in try HFNormalizer(json: j) }
        let preTokenizer = try root.optional("pre_tokenizer").map { (j) throws(HuggingFaceTokenizerError) in try HFPreTokenizer(json: j) }
        let decoder = try root.optional("decoder").map { (j) throws(HuggingFaceTokenizerError) in try HFDecoder(json: j) }
        let added = try root.optional("added_tokens")?.elements().map { (j) throws(HuggingFaceTokenizerError) in try HFAddedToken(json: j) } ?? []
        let post = try root.optional("post_processor")
        if let post { _ = try HFPostProcessor(json: post) }   // refuse what cannot be applied later
        self.init(normalizer: normalizer, preTokenizer: preTokenizer, model: model, decoder: decoder,
                  addedTokens: added, postProcessor: post?.value)
    }

    /// Reads a `tokenizer.json` text (a checkpoint stores the tokenizer as this text).
    public init(jsonText: String, file: String = "tokenizer.json") throws(HuggingFaceTokenizerError) {
        try self.init(jsonBytes: Array(jsonText.utf8), file: file)
    }

    /// Reads the `tokenizer.json` at `url` (named in errors by its path).
    public init(contentsOf url: URL) throws(HuggingFaceTokenizerError) {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw HuggingFaceTokenizerError(file: url.path, "expected a readable tokenizer.json, found none (\(error.localizedDescription))")
        }
        try self.init(jsonBytes: [UInt8](bytes), file: url.path)
    }

    /// The tokenizer as `tokenizer.json` text that Python's `Tokenizer.from_str` / `from_file` loads to the
    /// same ids: `version`, `truncation: null`, `padding: null`, `added_tokens`, `normalizer`,
    /// `pre_tokenizer`, `post_processor`, `decoder`, `model` (vocabulary in id order, merges as pairs).
    public func jsonText() -> String {
        let root: JSONValue = .object([
            ("version", .string("1.0")), ("truncation", .null), ("padding", .null),
            ("added_tokens", .array(addedTokens.sorted { $0.id < $1.id }.map(\.json))),
            ("normalizer", normalizer?.json ?? .null), ("pre_tokenizer", preTokenizer?.json ?? .null),
            ("post_processor", postProcessor ?? .null), ("decoder", decoder?.json ?? .null), ("model", model.json),
        ])
        return root.serialized
    }

    /// The usual spellings of each role, looked up among the added tokens, then in the model, first found wins.
    static let specialSpellings: (padding: [String], start: [String], end: [String], unknown: [String]) = (
        padding: ["<pad>", "[PAD]", "<PAD>", "<|pad|>", "<|padding|>"],
        start: ["<sos>", "[SOS]", "<s>", "<bos>", "[BOS]", "<BOS>", "[CLS]", "<cls>", "<|startoftext|>", "<|begin_of_text|>", "<|endoftext|>"],
        end: ["<eos>", "[EOS]", "</s>", "<EOS>", "[SEP]", "<sep>", "<|end_of_text|>", "<|endoftext|>"],
        unknown: ["<unk>", "[UNK]", "<UNK>", "<|unk|>"])

    /// The padding, start, end and unknown ids, found by their usual spellings (``specialSpellings``).
    /// The unknown id is the model's own (`unk_token` / `unk_id`) when it has one. Fallbacks for a role with
    /// no such token: padding -> end, start -> end, end -> start, unknown -> padding; a role still missing is 0.
    static func findSpecialTokens(model: HFModel, added: [[UInt8]: Int]) -> SpecialTokens {
        func find(_ spellings: [String]) -> Int? {
            for s in spellings { if let id = added[Array(s.utf8)] ?? model.id(s) { return id } }
            return nil
        }
        let padding = find(specialSpellings.padding), start = find(specialSpellings.start), end = find(specialSpellings.end)
        let unknown = model.unknownID ?? find(specialSpellings.unknown)
        let p = padding ?? end ?? 0
        return SpecialTokens(padding: p, start: start ?? end ?? 0, end: end ?? start ?? 0, unknown: unknown ?? p)
    }
}
