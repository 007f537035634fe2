/// U+2581 LOWER ONE EIGHTH BLOCK, sentencepiece's escaped space, in UTF-8.
let sentencePieceSpace: [UInt8] = [0xE2, 0x96, 0x81]

/// UTF-8 as sentencepiece's string_util reads it (src/util.h, src/util.cc).
enum SentencePieceUTF8 {
    /// OneCharLen: the length a lead byte announces (1 for ASCII and stray continuation bytes).
    @inline(__always) static func oneCharLength(_ lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }

    @inline(__always) private static func isTrail(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
    @inline(__always) private static func isValidCodePoint(_ c: UInt32) -> Bool { c < 0xD800 || (c >= 0xE000 && c <= 0x10FFFF) }

    /// IsValidDecodeUTF8 on `bytes[start..<end]` (start < end): whether one well-formed character starts
    /// there, and how many bytes it (or, when malformed, the one bad byte) takes. U+FFFD itself is valid.
    static func decode(_ bytes: [UInt8], _ start: Int, _ end: Int) -> (valid: Bool, length: Int) {
        let b0 = bytes[start], length = end - start
        if b0 < 0x80 { return (true, 1) }
        if length >= 2 && b0 & 0xE0 == 0xC0 {
            let b1 = bytes[start + 1]
            let c = UInt32(b0 & 0x1F) << 6 | UInt32(b1 & 0x3F)
            if isTrail(b1) && c >= 0x80 && isValidCodePoint(c) { return (true, 2) }
        } else if length >= 3 && b0 & 0xF0 == 0xE0 {
            let b1 = bytes[start + 1], b2 = bytes[start + 2]
            let c = UInt32(b0 & 0x0F) << 12 | UInt32(b1 & 0x3F) << 6 | UInt32(b2 & 0x3F)
            if isTrail(b1) && isTrail(b2) && c >= 0x800 && isValidCodePoint(c) { return (true, 3) }
        } else if length >= 4 && b0 & 0xF8 == 0xF0 {
            let b1 = bytes[start + 1], b2 = bytes[start + 2], b3 = bytes[start + 3]
            let c = UInt32(b0 & 0x07) << 18 | UInt32(b1 & 0x3F) << 12 | UInt32(b2 & 0x3F) << 6 | UInt32(b3 & 0x3F)
            if isTrail(b1) && isTrail(b2) && isTrail(b3) && c >= 0x10000 && isValidCodePoint(c) { return (true, 4) }
        }
        return (false, 1)
    }

    static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]
}

/// A darts-clone double-array trie read from its units (third_party/darts_clone/darts.h), as stored in a
/// precompiled charsmap. Every read is bounds-checked; ``validate(valueLimit:)`` walks every reachable node
/// once at load so that a malformed trie is an error there rather than a wrong match later.
struct DoubleArrayTrie: Sendable {
    let units: [UInt32]

    @inline(__always) static func hasLeaf(_ unit: UInt32) -> Bool { (unit >> 8) & 1 == 1 }
    @inline(__always) static func value(_ unit: UInt32) -> Int { Int(unit & 0x7FFF_FFFF) }
    @inline(__always) static func label(_ unit: UInt32) -> UInt32 { unit & 0x8000_00FF }
    @inline(__always) static func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }

    /// commonPrefixSearch: the (value, length) of every key that is a prefix of `key[start..<end]`, shortest
    /// first, at most `limit` of them.
    func prefixMatches(_ key: [UInt8], _ start: Int, _ end: Int, limit: Int, _ body: (_ value: Int, _ length: Int) -> Void) {
        guard !units.isEmpty else { return }
        var found = 0
        var node = Self.offset(units[0])
        var i = start
        while i < end {
            let c = key[i]
            node ^= Int(c)
            guard node < units.count else { return }
            let unit = units[node]
            guard Self.label(unit) == UInt32(c) else { return }
            node ^= Self.offset(unit)
            if Self.hasLeaf(unit) {
                guard node < units.count else { return }
                if found < limit { body(Self.value(units[node]), i + 1 - start) }
                found += 1
            }
            i += 1
        }
    }

    /// Nil when every node reachable from the root has its 256 child slots and its leaf inside the units
    /// and every leaf value is below `valueLimit`; otherwise what is wrong.
    func validate(valueLimit: Int) -> String? {
        guard !units.isEmpty else { return "the charsmap trie has no units" }
        var visited = [Bool](repeating: false, count: units.count)
        var stack = [0]
        visited[0] = true
        while let position = stack.popLast() {
            let unit = units[position]
            let base = position ^ Self.offset(unit)
            guard base | 0xFF < units.count else {
                return "the charsmap trie is out of bounds (unit \(position) points to \(base), \(units.count) units)"
            }
            if position != 0 && Self.hasLeaf(unit) {
                let value = Self.value(units[base])
                guard value < valueLimit else {
                    return "a charsmap trie value (\(value)) is past the normalized strings (\(valueLimit) bytes)"
                }
            }
            for c in 1..<256 {
                let child = base ^ c
                if Self.label(units[child]) == UInt32(c) && !visited[child] {
                    visited[child] = true
                    stack.append(child)
                }
            }
        }
        return nil
    }
}

