/// Escaping of text placed in XML/SVG/HTML character data and attribute values.
///
/// `&`, `<`, `>`, `"` and `'` become the predefined entities `&amp;` `&lt;` `&gt;` `&quot;` `&#39;`.
/// Characters XML 1.0 does not allow at all (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF;
/// lone surrogates cannot occur in a Swift String) are replaced by U+FFFD, since no escape can carry
/// them. Tab, LF and CR become character references so attribute-value normalisation keeps them.
/// Everything else, including non-ASCII, is kept as UTF-8.
enum XMLEscaping {
    /// `text` safe for both element content and double- or single-quoted attribute values.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t": result += "&#9;"
            case "\n": result += "&#10;"
            case "\r": result += "&#13;"
            case _ where !isAllowed(scalar): result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
