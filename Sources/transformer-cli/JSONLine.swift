import TransformerCore

/// One JSON object on one line, keys in the order given (for `--json` output that people also read).
enum JSONLine {
    /// A JSON value.
    indirect enum Value {
        case string(String)
        case number(Double)
        case integer(Int)
        case bool(Bool)
        case array([Value])
        case object([(String, Value)])
        case null
    }

    static func render(_ value: Value) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .number(let number): return number.isFinite ? "\(number)" : "null"
        case .integer(let number): return "\(number)"
        case .bool(let flag): return flag ? "true" : "false"
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { quoted($0.0) + ":" + render($0.1) }.joined(separator: ",") + "}"
        case .null: return "null"
        }
    }

    /// A Float as the shortest decimal that reads back as the same Float (not its Double expansion).
    static func number(_ value: Float) -> Value {
        value.isFinite ? .number(Double("\(value)")!) : .null
    }

    /// A JSON string, safe for JavaScript too (U+2028/2029 escaped).
    static func quoted(_ text: String) -> String {
        JSONText.quoted(text, escapingLineSeparators: true)
    }

    /// `translate --json`: one object per input.
    static func translation(_ result: Translator.Translation, input: String) -> String {
        render(.object([
            ("input", .string(input)),
            ("output", .string(result.output)),
            ("tokens", .array(result.tokens.map { .string($0) })),
            ("ids", .array(result.ids.map { .integer($0) })),
            ("log_probability", number(result.logProbability)),
            ("complete", .bool(result.isComplete)),
            ("unknown_tokens", .integer(result.unknownTokens.count)),
        ]))
    }
}