/// A byte trie of pieces (what sentencepiece keeps in a darts-clone trie built at load): every piece that
/// is a prefix of the text at a position, shortest first.
struct PieceTrie: Sendable {
    private var transitions: [Int: Int32] = [:]   // node << 8 | byte -> child node
    private var values: [Int32] = [-1]            // per node: the id whose piece ends there, or -1
    private(set) var isEmpty = true

    /// Adds `key` (darts-clone keys end at the first NUL byte, as in sentencepiece's BuildTrie).
    mutating func insert(_ key: [UInt8], id: Int) {
        var node = 0
        for byte in key {
            if byte == 0 { break }
            let slot = node << 8 | Int(byte)
            if let next = transitions[slot] {
                node = Int(next)
            } else {
                values.append(-1)
                transitions[slot] = Int32(values.count - 1)
                node = values.count - 1
            }
        }
        if node != 0 && values[node] < 0 {
            values[node] = Int32(id)
            isEmpty = false
        }
    }

    @inline(__always) func forEachPrefix(_ text: [UInt8], _ start: Int, _ end: Int, _ body: (_ id: Int, _ end: Int) -> Void) {
        var node = 0
        var i = start
        while i < end, let next = transitions[node << 8 | Int(text[i])] {
            node = Int(next)
            i += 1
            if values[node] >= 0 { body(Int(values[node]), i) }
        }
    }

    /// The length of the longest key that is a prefix of `text[start..<end]`, 0 if none.
    func longestPrefix(_ text: [UInt8], _ start: Int, _ end: Int) -> Int {
        var longest = 0
        forEachPrefix(text, start, end) { _, matchEnd in longest = matchEnd - start }
        return longest
    }
}

/// sentencepiece's `normalizer::Normalizer` (src/normalizer.cc) for one `NormalizerSpec`: the precompiled
/// charsmap applied by longest-prefix match, user-defined symbols kept as they are, malformed UTF-8 bytes
/// replaced one by one with U+FFFD, then the whitespace rules: leading, trailing and repeated spaces removed
/// (`remove_extra_whitespaces`), a dummy space added before the text (`add_dummy_prefix`; after it with
/// `treat_whitespace_as_suffix`), spaces escaped as "▁" U+2581 (`escape_whitespaces`).
///
/// Works on UTF-8 bytes (``normalize(bytes:)``); a Swift `String` is already valid UTF-8, so malformed input
/// can only come in as bytes.
public struct SentencePieceNormalizer: Sendable {
    /// The normalisation rule name stored in the model (`nmt_nfkc`, `identity`, ...): informational only,
    /// the precompiled charsmap is what is applied.
    public let name: String
    public let addDummyPrefix: Bool
    public let removeExtraWhitespaces: Bool
    public let escapeWhitespaces: Bool
    public let treatWhitespaceAsSuffix: Bool
    /// Whether the model has a precompiled charsmap (identity normalisation has none).
    public var hasCharsmap: Bool { trie != nil }

    private let trie: DoubleArrayTrie?
    private let normalizedStrings: [UInt8]
    private let userDefined: PieceTrie?

    /// kMaxTrieResultsSize: the matches of one position that sentencepiece looks at.
    private static let maxTrieResults = 32

    init(spec: SentencePieceModelProto.NormalizerSpec, treatWhitespaceAsSuffix: Bool, userDefined: PieceTrie?) throws(SentencePieceModelProto.ParseError) {
        name = String(decoding: spec.name, as: UTF8.self)
        addDummyPrefix = spec.addDummyPrefix
        removeExtraWhitespaces = spec.removeExtraWhitespaces
        escapeWhitespaces = spec.escapeWhitespaces
        self.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix
        self.userDefined = userDefined.flatMap { $0.isEmpty ? nil : $0 }
        let blob = spec.precompiledCharsmap
        if blob.isEmpty {
            trie = nil
            normalizedStrings = []
            return
        }
        // DecodePrecompiledCharsMap: <u32 little-endian trie size in bytes><trie units><NUL-ended strings>.
        guard blob.count > 4 else { throw .init(reason: "the precompiled charsmap is broken (\(blob.count) bytes)") }
        let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard trieSize < blob.count else {
            throw .init(reason: "the charsmap trie size (\(trieSize)) exceeds the charsmap (\(blob.count) bytes)")
        }
        guard trieSize <= blob.count - 4 else {
            throw .init(reason: "the charsmap trie (\(trieSize) bytes) runs past the charsmap (\(blob.count) bytes)")
        }
        var units = [UInt32](repeating: 0, count: trieSize / 4)
        for i in units.indices {
            let o = 4 + 4 * i
            units[i] = UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16 | UInt32(blob[o + 3]) << 24
        }
        let trie = DoubleArrayTrie(units: units)
        normalizedStrings = Array(blob[(4 + trieSize)...])
        if let problem = trie.validate(valueLimit: normalizedStrings.count) { throw .init(reason: problem) }
        self.trie = trie
    }

