/// A `tokenizer.json` pre-tokenizer (Rust `tokenizers/src/pre_tokenizers/`): cuts each piece into the
/// words the model sees. Classes are per Unicode scalar (see ``UnicodeClasses``).
///
/// | type | cuts |
/// |---|---|
/// | `Whitespace` | `\w+\|[^\w\s]+`: word runs and runs of other non-space scalars; whitespace dropped |
/// | `WhitespaceSplit` | at whitespace, dropped |
/// | `BertPreTokenizer` | at whitespace (dropped), then every punctuation scalar alone |
/// | `Punctuation` | at each punctuation scalar, with its `behavior` (default `Isolated`) |
/// | `Digits` | digit runs apart (`individual_digits`: each digit alone) |
/// | `Split` | at a plain string pattern, with `behavior` and `invert` (regex patterns are refused) |
/// | `CharDelimiterSplit` | at one character, dropped |
/// | `Metaspace` | spaces become `replacement` (`▁`), prepended per `prepend_scheme`, cut before each `▁` |
/// | `ByteLevel` | GPT-2's regex (``ByteLevel/regexMatches(_:)``), then bytes as characters |
/// | `Sequence` | each in turn |
indirect enum HFPreTokenizer: Equatable {
    enum PrependScheme: String { case always, first, never }

    case whitespace
    case whitespaceSplit
    case bert
    case punctuation(HFSplitBehavior)
    case digits(individual: Bool)
    case split(pattern: String, behavior: HFSplitBehavior, invert: Bool)
    case charDelimiter(Unicode.Scalar)
    case metaspace(replacement: Unicode.Scalar, prependScheme: PrependScheme, split: Bool)
    case byteLevel(addPrefixSpace: Bool, trimOffsets: Bool, useRegex: Bool)
    case sequence([HFPreTokenizer])

    func apply(_ pieces: [HFPiece]) -> [HFPiece] {
        if case .sequence(let steps) = self { return steps.reduce(pieces) { $1.apply($0) } }
        return pieces.flatMap { $0.addedTokenID == nil ? apply(to: $0) : [$0] }
    }

    private func apply(to piece: HFPiece) -> [HFPiece] {
        let s = piece.scalars
        switch self {
        case .sequence: return apply([piece])
        case .whitespace:
            // matches of \w+|[^\w\s]+ kept, the rest (whitespace) removed
            var matches: [Range<Int>] = []
            var i = 0
            while i < s.count {
                if UnicodeClasses.isWhitespace(s[i]) && !UnicodeClasses.isWord(s[i]) { i += 1; continue }
                let word = UnicodeClasses.isWord(s[i])
                var j = i + 1
                while j < s.count && (word ? UnicodeClasses.isWord(s[j])
                                           : !UnicodeClasses.isWord(s[j]) && !UnicodeClasses.isWhitespace(s[j])) { j += 1 }
                matches.append(i..<j)
                i = j
            }
            return HFSplitBehavior.removed.split(piece, matches: matches, invert: true)
        case .whitespaceSplit:
            return HFSplitBehavior.removed.split(piece, matches: HFSplitBehavior.scalarMatches(s, UnicodeClasses.isWhitespace))
        case .bert:
            let words = HFSplitBehavior.removed.split(piece, matches: HFSplitBehavior.scalarMatches(s, UnicodeClasses.isWhitespace))
            return words.flatMap {
                HFSplitBehavior.isolated.split($0, matches: HFSplitBehavior.scalarMatches($0.scalars, UnicodeClasses.isPunctuation))
            }
        case .punctuation(let behavior):
            return behavior.split(piece, matches: HFSplitBehavior.scalarMatches(s, UnicodeClasses.isPunctuation))
        case .digits(let individual):
            return (individual ? HFSplitBehavior.isolated : .contiguous)
                .split(piece, matches: HFSplitBehavior.scalarMatches(s, UnicodeClasses.isNumber))
        case .split(let pattern, let behavior, let invert):
            return behavior.split(piece, matches: HFSplitBehavior.literalMatches(s, Array(pattern.unicodeScalars)), invert: invert)
        case .charDelimiter(let delimiter):
            return HFSplitBehavior.removed.split(piece, matches: HFSplitBehavior.scalarMatches(s) { $0 == delimiter })
        case .metaspace(let replacement, let scheme, let split):
            var p = piece
            p.scalars = s.map { $0 == " " ? replacement : $0 }
            let prepend = scheme == .always || (scheme == .first && piece.atStart)
            if prepend && p.scalars.first != replacement { p.scalars.insert(replacement, at: 0) }
            guard split else { return [p] }
            return HFSplitBehavior.mergedWithNext.split(p, matches: HFSplitBehavior.scalarMatches(p.scalars) { $0 == replacement })
        case .byteLevel(let addPrefixSpace, _, let useRegex):
            var p = piece
            if addPrefixSpace && s.first != " " { p.scalars.insert(" ", at: 0) }
            let words = useRegex ? HFSplitBehavior.isolated.split(p, matches: ByteLevel.regexMatches(p.scalars)) : [p]
            return words.map { var w = $0; w.scalars = ByteLevel.encode(w.scalars); return w }
        }
    }
}

