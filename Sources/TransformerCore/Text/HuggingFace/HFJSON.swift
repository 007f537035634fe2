/// A JSON value of a `tokenizer.json` with its place in the file (`model.vocab`, `normalizer.normalizers[1]`),
/// so that every error names the file and the field: `tokenizer.json: model.unk_token: expected a string
/// or null, found the number 3`.
struct HFJSON {
    let value: JSONValue
    /// The dotted path of the value from the top of the file (`""` at the top).
    let path: String
    let file: String

    func error(_ reason: String) -> HuggingFaceTokenizerError {
        HuggingFaceTokenizerError(file: file, path.isEmpty ? reason : "\(path): \(reason)")
    }

    func expected(_ what: String) -> HuggingFaceTokenizerError {
        error("expected \(what), found \(value.typeDescription)")
    }

    func child(_ key: String, _ value: JSONValue) -> HFJSON {
        HFJSON(value: value, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// The members of an object, in file order.
    func members() throws(HuggingFaceTokenizerError) -> [(key: String, value: HFJSON)] {
        guard case .object(let members) = value else { throw expected("an object") }
        return members.map { ($0.key, child($0.key, $0.value)) }
    }

    /// The member `key`, nil when absent (null is returned as a value).
    func member(_ key: String) throws(HuggingFaceTokenizerError) -> HFJSON? {
        guard case .object(let members) = value else { throw expected("an object") }
        return members.first { $0.key == key }.map { child(key, $0.value) }
    }

    /// The member `key`, nil when absent or null.
    func optional(_ key: String) throws(HuggingFaceTokenizerError) -> HFJSON? {
        guard let m = try member(key), !m.isNull else { return nil }
        return m
    }

    func required(_ key: String) throws(HuggingFaceTokenizerError) -> HFJSON {
        guard let m = try member(key) else { throw error("expected a field \"\(key)\", found none") }
        return m
    }

    var isNull: Bool { if case .null = value { return true } else { return false } }

    func elements() throws(HuggingFaceTokenizerError) -> [HFJSON] {
        guard case .array(let values) = value else { throw expected("an array") }
        return values.enumerated().map { HFJSON(value: $0.element, path: "\(path)[\($0.offset)]", file: file) }
    }

    func string() throws(HuggingFaceTokenizerError) -> String {
        guard case .string(let text) = value else { throw expected("a string") }
        return text
    }

    func bool() throws(HuggingFaceTokenizerError) -> Bool {
        guard case .bool(let flag) = value else { throw expected("true or false") }
        return flag
    }

    func int() throws(HuggingFaceTokenizerError) -> Int {
        guard let n = value.nonNegativeInteger else { throw expected("a non-negative integer") }
        return n
    }

    func double() throws(HuggingFaceTokenizerError) -> Double {
        guard case .number(let text) = value, let x = Double(text), x.isFinite else { throw expected("a finite number") }
        return x
    }

    // Members with defaults, as the Rust library's serde defaults.
    func string(_ key: String, default fallback: String? = nil) throws(HuggingFaceTokenizerError) -> String {
        if let m = try optional(key) { return try m.string() }
        if let fallback { return fallback }
        throw error("expected a string field \"\(key)\", found none")
    }

    func optionalString(_ key: String) throws(HuggingFaceTokenizerError) -> String? {
        try optional(key).map { (m) throws(HuggingFaceTokenizerError) in try m.string() }
    }

    func bool(_ key: String, default fallback: Bool? = nil) throws(HuggingFaceTokenizerError) -> Bool {
        if let m = try optional(key) { return try m.bool() }
        if let fallback { return fallback }
        throw error("expected a field \"\(key)\" (true or false), found none")
    }

    func int(_ key: String, default fallback: Int? = nil) throws(HuggingFaceTokenizerError) -> Int {
        if let m = try optional(key) { return try m.int() }
        if let fallback { return fallback }
        throw error("expected an integer field \"\(key)\", found none")
    }

    /// The `type` member of a component (`{"type": "BPE", ...}`).
    func typeName() throws(HuggingFaceTokenizerError) -> String {
        guard let t = try member("type") else { throw error("expected a field \"type\", found none") }
        return try t.string()
    }
}

extension JSONValue {
    /// Compact JSON text (numbers as their literal text, strings escaped by ``JSONText/quoted(_:escapingLineSeparators:)``).
    var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let text): out += text
        case .string(let s): out += JSONText.quoted(s)
        case .array(let values):
            out += "["
            for (i, v) in values.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, m) in members.enumerated() {
                if i > 0 { out += "," }
                out += JSONText.quoted(m.key)
                out += ":"
                m.value.write(to: &out)
            }
            out += "}"
        }
    }

    static func int(_ n: Int) -> JSONValue { .number(String(n)) }

    /// A finite double as the shortest text that reads back to it (Swift's `description`).
    static func double(_ x: Double) -> JSONValue { .number(x.isFinite ? "\(x)" : "0") }

    static func optionalString(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}