    /// The normalised UTF-8 of `text`, as Python's `SentencePieceProcessor.normalize`.
    public func normalize(_ text: String) -> String {
        String(decoding: normalize(bytes: Array(text.utf8)), as: UTF8.self)
    }

    /// The normalised bytes of any byte string (malformed UTF-8 included).
    public func normalize(bytes input: [UInt8]) -> [UInt8] {
        let count = input.count
        guard count > 0 else { return [] }
        var position = 0
        var output: [UInt8] = []
        output.reserveCapacity(count * 3)

        if removeExtraWhitespaces {   // leading spaces
            while position < count {
                let prefix = normalizePrefix(input, position)
                guard prefix.bytes(input, normalizedStrings).elementsEqual(CollectionOfOne(0x20)) else { break }
                position += prefix.consumed
            }
        }
        guard position < count else { return [] }

        let space: [UInt8] = escapeWhitespaces ? sentencePieceSpace : [0x20]
        if !treatWhitespaceAsSuffix && addDummyPrefix { output += space }

        var isPreviousSpace = removeExtraWhitespaces
        while position < count {
            let prefix = normalizePrefix(input, position)
            var piece = prefix.bytes(input, normalizedStrings)
            while isPreviousSpace, piece.first == 0x20 { piece = piece.dropFirst() }
            if !piece.isEmpty {
                for byte in piece {
                    if escapeWhitespaces && byte == 0x20 { output += sentencePieceSpace } else { output.append(byte) }
                }
                isPreviousSpace = piece.last == 0x20
            }
            position += prefix.consumed
            if !removeExtraWhitespaces { isPreviousSpace = false }
        }

        if removeExtraWhitespaces {   // trailing spaces
            while output.count >= space.count && output[(output.count - space.count)...].elementsEqual(space) {
                output.removeLast(space.count)
            }
        }
        if treatWhitespaceAsSuffix && addDummyPrefix { output += space }
        return output
    }

    /// Where the normalised form of one prefix comes from, and how many input bytes it consumes.
    private struct Prefix {
        enum Source { case input, strings, replacement }
        var source: Source
        var start: Int
        var end: Int
        var consumed: Int

        func bytes(_ input: [UInt8], _ strings: [UInt8]) -> ArraySlice<UInt8> {
            switch source {
            case .input: return input[start..<end]
            case .strings: return strings[start..<end]
            case .replacement: return SentencePieceUTF8.replacementCharacter[...]
            }
        }
    }

    /// NormalizePrefix: a user-defined symbol as it is; else the longest charsmap rule; else one character,
    /// or one malformed byte as U+FFFD.
    private func normalizePrefix(_ input: [UInt8], _ start: Int) -> Prefix {
        let end = input.count
        if let userDefined {
            let length = userDefined.longestPrefix(input, start, end)
            if length > 0 { return Prefix(source: .input, start: start, end: start + length, consumed: length) }
        }
        if let trie {
            var longestLength = 0, longestValue = 0
            trie.prefixMatches(input, start, end, limit: Self.maxTrieResults) { value, length in
                if longestLength == 0 || length > longestLength {
                    longestLength = length
                    longestValue = value
                }
            }
            if longestLength > 0 {
                // The normalised string runs to its NUL (validated to start inside the strings).
                var stringEnd = longestValue
                while stringEnd < normalizedStrings.count && normalizedStrings[stringEnd] != 0 { stringEnd += 1 }
                return Prefix(source: .strings, start: longestValue, end: stringEnd, consumed: longestLength)
            }
        }
        let (valid, length) = SentencePieceUTF8.decode(input, start, end)
        if !valid { return Prefix(source: .replacement, start: 0, end: 0, consumed: 1) }
        return Prefix(source: .input, start: start, end: start + length, consumed: length)
    }
}
