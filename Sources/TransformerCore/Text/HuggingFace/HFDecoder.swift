/// A `tokenizer.json` decoder (Rust `tokenizers/src/decoders/`): turns the pieces of some ids back into
/// text. Each step maps a list of pieces to a list of pieces (`decode_chain`); the text is their
/// concatenation. Without a decoder the pieces are joined with single spaces (as the Rust library does).
indirect enum HFDecoder: Equatable {
    /// Byte-alphabet characters back to bytes, then UTF-8 (invalid sequences become U+FFFD).
    case byteLevel
    /// `replacement` back to spaces; with a prepend scheme other than `never` the first piece loses them.
    case metaspace(replacement: Unicode.Scalar, prependScheme: HFPreTokenizer.PrependScheme)
    /// `suffix` (`</w>`) becomes a space, or nothing on the last piece.
    case bpe(suffix: String)
    /// `##` prefixes removed and the pieces joined (WordPiece), with `cleanup` of spaces before punctuation.
    case wordPiece(prefix: String, cleanup: Bool)
    /// Runs of `<0xNN>` pieces become their bytes as UTF-8 (one U+FFFD per byte when invalid).
    case byteFallback
    /// All pieces into one.
    case fuse
    /// Up to `start` leading and `stop` trailing `content` characters removed from each piece.
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    /// Every occurrence of a plain string replaced in each piece.
    case replace(pattern: String, content: String)
    case sequence([HFDecoder])

    func decodeChain(_ pieces: [String]) -> [String] {
        switch self {
        case .sequence(let steps): return steps.reduce(pieces) { $1.decodeChain($0) }
        case .byteLevel:
            var bytes: [UInt8] = []
            for piece in pieces {
                let mapped = piece.unicodeScalars.map { ByteLevel.scalarToByte[$0.value] }
                if mapped.allSatisfy({ $0 != nil }) { bytes += mapped.map { $0! } } else { bytes += piece.utf8 }
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case .metaspace(let replacement, let scheme):
            return pieces.enumerated().map { i, piece in
                var out = String.UnicodeScalarView()
                for c in piece.unicodeScalars {
                    if c == replacement {
                        if !(i == 0 && scheme != .never) { out.append(" ") }
                    } else {
                        out.append(c)
                    }
                }
                return String(out)
            }
        case .bpe(let suffix):
            return pieces.enumerated().map { i, piece in
                HFDecoder.replacing(piece, suffix, with: i == pieces.count - 1 ? "" : " ")
            }
        case .wordPiece(let prefix, let cleanup):
            return pieces.enumerated().map { i, piece in
                var token = piece
                if i != 0 {
                    if token.hasPrefix(prefix) { token = String(token.dropFirst(prefix.count)) } else { token = " " + token }
                }
                if cleanup { token = HFDecoder.cleanUp(token) }
                return token
            }
        case .byteFallback:
            var result: [String] = [], pending: [UInt8] = []
            func flush() {
                guard !pending.isEmpty else { return }
                if let text = String(validating: pending, as: UTF8.self) { result.append(text) }
                else { result += Array(repeating: "\u{FFFD}", count: pending.count) }
                pending = []
            }
            for piece in pieces {
                let u = Array(piece.utf8)
                if u.count == 6, piece.hasPrefix("<0x"), piece.hasSuffix(">"),
                   let byte = UInt8(String(decoding: u[3..<5], as: UTF8.self), radix: 16) {
                    pending.append(byte)
                } else {
                    flush()
                    result.append(piece)
                }
            }
            flush()
            return result
        case .fuse: return [pieces.joined()]
        case .strip(let content, let start, let stop):
            return pieces.map { piece in
                let chars = Array(piece.unicodeScalars)
                var lower = 0
                while lower < min(start, chars.count) && chars[lower] == content { lower += 1 }
                var upper = chars.count
                var removed = 0
                while removed < stop && upper > lower && chars[upper - 1] == content { upper -= 1; removed += 1 }
                return String(String.UnicodeScalarView(chars[lower..<upper]))
            }
        case .replace(let pattern, let content):
            return pieces.map { HFDecoder.replacing($0, pattern, with: content) }
        }
    }

    /// The decoded text of `pieces`.
    func decode(_ pieces: [String]) -> String { decodeChain(pieces).joined() }

    static func replacing(_ text: String, _ pattern: String, with content: String) -> String {
        let s = Array(text.unicodeScalars)
        let matches = HFSplitBehavior.literalMatches(s, Array(pattern.unicodeScalars))
        guard !matches.isEmpty else { return text }
        var out = String.UnicodeScalarView(), last = 0
        for m in matches {
            out.append(contentsOf: s[last..<m.lowerBound])
            out.append(contentsOf: content.unicodeScalars)
            last = m.upperBound
        }
        out.append(contentsOf: s[last...])
        return String(out)
    }

    /// WordPiece's `cleanup`: the spaces the original BERT decoding leaves before punctuation and in contractions.
    static func cleanUp(_ text: String) -> String {
        var t = text
        for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            t = replacing(t, from, with: to)
        }
        return t
    }
}

