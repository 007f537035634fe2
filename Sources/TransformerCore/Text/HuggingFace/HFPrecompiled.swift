import Foundation

/// `tokenizers`' `Precompiled` normalizer: a SentencePiece precompiled charsmap (a darts-clone trie of
/// UTF-8 keys and their NUL-ended replacements, ``DoubleArrayTrie``) applied as Rust
/// `normalizers/precompiled.rs` and the `spm_precompiled` crate do, which differs from SentencePiece itself:
///
/// for each extended grapheme cluster (Swift `Character`): when it is under 6 bytes and some key is a prefix
/// of it, the whole cluster becomes the replacement of the *shortest* such key; otherwise each scalar of it
/// becomes the replacement of the shortest key prefixing that scalar, or stays. Input bytes stop matching at
/// a NUL. No whitespace rules (those are `Metaspace`'s job in a tokenizer.json).
/// JSON: `{"type": "Precompiled", "precompiled_charsmap": "<base64 of the charsmap>"}`.
struct HFPrecompiled: Equatable {
    /// The charsmap as the file gives it (base64), written back unchanged.
    let base64: String
    private let trie: DoubleArrayTrie
    private let normalized: [UInt8]

    static func == (a: HFPrecompiled, b: HFPrecompiled) -> Bool { a.base64 == b.base64 }

    /// - Throws: the reason (without the file) when the text is not base64 or the charsmap is malformed.
    init(base64: String) throws(HFModelError) {
        guard let data = Data(base64Encoded: base64) else {
            throw HFModelError(index: nil, "precompiled_charsmap: expected base64, found \(JSONText.quoted(String(base64.prefix(20))))...")
        }
        let blob = [UInt8](data)
        // <u32 little-endian trie size in bytes><trie units><NUL-ended strings>
        guard blob.count > 4 else { throw HFModelError(index: nil, "precompiled_charsmap: expected a charsmap, found \(blob.count) bytes") }
        let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard trieSize % 4 == 0, trieSize <= blob.count - 4 else {
            throw HFModelError(index: nil, "precompiled_charsmap: expected a trie of at most \(blob.count - 4) bytes, found a size of \(trieSize)")
        }
        var units = [UInt32](repeating: 0, count: trieSize / 4)
        for i in units.indices {
            let o = 4 + 4 * i
            units[i] = UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16 | UInt32(blob[o + 3]) << 24
        }
        let trie = DoubleArrayTrie(units: units)
        let strings = Array(blob[(4 + trieSize)...])
        guard String(validating: strings, as: UTF8.self) != nil else {
            throw HFModelError(index: nil, "precompiled_charsmap: expected UTF-8 replacement strings, found invalid UTF-8")
        }
        if let problem = trie.validate(valueLimit: strings.count) { throw HFModelError(index: nil, "precompiled_charsmap: \(problem)") }
        self.base64 = base64
        self.trie = trie
        self.normalized = strings
    }

    /// The replacement of the shortest key that is a prefix of `chunk`, nil when none is.
    func transform(_ chunk: [UInt8]) -> ArraySlice<UInt8>? {
        let end = chunk.firstIndex(of: 0) ?? chunk.count
        var value: Int?
        trie.prefixMatches(chunk, 0, end, limit: 1) { v, _ in value = v }
        guard let value else { return nil }
        var stop = value
        while stop < normalized.count && normalized[stop] != 0 { stop += 1 }
        return normalized[value..<stop]
    }

    func apply(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [UInt8] = []
        for grapheme in HFNormalizer.string(scalars) {
            let bytes = Array(grapheme.utf8)
            if bytes.count < 6, let replacement = transform(bytes) { out += replacement; continue }
            for scalar in grapheme.unicodeScalars {
                let part = Array(UTF8.encode(scalar)!)   // every scalar has a UTF-8 form
                out += transform(part) ?? part[...]
            }
        }
        return Array(String(decoding: out, as: UTF8.self).unicodeScalars)
    }
}
