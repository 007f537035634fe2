import Foundation

/// A `tokenizer.json` normalizer (Rust `tokenizers/src/normalizers/`): a text-to-text map applied to each
/// piece not claimed by an added token, before the pre-tokenizer.
///
/// Character-level steps work per Unicode scalar as Rust does per `char`: `Lowercase` is each scalar's full
/// lowercase mapping (`İ` -> `i̇`, no context rules such as a final sigma), `StripAccents` removes every
/// mark (general category M), `Strip` removes `White_Space`. The Unicode forms use Foundation's
/// normalization (its Unicode version can differ from Rust's `unicode-normalization` on very new scalars).
/// `Precompiled` is SentencePiece's character map, applied as `tokenizers` does (``HFPrecompiled``).
indirect enum HFNormalizer: Equatable {
    case sequence([HFNormalizer])
    case nfc, nfd, nfkc, nfkd
    case lowercase
    case strip(left: Bool, right: Bool)
    case stripAccents
    /// Replaces every occurrence of a plain string (a `Regex` pattern is refused).
    case replace(pattern: String, content: String)
    /// Puts `text` before a non-empty piece.
    case prepend(String)
    case bert(cleanText: Bool, handleChineseChars: Bool, stripAccents: Bool?, lowercase: Bool)
    case precompiled(HFPrecompiled)

    func apply(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        switch self {
        case .sequence(let steps): return steps.reduce(scalars) { $1.apply($0) }
        case .nfc: return Self.scalars(Self.string(scalars).precomposedStringWithCanonicalMapping)
        case .nfd: return Self.scalars(Self.string(scalars).decomposedStringWithCanonicalMapping)
        case .nfkc: return Self.scalars(Self.string(scalars).precomposedStringWithCompatibilityMapping)
        case .nfkd: return Self.scalars(Self.string(scalars).decomposedStringWithCompatibilityMapping)
        case .lowercase: return Self.lowercased(scalars)
        case .strip(let left, let right):
            var lower = 0, upper = scalars.count
            if left { while lower < upper && UnicodeClasses.isWhitespace(scalars[lower]) { lower += 1 } }
            if right { while upper > lower && UnicodeClasses.isWhitespace(scalars[upper - 1]) { upper -= 1 } }
            return Array(scalars[lower..<upper])
        case .stripAccents: return scalars.filter { !UnicodeClasses.isMark($0) }
        case .replace(let pattern, let content):
            let matches = HFSplitBehavior.literalMatches(scalars, Array(pattern.unicodeScalars))
            guard !matches.isEmpty else { return scalars }
            var result: [Unicode.Scalar] = [], last = 0
            for m in matches {
                result += scalars[last..<m.lowerBound]
                result += content.unicodeScalars
                last = m.upperBound
            }
            return result + scalars[last...]
        case .prepend(let text): return scalars.isEmpty ? scalars : Array(text.unicodeScalars) + scalars
        case .precompiled(let map): return map.apply(scalars)
        case .bert(let clean, let chinese, let strip, let lower):
            var s = scalars
            if clean {
                // drop NUL, U+FFFD and controls (tab, newline, CR excepted); every whitespace becomes a space
                s = s.compactMap { c in
                    let isSpace = c == "\t" || c == "\n" || c == "\r" || UnicodeClasses.isWhitespace(c)
                    if c.value == 0 || c.value == 0xFFFD || (!isSpace && UnicodeClasses.isOther(c)) { return nil }
                    return isSpace ? " " : c
                }
            }
            if chinese { s = s.flatMap { Self.isChineseCharacter($0) ? [" ", $0, " "] : [$0] } }
            if strip ?? lower { s = Self.scalars(Self.string(s).decomposedStringWithCanonicalMapping).filter { $0.properties.generalCategory != .nonspacingMark } }
            if lower { s = Self.lowercased(s) }
            return s
        }
    }

    static func lowercased(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        scalars.flatMap { s -> [Unicode.Scalar] in
            s.properties.changesWhenLowercased ? Array(s.properties.lowercaseMapping.unicodeScalars) : [s]
        }
    }

    /// BERT's CJK ideograph blocks.
    static func isChineseCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }

    static func string(_ scalars: [Unicode.Scalar]) -> String { String(String.UnicodeScalarView(scalars)) }
    static func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }
}