extension HFPreTokenizer {
    init(json: HFJSON) throws(HuggingFaceTokenizerError) {
        func behavior(_ key: String, default fallback: HFSplitBehavior?) throws(HuggingFaceTokenizerError) -> HFSplitBehavior {
            guard let m = try json.optional(key) else {
                if let fallback { return fallback }
                throw json.error("expected a field \"\(key)\", found none")
            }
            let name = try m.string()
            guard let b = HFSplitBehavior(rawValue: name) else {
                throw m.error("expected one of \(HFSplitBehavior.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(name)\"")
            }
            return b
        }
        func character(_ key: String, default fallback: String? = nil) throws(HuggingFaceTokenizerError) -> Unicode.Scalar {
            let text = try json.string(key, default: fallback)
            guard text.unicodeScalars.count == 1, let c = text.unicodeScalars.first else {
                throw json.error("\(key): expected one character, found \(JSONText.quoted(text))")
            }
            return c
        }
        switch try json.typeName() {
        case "Whitespace": self = .whitespace
        case "WhitespaceSplit": self = .whitespaceSplit
        case "BertPreTokenizer": self = .bert
        case "Punctuation": self = .punctuation(try behavior("behavior", default: .isolated))
        case "Digits": self = .digits(individual: try json.bool("individual_digits", default: false))
        case "Split":
            self = .split(pattern: try HFJSON.plainPattern(json.required("pattern")),
                          behavior: try behavior("behavior", default: nil), invert: try json.bool("invert", default: false))
        case "CharDelimiterSplit": self = .charDelimiter(try character("delimiter"))
        case "Metaspace":
            let schemeName = try json.string("prepend_scheme", default: "always")
            guard var scheme = PrependScheme(rawValue: schemeName) else {
                throw json.error("prepend_scheme: expected always, first or never, found \"\(schemeName)\"")
            }
            if try json.optional("add_prefix_space")?.bool() == false { scheme = .never }
            self = .metaspace(replacement: try character("replacement"), prependScheme: scheme, split: try json.bool("split", default: true))
        case "ByteLevel":
            self = .byteLevel(addPrefixSpace: try json.bool("add_prefix_space", default: true),
                              trimOffsets: try json.bool("trim_offsets", default: true), useRegex: try json.bool("use_regex", default: true))
        case "Sequence":
            self = .sequence(try json.required("pretokenizers").elements().map { (j) throws(HuggingFaceTokenizerError) in try HFPreTokenizer(json: j) })
        case let other:
            throw json.error("expected a pre-tokenizer type (Whitespace, WhitespaceSplit, BertPreTokenizer, Punctuation, Digits, "
                             + "Split, CharDelimiterSplit, Metaspace, ByteLevel, Sequence), found \"\(other)\"")
        }
    }

    var json: JSONValue {
        func typed(_ name: String, _ rest: [(key: String, value: JSONValue)] = []) -> JSONValue { .object([("type", .string(name))] + rest) }
        switch self {
        case .whitespace: return typed("Whitespace")
        case .whitespaceSplit: return typed("WhitespaceSplit")
        case .bert: return typed("BertPreTokenizer")
        case .punctuation(let b): return typed("Punctuation", [("behavior", .string(b.rawValue))])
        case .digits(let individual): return typed("Digits", [("individual_digits", .bool(individual))])
        case .split(let p, let b, let invert):
            return typed("Split", [("pattern", .object([("String", .string(p))])), ("behavior", .string(b.rawValue)), ("invert", .bool(invert))])
        case .charDelimiter(let c): return typed("CharDelimiterSplit", [("delimiter", .string(String(c)))])
        case .metaspace(let r, let scheme, let split):
            return typed("Metaspace", [("replacement", .string(String(r))), ("prepend_scheme", .string(scheme.rawValue)), ("split", .bool(split))])
        case .byteLevel(let a, let t, let u):
            return typed("ByteLevel", [("add_prefix_space", .bool(a)), ("trim_offsets", .bool(t)), ("use_regex", .bool(u))])
        case .sequence(let steps): return typed("Sequence", [("pretokenizers", .array(steps.map(\.json)))])
        }
    }
}
