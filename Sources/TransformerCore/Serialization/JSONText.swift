/// JSON string literals, written one way for the whole package (checkpoint headers, `--json` output).
public enum JSONText {
    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped (RFC 8259),
    /// other characters (including non-ASCII) written as UTF-8. With `escapingLineSeparators`, U+2028
    /// and U+2029 are escaped too, so the line is also safe to paste into JavaScript.
    public static func quoted(_ text: String, escapingLineSeparators: Bool = false) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || (escapingLineSeparators && (scalar.value == 0x2028 || scalar.value == 0x2029)):
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