extension HFDecoder {
    init(json: HFJSON) throws(HuggingFaceTokenizerError) {
        func character(_ key: String) throws(HuggingFaceTokenizerError) -> Unicode.Scalar {
            let text = try json.string(key)
            guard text.unicodeScalars.count == 1, let c = text.unicodeScalars.first else {
                throw json.error("\(key): expected one character, found \(JSONText.quoted(text))")
            }
            return c
        }
        switch try json.typeName() {
        case "ByteLevel": self = .byteLevel
        case "Metaspace":
            let schemeName = try json.string("prepend_scheme", default: "always")
            guard var scheme = HFPreTokenizer.PrependScheme(rawValue: schemeName) else {
                throw json.error("prepend_scheme: expected always, first or never, found \"\(schemeName)\"")
            }
            if try json.optional("add_prefix_space")?.bool() == false { scheme = .never }
            self = .metaspace(replacement: try character("replacement"), prependScheme: scheme)
        case "BPEDecoder": self = .bpe(suffix: try json.string("suffix", default: "</w>"))
        case "WordPiece": self = .wordPiece(prefix: try json.string("prefix", default: "##"), cleanup: try json.bool("cleanup", default: true))
        case "ByteFallback": self = .byteFallback
        case "Fuse": self = .fuse
        case "Strip": self = .strip(content: try character("content"), start: try json.int("start"), stop: try json.int("stop"))
        case "Replace":
            self = .replace(pattern: try HFJSON.plainPattern(json.required("pattern")), content: try json.string("content"))
        case "Sequence":
            self = .sequence(try json.required("decoders").elements().map { (j) throws(HuggingFaceTokenizerError) in try HFDecoder(json: j) })
        case let other:
            throw json.error("expected a decoder type (ByteLevel, Metaspace, BPEDecoder, WordPiece, ByteFallback, Fuse, Strip, "
                             + "Replace, Sequence), found \"\(other)\"")
        }
    }

    var json: JSONValue {
        func typed(_ name: String, _ rest: [(key: String, value: JSONValue)] = []) -> JSONValue { .object([("type", .string(name))] + rest) }
        switch self {
        case .byteLevel:
            return typed("ByteLevel", [("add_prefix_space", .bool(true)), ("trim_offsets", .bool(true)), ("use_regex", .bool(true))])
        case .metaspace(let r, let scheme):
            return typed("Metaspace", [("replacement", .string(String(r))), ("prepend_scheme", .string(scheme.rawValue)), ("split", .bool(true))])
        case .bpe(let suffix): return typed("BPEDecoder", [("suffix", .string(suffix))])
        case .wordPiece(let prefix, let cleanup): return typed("WordPiece", [("prefix", .string(prefix)), ("cleanup", .bool(cleanup))])
        case .byteFallback: return typed("ByteFallback")
        case .fuse: return typed("Fuse")
        case .strip(let c, let start, let stop):
            return typed("Strip", [("content", .string(String(c))), ("start", .int(start)), ("stop", .int(stop))])
        case .replace(let p, let c): return typed("Replace", [("pattern", .object([("String", .string(p))])), ("content", .string(c))])
        case .sequence(let steps): return typed("Sequence", [("decoders", .array(steps.map(\.json)))])
        }
    }
}
