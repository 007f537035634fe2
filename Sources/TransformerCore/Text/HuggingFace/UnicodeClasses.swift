/// The character classes the Rust `tokenizers` library tests, per Unicode scalar (a Rust `char`), so that
/// pre-tokenizers and normalizers cut exactly where it does. Swift `Character` (a grapheme cluster) is not
/// used: `tokenizers` never joins a combining mark to its base letter.
enum UnicodeClasses {
    /// Rust `char::is_whitespace`, Oniguruma and Rust-regex `\s`: the Unicode `White_Space` property
    /// (tab, newline, vertical tab, form feed, CR, space, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
    /// U+2029, U+202F, U+205F, U+3000).
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

    /// Rust-regex (Unicode) `\w`: `Alphabetic`, any mark, decimal digit (`Nd`), connector punctuation
    /// (`Pc`, e.g. `_`), or `Join_Control` (ZWNJ, ZWJ). Not `No` (`²`) and not emoji.
    static func isWord(_ s: Unicode.Scalar) -> Bool {
        let p = s.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// `\p{L}`: general category L (Lu, Ll, Lt, Lm, Lo).
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{N}` and Rust `char::is_numeric`: general category N (Nd, Nl, No).
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// The `Punctuation` and `BertPreTokenizer` test: ASCII punctuation (`!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`,
    /// so `$ + < = > ^ | ~` too, which Unicode calls symbols) or general category P.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII, (0x21...0x2F).contains(s.value) || (0x3A...0x40).contains(s.value)
            || (0x5B...0x60).contains(s.value) || (0x7B...0x7E).contains(s.value) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// General category M (Mn, Mc, Me): what `StripAccents` removes.
    static func isMark(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// General category C (Cc, Cf, Cs, Co, Cn): `BertNormalizer`'s "control" (tab, newline and CR excepted).
    static func isOther(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }
}
