/// A `token -> id` map keyed by UTF-8 bytes, never by Swift `String` equality: `String ==` is canonical
/// equivalence, so `"é"` (U+00E9) and `"e\u{301}"` would be one key, while `tokenizers` keeps them apart.
struct HFVocabulary: Equatable {
    private(set) var ids: [[UInt8]: Int] = [:]
    /// The token of each id (a dictionary: a file may leave holes, and a hostile id must not allocate).
    private(set) var pieces: [Int: String] = [:]
    /// One more than the largest id (0 when empty).
    private(set) var idLimit = 0

    init() {}

    /// The id of `token`, nil when absent.
    func id(_ token: String) -> Int? { ids[Array(token.utf8)] }
    func id(bytes: [UInt8]) -> Int? { ids[bytes] }

    var count: Int { ids.count }
    /// Every (UTF-8 bytes, id), in no particular order.
    var entries: Dictionary<[UInt8], Int> { ids }

    func piece(_ id: Int) -> String? { pieces[id] }

    /// Adds `token` with `id`; false when the token is already there (the first id is kept).
    @discardableResult
    mutating func insert(_ token: String, id: Int) -> Bool {
        let key = Array(token.utf8)
        guard ids[key] == nil else { return false }
        ids[key] = id
        idLimit = max(idLimit, id + 1)
        if pieces[id] == nil { pieces[id] = token }
        return true
    }

    /// The vocabulary as a JSON object `{token: id}` in id order (as the Rust library writes it).
    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        var byID = ids.map { (bytes: $0.key, id: $0.value) }
        byID.sort { $0.id != $1.id ? $0.id < $1.id : $0.bytes.lexicographicallyPrecedes($1.bytes) }
        for entry in byID { members.append((String(decoding: entry.bytes, as: UTF8.self), .int(entry.id))) }
        return .object(members)
    }

    /// Reads `{token: id, ...}`; ids must be below `limit` and not repeated.
    static func read(_ json: HFJSON, limit: Int = 1 << 24) throws(HuggingFaceTokenizerError) -> HFVocabulary {
        var vocabulary = HFVocabulary()
        var seen = Set<Int>()
        for (token, value) in try json.members() {
            let id = try value.int()
            guard id < limit else { throw value.error("expected an id below \(limit), found \(id)") }
            guard seen.insert(id).inserted else {
                throw value.error("expected each id once, found id \(id) again (token \(JSONText.quoted(token)))")
            }
            vocabulary.insert(token, id: id)
        }
        return vocabulary
    }
}
