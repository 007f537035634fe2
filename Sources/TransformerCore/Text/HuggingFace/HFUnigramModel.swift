/// `tokenizers`' Unigram model (`tokenizers/src/models/unigram/model.rs`, `encode_optimized`): the
/// segmentation of a word into vocabulary pieces with the highest total score (log probability), by Viterbi
/// over byte positions.
///
/// At each scalar boundary `i` (left to right), every piece that is a prefix of the rest (a byte trie)
/// offers `best[i] + score` to `best[i + length]`; a strictly better score replaces the one there, so ties
/// keep the earlier offer. When no piece covers exactly the next scalar, the unknown piece offers
/// `min score - 10` for that scalar. The best path is read backwards; consecutive unknown scalars are fused
/// into one piece. A piece's id is looked up by its bytes; an unknown piece becomes its `<0xNN>` byte
/// tokens with `byte_fallback` (when they all exist), else `unk_id`.
/// JSON: `{"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["▁the", -3.2], ...], "byte_fallback": false}`.
struct HFUnigramModel: Equatable {
    var pieces: [(piece: String, score: Double)]
    var unknownID: Int?
    var byteFallback: Bool
    private var ids: [[UInt8]: Int]
    private var trie: ByteTrie
    private var minimumScore: Double

    /// The penalty below the lowest score given to an unknown scalar (Rust `K_UNK_PENALTY`).
    static let unknownPenalty = 10.0

    static func == (a: HFUnigramModel, b: HFUnigramModel) -> Bool {
        a.pieces.elementsEqual(b.pieces, by: ==) && a.unknownID == b.unknownID && a.byteFallback == b.byteFallback
    }

    init(pieces: [(piece: String, score: Double)], unknownID: Int?, byteFallback: Bool) {
        self.pieces = pieces
        self.unknownID = unknownID
        self.byteFallback = byteFallback
        var ids: [[UInt8]: Int] = [:]
        var trie = ByteTrie()
        var minimum = Double.infinity
        for (id, p) in pieces.enumerated() {
            let bytes = Array(p.piece.utf8)
            ids[bytes] = id   // a repeated piece keeps its last id, as in Rust
            trie.insert(bytes)
            minimum = min(minimum, p.score)
        }
        self.ids = ids
        self.trie = trie
        self.minimumScore = minimum
    }

    /// The id of `token` (the last of repeated pieces).
    func id(_ token: String) -> Int? { ids[Array(token.utf8)] }

    func tokenize(_ word: [Unicode.Scalar]) -> [Int] {
        let bytes = Array(HFNormalizer.string(word).utf8)
        let size = bytes.count
        guard size > 0 else { return [] }
        let unknownScore = minimumScore - Self.unknownPenalty
        // best[e]: (score, start, id) of the best path ending at byte e
        var best = [(score: Double, start: Int, id: Int)?](repeating: nil, count: size + 1)
        var start = 0
        while start < size {
            let here = start == 0 ? 0 : (best[start]?.score ?? 0)
            let scalarLength = Self.utf8Length(bytes[start])
            var coversScalar = false
            trie.forEachPrefix(of: bytes, from: start) { length in
                let end = start + length
                guard let id = ids[Array(bytes[start..<end])] else { return }
                let candidate = pieces[id].score + here
                if best[end] == nil || candidate > best[end]!.score { best[end] = (candidate, start, id) }
                if length == scalarLength { coversScalar = true }
            }
            if !coversScalar {
                let end = min(size, start + scalarLength)
                let candidate = unknownScore + here
                if best[end] == nil || candidate > best[end]!.score { best[end] = (candidate, start, unknownID ?? -1) }
            }
            start += scalarLength
        }
        // read back, fusing unknown runs
        var strings: [ArraySlice<UInt8>] = []
        var unknownRun: [ArraySlice<UInt8>] = []
        var end = size
        while end > 0, let node = best[end] {
            let piece = bytes[node.start..<end]
            if let unknownID, node.id == unknownID {
                unknownRun.append(piece)
            } else {
                if !unknownRun.isEmpty { strings.append(ArraySlice(unknownRun.reversed().joined())); unknownRun = [] }
                strings.append(piece)
            }
            end = node.start
        }
        if !unknownRun.isEmpty { strings.append(ArraySlice(unknownRun.reversed().joined())) }
        strings.reverse()
        var result: [Int] = []
        for s in strings {
            if let id = ids[Array(s)] { result.append(id); continue }
            if byteFallback {
                let byteIDs = s.map { ids[Array(HFBPEModel.byteToken($0).utf8)] }
                if byteIDs.allSatisfy({ $0 != nil }) { result += byteIDs.map { $0! }; continue }
            }
            if let unknownID { result.append(unknownID) }
        }
        return result
    }

    /// The length of the UTF-8 sequence a lead byte starts (the text is valid UTF-8).
    static func utf8Length(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }
}

extension HFUnigramModel {
    init(json: HFJSON) throws(HuggingFaceTokenizerError) {
        var pieces: [(piece: String, score: Double)] = []
        for entry in try json.required("vocab").elements() {
            let pair = try entry.elements()
            guard pair.count == 2 else { throw entry.error("expected a [piece, score] pair, found an array of \(pair.count) values") }
            pieces.append((try pair[0].string(), try pair[1].double()))
        }
        let unknownID = try json.optional("unk_id").map { (j) throws(HuggingFaceTokenizerError) in try j.int() }
        if let unknownID {
            guard unknownID < pieces.count else {
                throw json.error("unk_id: expected an index into vocab (0 ..< \(pieces.count)), found \(unknownID)")
            }
        }
        self.init(pieces: pieces, unknownID: unknownID, byteFallback: try json.bool("byte_fallback", default: false))
    }

    var json: JSONValue {
        .object([("type", .string("Unigram")), ("unk_id", unknownID.map { .int($0) } ?? .null),
                 ("vocab", .array(pieces.map { .array([.string($0.piece), .double($0.score)]) })),
                 ("byte_fallback", .bool(byteFallback))])
    }
}

/// A byte trie of the vocabulary's pieces, for Unigram's common-prefix search.
struct ByteTrie {
    /// `children[node][byte]` -> node; node 0 is the root.
    private var children: [[UInt8: Int32]] = [[:]]
    private var terminal: [Bool] = [false]

    mutating func insert(_ bytes: [UInt8]) {
        var node = 0
        for b in bytes {
            if let next = children[node][b] { node = Int(next); continue }
            children.append([:]); terminal.append(false)
            children[node][b] = Int32(children.count - 1)
            node = children.count - 1
        }
        terminal[node] = true
    }

    /// Calls `body(length)` for every inserted piece that is a prefix of `bytes[start...]`, shortest first.
    func forEachPrefix(of bytes: [UInt8], from start: Int, _ body: (Int) -> Void) {
        var node = 0
        var i = start
        while i < bytes.count, let next = children[node][bytes[i]] {
            node = Int(next)
            i += 1
            if terminal[node] { body(i - start) }
        }
    }
}
