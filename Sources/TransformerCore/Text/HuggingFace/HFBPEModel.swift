/// `tokenizers`' BPE model (`tokenizers/src/models/bpe/model.rs`), for one pre-tokenized word:
///
/// 1. Each Unicode scalar is a symbol: `continuing_subword_prefix` before every one but the first,
///    `end_of_word_suffix` after the last. A symbol missing from the vocabulary becomes its `<0xNN>` byte
///    tokens (`byte_fallback`, when all of them exist), else `unk_token` (consecutive ones fused into one
///    with `fuse_unk`), else it is dropped (no `unk_token`). As in Rust, a pending unknown is written only
///    when the next known symbol (or the end) arrives, so it follows byte-fallback tokens met meanwhile.
/// 2. Merges are applied by rank: repeatedly the adjacent pair with the lowest rank, leftmost first, is
///    replaced by its merged token (what Rust's priority queue of `(rank, position)` does).
///
/// With `ignore_merges`, a word that is itself in the vocabulary is that one token. `dropout` must be null
/// or 0: a random segmentation is not reproducible.
struct HFBPEModel: Equatable {
    var vocabulary: HFVocabulary
    /// The merges in rank order, as token pairs.
    var merges: [(String, String)]
    var unknownToken: String?
    var continuingSubwordPrefix: String?
    var endOfWordSuffix: String?
    var fuseUnknown: Bool
    var byteFallback: Bool
    var ignoreMerges: Bool
    /// `(left id << 32 | right id) -> (rank, merged id)`.
    private var mergeTable: [UInt64: (rank: Int, id: Int)]
    private var unknownID: Int?
    /// `byteIDs[b]`: the id of `<0xNN>` for byte `b` (only with byte fallback).
    private var byteIDs: [Int?]
    /// The ids of the one-scalar tokens, by scalar value: the symbols of a word when there is no prefix or suffix.
    private var scalarIDs: [UInt32: Int]

    static func == (a: HFBPEModel, b: HFBPEModel) -> Bool {
        a.vocabulary == b.vocabulary && a.merges.elementsEqual(b.merges, by: ==) && a.unknownToken == b.unknownToken
            && a.continuingSubwordPrefix == b.continuingSubwordPrefix && a.endOfWordSuffix == b.endOfWordSuffix
            && a.fuseUnknown == b.fuseUnknown && a.byteFallback == b.byteFallback && a.ignoreMerges == b.ignoreMerges
    }

    /// - Throws: the reason, without the file, when a merge or the unknown token is not in the vocabulary.
    init(vocabulary: HFVocabulary, merges: [(String, String)], unknownToken: String? = nil,
         continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil, fuseUnknown: Bool = false,
         byteFallback: Bool = false, ignoreMerges: Bool = false) throws(HFModelError) {
        self.vocabulary = vocabulary
        self.merges = merges
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        let prefixLength = continuingSubwordPrefix?.utf8.count ?? 0
        var table: [UInt64: (rank: Int, id: Int)] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let left = vocabulary.id(a) else { throw HFModelError(index: rank, "merge \(JSONText.quoted(a)) \(JSONText.quoted(b)): \(JSONText.quoted(a)) is not in the vocabulary") }
            guard let right = vocabulary.id(b) else { throw HFModelError(index: rank, "merge \(JSONText.quoted(a)) \(JSONText.quoted(b)): \(JSONText.quoted(b)) is not in the vocabulary") }
            let bBytes = Array(b.utf8)
            let merged = Array(a.utf8) + bBytes.dropFirst(min(prefixLength, bBytes.count))
            guard let id = vocabulary.id(bytes: merged) else {
                throw HFModelError(index: rank, "merge \(JSONText.quoted(a)) \(JSONText.quoted(b)): the merged token \(JSONText.quoted(String(decoding: merged, as: UTF8.self))) is not in the vocabulary")
            }
            table[UInt64(left) << 32 | UInt64(right)] = (rank, id)   // a repeated pair keeps its last rank, as in Rust
        }
        mergeTable = table
        if let unknownToken {
            guard let id = vocabulary.id(unknownToken) else {
                throw HFModelError(index: nil, "unk_token \(JSONText.quoted(unknownToken)) is not in the vocabulary")
            }
            unknownID = id
        }
        byteIDs = byteFallback ? (0..<256).map { vocabulary.id(HFBPEModel.byteToken(UInt8($0))) } : []
        var scalars: [UInt32: Int] = [:]
        for (bytes, id) in vocabulary.entries {
            let text = String(decoding: bytes, as: UTF8.self)
            if text.unicodeScalars.count == 1, let s = text.unicodeScalars.first { scalars[s.value] = id }
        }
        scalarIDs = scalars
    }

    /// `<0x41>` for byte 0x41.
    static func byteToken(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
    }

    func tokenize(_ word: [Unicode.Scalar]) -> [Int] {
        guard !word.isEmpty else { return [] }
        if ignoreMerges, let id = vocabulary.id(bytes: Array(HFNormalizer.string(word).utf8)) { return [id] }
        // 1. symbols
        var symbols: [Int] = []
        symbols.reserveCapacity(word.count)
        var pendingUnknown = false
        for (i, scalar) in word.enumerated() {
            let plain = (i == 0 || continuingSubwordPrefix == nil) && (i < word.count - 1 || endOfWordSuffix == nil)
            if plain, let id = scalarIDs[scalar.value] {   // the common case, without building the key
                if pendingUnknown, let unknownID { symbols.append(unknownID); pendingUnknown = false }
                symbols.append(id)
                continue
            }
            var key: [UInt8] = []
            if i > 0, let prefix = continuingSubwordPrefix { key += prefix.utf8 }
            key += UTF8.encode(scalar)!   // every scalar has a UTF-8 form
            if i == word.count - 1, let suffix = endOfWordSuffix { key += suffix.utf8 }
            if !plain, let id = vocabulary.id(bytes: key) {
                if pendingUnknown, let unknownID { symbols.append(unknownID); pendingUnknown = false }
                symbols.append(id)
                continue
            }
            if byteFallback {
                let ids = key.map { byteIDs[Int($0)] }
                if ids.allSatisfy({ $0 != nil }) { symbols += ids.map { $0! }; continue }
            }
            if let unknownID {
                if pendingUnknown && !fuseUnknown { symbols.append(unknownID) }
                pendingUnknown = true
            }
        }
        if pendingUnknown, let unknownID { symbols.append(unknownID) }
        // 2. merges, lowest rank first, leftmost among equals
        while symbols.count > 1 {
            var best: (rank: Int, position: Int, id: Int)? = nil
            for p in 0..<(symbols.count - 1) {
                if let m = mergeTable[UInt64(symbols[p]) << 32 | UInt64(symbols[p + 1])], m.rank < (best?.rank ?? Int.max) {
                    best = (m.rank, p, m.id)
                }
            }
            guard let best else { break }
            symbols[best.position] = best.id
            symbols.remove(at: best.position + 1)
        }
        return symbols
    }
}

