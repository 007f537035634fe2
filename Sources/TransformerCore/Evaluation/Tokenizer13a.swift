/// The `13a` tokenization of sacreBLEU (its default for BLEU), which reproduces the normalization of the
/// WMT scoring script mteval-v13a.pl. Implemented from sacreBLEU 2.x's `tokenizer_13a.py` and
/// `tokenizer_re.py`, operating on Unicode scalars (Python `str` code points) so results match exactly.
///
/// Language-independent part, in this order (literal, left-to-right, non-overlapping replacements):
///
///     "<skipped>" -> "",  "-\n" -> "",  "\n" -> " ",
///     and only if the line contains "&":  "&quot;" -> "\"",  "&amp;" -> "&",  "&lt;" -> "<",  "&gt;" -> ">"
///
/// then the line is wrapped in one space on each side and four regular-expression substitutions run in turn
/// (each as Python's `re.sub`: leftmost match, non-overlapping, scanning on after each match):
///
///     1. ([\{-\~\[-\` -\&\(-\+\:-\@\/])  -> " \1 "   space out  { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
///     2. ([^0-9])([\.,])                 -> "\1 \2 " period and comma unless preceded by a digit
///     3. ([\.,])([^0-9])                 -> " \1 \2" period and comma unless followed by a digit
///     4. ([0-9])(-)                      -> "\1 \2 " dash when preceded by a digit
///
/// and finally the tokens are Python's `line.split()` joined by single spaces. Apostrophes, hyphens
/// between letters and non-ASCII punctuation are left attached. Digits are ASCII 0-9 only.
public enum Tokenizer13a {
    /// The tokenized line, tokens separated by single spaces.
    public static func tokenize(_ line: String) -> String {
        tokens(line).joined(separator: " ")
    }

    /// The tokens of the tokenized line.
    public static func tokens(_ line: String) -> [String] {
        var s = Array(line.unicodeScalars)
        s = replacing(s, "<skipped>", "")
        s = replacing(s, "-\n", "")
        s = replacing(s, "\n", " ")
        if s.contains("&") {
            s = replacing(s, "&quot;", "\"")
            s = replacing(s, "&amp;", "&")
            s = replacing(s, "&lt;", "<")
            s = replacing(s, "&gt;", ">")
        }
        s = [" "] + s + [" "]
        // 1. Space out the listed punctuation and symbols.
        var spaced: [Unicode.Scalar] = []
        spaced.reserveCapacity(s.count * 2)
        for c in s {
            if isSpacedSymbol(c) { spaced += [" ", c, " "] } else { spaced.append(c) }
        }
        s = spaced
        // 2. ([^0-9])([\.,]) -> "\1 \2 "
        s = substitutePairs(s, first: { !isDigit($0) }, second: isPeriodOrComma) { [$0, " ", $1, " "] }
        // 3. ([\.,])([^0-9]) -> " \1 \2"
        s = substitutePairs(s, first: isPeriodOrComma, second: { !isDigit($0) }) { [" ", $0, " ", $1] }
        // 4. ([0-9])(-) -> "\1 \2 "
        s = substitutePairs(s, first: isDigit, second: { $0 == "-" }) { [$0, " ", $1, " "] }
        return splitOnWhitespace(String(String.UnicodeScalarView(s)))
    }

    /// Regex 1's class: 0x7B-0x7E, 0x5B-0x60, 0x20-0x26, 0x28-0x2B, 0x3A-0x40 and "/".
    static func isSpacedSymbol(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: true
        default: false
        }
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { (0x30...0x39).contains(c.value) }
    static func isPeriodOrComma(_ c: Unicode.Scalar) -> Bool { c == "." || c == "," }

    /// `re.sub` for a pattern of two single-character classes: at each position, if the pair matches,
    /// emit the replacement and skip both characters; otherwise copy one character and move on.
    static func substitutePairs(_ s: [Unicode.Scalar], first: (Unicode.Scalar) -> Bool, second: (Unicode.Scalar) -> Bool,
                                replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(s.count + s.count / 2)
        var i = 0
        while i < s.count {
            if i + 1 < s.count && first(s[i]) && second(s[i + 1]) {
                result += replacement(s[i], s[i + 1])
                i += 2
            } else {
                result.append(s[i])
                i += 1
            }
        }
        return result
    }

    /// Python's `str.replace`: every non-overlapping occurrence of `target`, left to right.
    static func replacing(_ s: [Unicode.Scalar], _ target: String, _ replacement: String) -> [Unicode.Scalar] {
        let t = Array(target.unicodeScalars), r = Array(replacement.unicodeScalars)
        guard !t.isEmpty, s.count >= t.count else { return s }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if i + t.count <= s.count && s[i] == t[0] && Array(s[i..<(i + t.count)]) == t {
                result += r
                i += t.count
            } else {
                result.append(s[i])
                i += 1
            }
        }
        return result
    }
}
