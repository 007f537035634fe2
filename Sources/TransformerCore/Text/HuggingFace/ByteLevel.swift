/// GPT-2's byte-level alphabet and pre-tokenizer regex, as `tokenizers`' `ByteLevel` uses them.
///
/// **Bytes as characters.** Every byte 0-255 gets a printable character: the bytes `!`..`~`, `¡`..`¬` and
/// `®`..`ÿ` stand for themselves (as Latin-1 code points), the other 68 bytes (controls, space, U+00A0,
/// U+00AD) become U+0100, U+0101, ... in byte order, so a space is `Ġ` (U+0120) and a newline `Ċ`. A text is
/// then its UTF-8 bytes spelled in this alphabet: no byte is ever unknown.
///
/// **The regex,** implemented by hand over Unicode scalars (Oniguruma semantics, leftmost alternative first):
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// `\s` is Unicode `White_Space`, `\p{L}` / `\p{N}` the general categories L and N. `\s+(?!\S)` keeps the
/// last space of a run for the word after it: `"a   b"` -> `a`, `"  "`, `" b"`.
enum ByteLevel {
    /// `byteToScalar[b]`: the character standing for byte `b`.
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt8(b))
            } else {
                table[b] = Unicode.Scalar(next)!   // 256 ..< 324: valid scalars
                next += 1
            }
        }
        return table
    }()

    /// The byte a character stands for, nil for characters outside the alphabet.
    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, s) in byteToScalar.enumerated() { map[s.value] = UInt8(b) }
        return map
    }()

    /// The 256 characters of the alphabet, in byte order.
    static var alphabet: [Unicode.Scalar] { byteToScalar }

    /// `scalars`' UTF-8 bytes spelled in the byte alphabet.
    static func encode(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        for s in scalars {
            for b in UTF8.encode(s)! { result.append(byteToScalar[Int(b)]) }   // every scalar has a UTF-8 form
        }
        return result
    }

    /// What the regex's alternatives test, per scalar.
    private enum Class { case letter, number, space, other }

    private static func classify(_ c: Unicode.Scalar) -> Class {
        if c.isASCII {   // fast path, same answers
            switch c.value {
            case 0x41...0x5A, 0x61...0x7A: return .letter
            case 0x30...0x39: return .number
            case 0x09...0x0D, 0x20: return .space
            default: return .other
            }
        }
        if UnicodeClasses.isWhitespace(c) { return .space }
        if UnicodeClasses.isLetter(c) { return .letter }
        if UnicodeClasses.isNumber(c) { return .number }
        return .other
    }

    /// The GPT-2 regex's matches in `s`, in order; they cover `s` entirely.
    static func regexMatches(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        let n = s.count
        let classes = s.map(classify)
        var result: [Range<Int>] = []
        var i = 0
        func run(from start: Int, _ c: Class) -> Int {
            var j = start
            while j < n && classes[j] == c { j += 1 }
            return j
        }
        while i < n {
            // 's|'t|'re|'ve|'m|'ll|'d
            if s[i] == "'", let length = contractionLength(s, after: i) {
                result.append(i..<(i + 1 + length)); i += 1 + length; continue
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
            let body = s[i] == " " && i + 1 < n ? i + 1 : i
            if classes[body] != .space {
                let end = run(from: body, classes[body])
                result.append(i..<end); i = end
                continue
            }
            // `\s+(?!\S)|\s+` (s[i] is whitespace here)
            let end = run(from: i, .space)
            if end == n || end - i == 1 {
                result.append(i..<end); i = end
            } else {
                result.append(i..<(end - 1)); i = end - 1   // leave the last space to the next word
            }
        }
        return result
    }

    /// After an apostrophe at `i`: the length of `s`, `t`, `re`, `ve`, `m`, `ll` or `d` there (case-sensitive).
    private static func contractionLength(_ s: [Unicode.Scalar], after i: Int) -> Int? {
        let rest = s[(i + 1)...].prefix(2)
        guard let first = rest.first else { return nil }
        switch first {
        case "s", "t", "m", "d": return 1
        case "r", "v", "l":
            let second: Unicode.Scalar = first == "l" ? "l" : "e"
            return rest.count == 2 && rest.last == second ? 2 : nil
        default: return nil
        }
    }
}
