/// What a `tokenizer.json`'s `post_processor` adds around a single sequence's ids, as Python's
/// `encode(text, add_special_tokens=True)` does (pairs of sequences are not supported).
///
/// | type | single sequence |
/// |---|---|
/// | `TemplateProcessing` | its `single` template: `SpecialToken` items (ids from `special_tokens`) and the `Sequence` |
/// | `BertProcessing`, `RobertaProcessing` | `cls` ids, `sep` |
/// | `ByteLevel` | nothing (it only moves offsets) |
/// | `Sequence` | each in turn |
///
/// Another type is kept (and written back) but adds nothing.
indirect enum HFPostProcessor: Equatable {
    enum Item: Equatable { case special([Int]), sequence }
    case template([Item])
    case sequence([HFPostProcessor])
    case none

    func apply(_ ids: [Int]) -> [Int] {
        switch self {
        case .none: return ids
        case .sequence(let steps): return steps.reduce(ids) { $1.apply($0) }
        case .template(let items): return items.flatMap { item -> [Int] in
            if case .special(let s) = item { return s }
            return ids
        }
        }
    }

    init(json: HFJSON) throws(HuggingFaceTokenizerError) {
        switch try json.typeName() {
        case "TemplateProcessing":
            let specials = try json.optional("special_tokens")
            var items: [Item] = []
            for item in try json.required("single").elements() {
                if let s = try item.member("SpecialToken") {
                    let name = try s.string("id")
                    guard let entry = try specials?.member(name) else {
                        throw s.error("expected a token of post_processor.special_tokens, found \(JSONText.quoted(name))")
                    }
                    items.append(.special(try entry.required("ids").elements().map { (j) throws(HuggingFaceTokenizerError) in try j.int() }))
                } else if try item.member("Sequence") != nil {
                    items.append(.sequence)
                } else {
                    throw item.expected("a {\"SpecialToken\": ...} or {\"Sequence\": ...} item")
                }
            }
            self = .template(items)
        case "BertProcessing", "RobertaProcessing":
            func id(_ key: String) throws(HuggingFaceTokenizerError) -> Int {
                let pair = try json.required(key).elements()
                guard pair.count == 2 else { throw json.error("\(key): expected [token, id], found \(pair.count) values") }
                return try pair[1].int()
            }
            self = .template([.special([try id("cls")]), .sequence, .special([try id("sep")])])
        case "Sequence":
            self = .sequence(try json.required("processors").elements().map { (j) throws(HuggingFaceTokenizerError) in try HFPostProcessor(json: j) })
        default:
            self = .none
        }
    }
}

extension HuggingFaceTokenizer {
    /// The ids of `text`; with `addingSpecialTokens`, wrapped by the post-processor's single-sequence
    /// template (Python's `encode(text).ids`, e.g. `[CLS] ... [SEP]`).
    public func encodeIDs(_ text: String, addingSpecialTokens: Bool) -> [Int] {
        addingSpecialTokens ? processor.apply(encodeIDs(text)) : encodeIDs(text)
    }
}