extension HFNormalizer {
    init(json: HFJSON) throws(HuggingFaceTokenizerError) {
        switch try json.typeName() {
        case "Sequence":
            self = .sequence(try json.required("normalizers").elements().map { (j) throws(HuggingFaceTokenizerError) in try HFNormalizer(json: j) })
        case "NFC": self = .nfc
        case "NFD": self = .nfd
        case "NFKC": self = .nfkc
        case "NFKD": self = .nfkd
        case "Lowercase": self = .lowercase
        case "StripAccents": self = .stripAccents
        case "Strip": self = .strip(left: try json.bool("strip_left"), right: try json.bool("strip_right"))
        case "Replace":
            self = .replace(pattern: try HFJSON.plainPattern(json.required("pattern")), content: try json.string("content"))
        case "Prepend": self = .prepend(try json.string("prepend"))
        case "BertNormalizer":
            self = .bert(cleanText: try json.bool("clean_text", default: true),
                         handleChineseChars: try json.bool("handle_chinese_chars", default: true),
                         stripAccents: try json.optional("strip_accents").map { (j) throws(HuggingFaceTokenizerError) in try j.bool() },
                         lowercase: try json.bool("lowercase", default: true))
        case "Precompiled":
            do { self = .precompiled(try HFPrecompiled(base64: try json.string("precompiled_charsmap"))) }
            catch let e as HFModelError { throw json.error(e.reason) }
            catch let e as HuggingFaceTokenizerError { throw e }
            catch { throw json.error("\(error)") }
        case let other:
            throw json.error("expected a normalizer type (Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, "
                             + "Replace, Prepend, BertNormalizer, Precompiled), found \"\(other)\"")
        }
    }

    var json: JSONValue {
        switch self {
        case .sequence(let steps): return .object([("type", .string("Sequence")), ("normalizers", .array(steps.map(\.json)))])
        case .nfc: return .object([("type", .string("NFC"))])
        case .nfd: return .object([("type", .string("NFD"))])
        case .nfkc: return .object([("type", .string("NFKC"))])
        case .nfkd: return .object([("type", .string("NFKD"))])
        case .lowercase: return .object([("type", .string("Lowercase"))])
        case .stripAccents: return .object([("type", .string("StripAccents"))])
        case .strip(let l, let r): return .object([("type", .string("Strip")), ("strip_left", .bool(l)), ("strip_right", .bool(r))])
        case .replace(let p, let c):
            return .object([("type", .string("Replace")), ("pattern", .object([("String", .string(p))])), ("content", .string(c))])
        case .prepend(let p): return .object([("type", .string("Prepend")), ("prepend", .string(p))])
        case .precompiled(let map): return .object([("type", .string("Precompiled")), ("precompiled_charsmap", .string(map.base64))])
        case .bert(let clean, let chinese, let strip, let lower):
            return .object([("type", .string("BertNormalizer")), ("clean_text", .bool(clean)),
                            ("handle_chinese_chars", .bool(chinese)), ("strip_accents", strip.map { .bool($0) } ?? .null),
                            ("lowercase", .bool(lower))])
        }
    }
}

extension HFJSON {
    /// A `{"String": "..."}` pattern (Replace, Split); a `{"Regex": ...}` one is refused.
    static func plainPattern(_ json: HFJSON) throws(HuggingFaceTokenizerError) -> String {
        if let s = try json.member("String") { return try s.string() }
        if try json.member("Regex") != nil {
            throw json.error("expected a plain {\"String\": ...} pattern, found a {\"Regex\": ...} one (regex patterns are not supported)")
        }
        throw json.expected("a pattern {\"String\": ...}")
    }
}