/// Why a model's tables do not fit together; the loader adds the file and the JSON path.
struct HFModelError: Error {
    /// The index of the offending entry (a merge's rank), when there is one.
    let index: Int?
    let reason: String
    init(index: Int?, _ reason: String) { self.index = index; self.reason = reason }
}

extension HFBPEModel {
    init(json: HFJSON) throws(HuggingFaceTokenizerError) {
        if let dropout = try json.optional("dropout"), try dropout.double() != 0 {
            throw dropout.error("expected null (no BPE dropout: it makes encoding random), found \(dropout.value.typeDescription)")
        }
        let vocabulary = try HFVocabulary.read(json.required("vocab"))
        let mergesJSON = try json.required("merges")
        var merges: [(String, String)] = []
        for m in try mergesJSON.elements() {
            switch m.value {
            case .string(let text):   // "a b" (the older format)
                let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw m.error("expected a merge \"left right\" (two tokens and one space), found \(JSONText.quoted(text))") }
                merges.append((String(parts[0]), String(parts[1])))
            case .array(let pair):
                guard pair.count == 2, case .string(let a) = pair[0], case .string(let b) = pair[1] else {
                    throw m.error("expected a merge [\"left\", \"right\"], found an array of \(pair.count) values")
                }
                merges.append((a, b))
            default:
                throw m.expected("a merge (\"left right\" or [\"left\", \"right\"])")
            }
        }
        do {
            try self.init(vocabulary: vocabulary, merges: merges, unknownToken: json.optionalString("unk_token"),
                          continuingSubwordPrefix: json.optionalString("continuing_subword_prefix"),
                          endOfWordSuffix: json.optionalString("end_of_word_suffix"),
                          fuseUnknown: json.bool("fuse_unk", default: false), byteFallback: json.bool("byte_fallback", default: false),
                          ignoreMerges: json.bool("ignore_merges", default: false))
        } catch let e as HFModelError {
            if let index = e.index { throw HFJSON(value: .null, path: "\(mergesJSON.path)[\(index)]", file: json.file).error(e.reason) }
            throw json.error(e.reason)
        } catch let e as HuggingFaceTokenizerError {
            throw e
        } catch {
            throw json.error("\(error)")
        }
    }

    var json: JSONValue {
        .object([("type", .string("BPE")), ("dropout", .null), ("unk_token", .optionalString(unknownToken)),
                 ("continuing_subword_prefix", .optionalString(continuingSubwordPrefix)),
                 ("end_of_word_suffix", .optionalString(endOfWordSuffix)), ("fuse_unk", .bool(fuseUnknown)),
                 ("byte_fallback", .bool(byteFallback)), ("ignore_merges", .bool(ignoreMerges)),
                 ("vocab", vocabulary.json), ("merges", .array(merges.map { .array([.string($0.0), .string($0.1)]) }))])
    }
}
