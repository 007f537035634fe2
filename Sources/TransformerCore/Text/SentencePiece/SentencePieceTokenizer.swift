import Foundation

/// A SentencePiece `.model` file (a serialized `ModelProto`) as a ``TextTokenizer``, in pure Swift: the
/// same ids, pieces and decoded text as Python's `sentencepiece` (0.2.1, `SentencePieceProcessor`) for
/// unigram, BPE, word and char models.
///
/// - Encoding: ``SentencePieceNormalizer`` (precompiled charsmap, whitespace rules), then the model:
///   unigram by Viterbi over the piece scores (user-defined pieces scored `length * max score - 0.1`, an
///   unknown character `min score - 10`, the "optimized" encoder sentencepiece uses by default), BPE by
///   merging the adjacent pair whose merged piece has the highest score (leftmost first; `UNUSED` pieces
///   split back), word by "▁"-words, char by characters. Then consecutive unknown pieces become one unknown
///   piece, or, with `byte_fallback`, each byte of an unknown piece becomes its `<0xXX>` piece.
/// - Decoding (``decode(_:)``): sentencepiece's `DecodeIds`: pieces joined, "▁" to spaces, the first
///   leading "▁" dropped, runs of byte pieces reassembled into UTF-8 (each byte that is not part of a
///   well-formed character is U+FFFD), control ids invisible, the unknown id as the model's `unk_surface`
///   (" ⁇ " by default), then the model's denormaliser if it has one. Ids outside `0 ..< vocabularySize`
///   (an error in Python) are skipped.
/// - Pieces are looked up by their UTF-8 bytes, never by `String` equality (which is canonical
///   equivalence: "é" and "e" + U+0301 would be one key).
///
/// ``specialTokens``: `unknown` is the model's unknown piece; `start`, `end` and `padding` are
/// sentencepiece's `bos_id()`, `eos_id()` and `pad_id()` (the `<s>`, `</s>`, `<pad>` pieces, or the names
/// the trainer spec gives, when they are control pieces). A model without them (id -1 in sentencepiece,
/// nil in ``startID``, ``endID``, ``paddingID``) falls back: no pad -> the unknown id (so with such a model,
/// real unknown tokens are also treated as padding by masks and the loss); no bos -> the eos id, else the
/// unknown id; no eos -> the unknown id.
///
/// Not supported (as sentencepiece's defaults leave them): sampling, n-best, the model's self-test data,
/// encode/decode extra options (bos/eos/reverse). ``modelBytes`` are the file's bytes, unchanged, for
/// storing in a checkpoint.
public struct SentencePieceTokenizer: TextTokenizer, Equatable {
    public enum ModelType: Int, Sendable {
        case unigram = 1, bpe = 2, word = 3, char = 4
    }

    public enum PieceType: Int, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// One piece of an encoding: its bytes (a merged run of unknown characters is one piece spelling the
    /// normalised characters, as sentencepiece's `EncodeAsPieces`) and its id.
    public struct Segment: Equatable, Sendable {
        public let piece: [UInt8]
        public let id: Int
        /// The piece as text ("▁" not unescaped).
        public var text: String { String(decoding: piece, as: UTF8.self) }
    }

    /// The `.model` file's bytes, as read.
    public let modelBytes: [UInt8]
    public let modelType: ModelType
    /// The normaliser applied before encoding (with the model's user-defined symbols, which it leaves as
    /// they are).
    public let normalizer: SentencePieceNormalizer
    /// The model's `denormalizer_spec`, applied to decoded text, when it has a charsmap.
    public let denormalizer: SentencePieceNormalizer?
    /// The id of the model's `UNKNOWN` piece.
    public let unknownID: Int
    /// sentencepiece's `bos_id()`, `eos_id()`, `pad_id()`: nil when the model has no such control piece.
    public let startID: Int?
    public let endID: Int?
    public let paddingID: Int?
    public let byteFallback: Bool

    private let pieces: [[UInt8]]
    private let scores: [Float]
    private let types: [PieceType]
    /// NORMAL, USER_DEFINED and UNUSED pieces -> id (sentencepiece's `pieces_`).
    private let normalIDs: [[UInt8]: Int]
    /// The other pieces (UNKNOWN, CONTROL, BYTE) -> id (`reserved_id_map_`), looked up first.
    private let reservedIDs: [[UInt8]: Int]
    /// The `pieces_` as a trie (unigram), and the user-defined symbols (the prefix matcher).
    private let trie: PieceTrie
    private let userDefined: PieceTrie
    private let byteIDs: [Int]
    private let minScore: Float
    private let maxScore: Float
    private let unknownSurface: [UInt8]

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.modelBytes == rhs.modelBytes }

    /// Loads a `.model` file; errors name the file.
    public init(contentsOf url: URL) throws(SentencePieceError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SentencePieceError(source: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(bytes: [UInt8](data), source: url.path)
    }

    /// Loads a serialized `ModelProto`; `source` names it in errors (a file name, a checkpoint entry).
    public init(bytes: [UInt8], source: String = "SentencePiece model") throws(SentencePieceError) {
        func fail(_ reason: String) -> SentencePieceError { SentencePieceError(source: source, reason: reason) }
        let proto: SentencePieceModelProto
        do { proto = try SentencePieceModelProto(bytes) } catch { throw fail(error.reason) }
        guard let modelType = ModelType(rawValue: proto.trainerSpec.modelType) else {
            throw fail("unknown model type \(proto.trainerSpec.modelType)")
        }
        guard !proto.pieces.isEmpty else { throw fail("the model has no pieces") }
        self.modelBytes = bytes
        self.modelType = modelType
        self.byteFallback = proto.trainerSpec.byteFallback

        // InitializePieces (src/model_interface.cc).
        var normalIDs: [[UInt8]: Int] = [:], reservedIDs: [[UInt8]: Int] = [:]
        var trie = PieceTrie(), userDefined = PieceTrie()
        var unknownID = -1
        var byteIDs = [Int](repeating: -1, count: 256)
        var minScore = Float.greatestFiniteMagnitude, maxScore = Float.leastNormalMagnitude   // FLT_MAX, FLT_MIN
        for (id, piece) in proto.pieces.enumerated() {
            guard !piece.bytes.isEmpty else { throw fail("piece \(id) is empty") }
            let type = PieceType(rawValue: piece.type.rawValue)!
            let isNormal = type == .normal || type == .userDefined || type == .unused
            if isNormal {
                guard normalIDs.updateValue(id, forKey: piece.bytes) == nil else {
                    throw fail("piece \(id) \(Self.quoted(piece.bytes)) is already defined")
                }
                trie.insert(piece.bytes, id: id)
            } else {
                guard reservedIDs.updateValue(id, forKey: piece.bytes) == nil else {
                    throw fail("piece \(id) \(Self.quoted(piece.bytes)) is already defined")
                }
            }
            switch type {
            case .userDefined: userDefined.insert(piece.bytes, id: id)
            case .unknown:
                guard unknownID < 0 else { throw fail("a second unknown piece (\(id)); the first is \(unknownID)") }
                unknownID = id
            case .byte:
                guard proto.trainerSpec.byteFallback else {
                    throw fail("byte piece \(Self.quoted(piece.bytes)) although byte_fallback is off")
                }
                guard let byte = Self.byteValue(piece.bytes) else { throw fail("byte piece \(Self.quoted(piece.bytes)) is not <0xXX>") }
                byteIDs[byte] = id
            case .normal:
                minScore = min(minScore, piece.score)
                maxScore = max(maxScore, piece.score)
            default: break
            }
        }
        guard unknownID >= 0 else { throw fail("the model has no unknown piece") }
        if proto.trainerSpec.byteFallback, let missing = byteIDs.firstIndex(of: -1) {
            throw fail("byte_fallback is on but there is no byte piece for 0x\(String(missing, radix: 16, uppercase: true))")
        }
        if modelType == .unigram && trie.isEmpty { throw fail("the unigram model has no normal pieces") }

        self.pieces = proto.pieces.map(\.bytes)
        self.scores = proto.pieces.map(\.score)
        self.types = proto.pieces.map { PieceType(rawValue: $0.type.rawValue)! }
        self.normalIDs = normalIDs
        self.reservedIDs = reservedIDs
        self.trie = trie
        self.userDefined = userDefined
        self.byteIDs = byteIDs
        self.unknownID = unknownID
        self.minScore = minScore
        self.maxScore = maxScore
        self.unknownSurface = proto.trainerSpec.unkSurface ?? [0x20, 0xE2, 0x81, 0x87, 0x20]

        do {
            normalizer = try SentencePieceNormalizer(spec: proto.normalizerSpec,
                                                     treatWhitespaceAsSuffix: proto.trainerSpec.treatWhitespaceAsSuffix,
                                                     userDefined: userDefined)
            if let spec = proto.denormalizerSpec, !spec.precompiledCharsmap.isEmpty {
                denormalizer = try SentencePieceNormalizer(spec: spec, treatWhitespaceAsSuffix: false, userDefined: nil)
            } else {
                denormalizer = nil
            }
        } catch { throw fail(error.reason) }

        // bos_id() and friends (src/sentencepiece_processor.cc): the named piece, if it is a control piece.
        let types = self.types
        func controlID(_ name: [UInt8], _ fallback: String) -> Int? {
            let id = Self.lookup(name.isEmpty ? Array(fallback.utf8) : name, reservedIDs, normalIDs) ?? unknownID
            return types[id] == .control ? id : nil
        }
        startID = controlID(proto.trainerSpec.bosPiece, "<s>")
        endID = controlID(proto.trainerSpec.eosPiece, "</s>")
        paddingID = controlID(proto.trainerSpec.padPiece, "<pad>")
    }

    // MARK: TextTokenizer

    public var vocabularySize: Int { pieces.count }

    public var specialTokens: SpecialTokens {
        SpecialTokens(padding: paddingID ?? unknownID, start: startID ?? endID ?? unknownID,
                      end: endID ?? unknownID, unknown: unknownID)
    }

    public var name: String {
        switch modelType {
        case .unigram: return "sentencepiece unigram"
        case .bpe: return "sentencepiece bpe"
        case .word: return "sentencepiece word"
        case .char: return "sentencepiece char"
        }
    }

    public func encodeIDs(_ text: String) -> [Int] { encode(bytes: Array(text.utf8)).map(\.id) }

    /// The vocabulary spelling of each id (a merged unknown run is the unknown piece, `<unk>`); see
    /// ``encode(_:)`` for sentencepiece's own pieces.
    public func encodePieces(_ text: String) -> [String] { pieces(for: encodeIDs(text)) }

    public func piece(for id: Int) -> String? { pieceBytes(for: id).map { String(decoding: $0, as: UTF8.self) } }

    public func decode(_ ids: [Int]) -> String { String(decoding: decodeBytes(ids), as: UTF8.self) }

    // MARK: More of sentencepiece

    /// The ids of any byte string (malformed UTF-8 included), as Python's `encode(bytes)`.
    public func encodeIDs(bytes: [UInt8]) -> [Int] { encode(bytes: bytes).map(\.id) }

    /// sentencepiece's `EncodeAsPieces` with the ids: what Python's `encode(text, out_type=str)` gives.
    public func encode(_ text: String) -> [Segment] { encode(bytes: Array(text.utf8)) }

    /// ``encode(_:)`` of any byte string.
    public func encode(bytes: [UInt8]) -> [Segment] {
        let normalized = normalizer.normalize(bytes: bytes)
        guard !normalized.isEmpty else { return [] }
        let result: [(Range<Int>, Int)]
        switch modelType {
        case .unigram: result = encodeUnigram(normalized)
        case .bpe: result = encodeBPE(normalized)
        case .word: result = splitIntoWords(normalized).map { ($0, pieceID(normalized[$0])) }
        case .char: result = encodeCharacters(normalized)
        }
        // PopulateSentencePieceText: byte fallback, or merging runs of unknown pieces.
        var segments: [Segment] = []
        segments.reserveCapacity(result.count)
        var previousUnknown = false
        for (range, id) in result {
            let isUnknown = types[id] == .unknown
            if types[id] != .control && isUnknown && byteFallback {
                for byte in normalized[range] {
                    segments.append(Segment(piece: Array(Self.bytePiece(byte).utf8), id: byteIDs[Int(byte)]))
                }
            } else if types[id] != .control && previousUnknown && isUnknown {
                let last = segments.removeLast()
                segments.append(Segment(piece: last.piece + normalized[range], id: last.id))
            } else {
                segments.append(Segment(piece: Array(normalized[range]), id: id))
            }
            previousUnknown = isUnknown
        }
        return segments
    }

    /// Python's `normalize`: the text as the model sees it.
    public func normalize(_ text: String) -> String { normalizer.normalize(text) }

    /// The piece's bytes, nil outside `0 ..< vocabularySize`.
    public func pieceBytes(for id: Int) -> [UInt8]? { pieces.indices.contains(id) ? pieces[id] : nil }

    public func score(for id: Int) -> Float? { scores.indices.contains(id) ? scores[id] : nil }

    public func type(for id: Int) -> PieceType? { types.indices.contains(id) ? types[id] : nil }

    /// The id whose piece is exactly these bytes, nil if none (sentencepiece's `PieceToId` answers the
    /// unknown id instead: ``pieceID(_:)``).
    public func id(forPiece bytes: [UInt8]) -> Int? { Self.lookup(bytes, reservedIDs, normalIDs) }

    /// ``id(forPiece:)-(_:[UInt8])`` of the string's UTF-8 bytes (exact code points, not canonical equivalence).
    public func id(forPiece piece: String) -> Int? { id(forPiece: Array(piece.utf8)) }

    /// sentencepiece's `PieceToId`: the id of the piece, or the unknown id.
    public func pieceID<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        Self.lookup(Array(bytes), reservedIDs, normalIDs) ?? unknownID
    }

    /// ``decode(_:)`` as bytes (sentencepiece's `DecodeIdsAsBytes`); ids outside the vocabulary are skipped.
    public func decodeBytes(_ ids: [Int]) -> [UInt8] {
        decodeBytes(pieces: ids.compactMap { pieces.indices.contains($0) ? pieces[$0] : nil })
    }

    /// sentencepiece's `DecodePieces`: each piece is looked up again (a piece not in the vocabulary counts
    /// as unknown but is copied as it is).
    public func decode(pieces: [[UInt8]]) -> String { String(decoding: decodeBytes(pieces: pieces), as: UTF8.self) }

    public func decodeBytes(pieces: [[UInt8]]) -> [UInt8] {
        let ids = pieces.map { pieceID($0) }
        var text: [UInt8] = []
        var byteStart = 0
        var isBeginningSpace = true   // whether a leading "▁" may still be dropped
        var beginningSpaceSeen = false
        for (i, id) in ids.enumerated() where types[id] != .byte {
            appendBytePieces(pieces[byteStart..<i], to: &text)
            if beginningSpaceSeen || !text.isEmpty { isBeginningSpace = false }
            byteStart = i + 1
            beginningSpaceSeen = decodePiece(pieces[i], id, isBeginningSpace, to: &text)
        }
        appendBytePieces(pieces[byteStart...], to: &text)
        if let denormalizer { text = denormalizer.normalize(bytes: text) }
        return text
    }

    // MARK: Decoding

    /// DecodeSentencePiece: appends the piece's text; whether it consumed a beginning "▁".
    private func decodePiece(_ piece: [UInt8], _ id: Int, _ isBeginningSpace: Bool, to text: inout [UInt8]) -> Bool {
        switch types[id] {
        case .control: return false
        case .unknown:
            text += pieces[id] == piece ? unknownSurface : piece
            return false
        default: break
        }
        var start = 0
        var consumedSpace = false
        if isBeginningSpace && (normalizer.addDummyPrefix || normalizer.removeExtraWhitespaces) {
            if piece.starts(with: sentencePieceSpace) {
                start = sentencePieceSpace.count
                consumedSpace = true
            }
            if normalizer.removeExtraWhitespaces { consumedSpace = false }
        }
        var i = start
        while i < piece.count {
            if i + 3 <= piece.count && piece[i] == 0xE2 && piece[i + 1] == 0x96 && piece[i + 2] == 0x81 {
                text.append(0x20)
                i += 3
            } else {
                text.append(piece[i])
                i += 1
            }
        }
        return consumedSpace
    }

    /// ProcessBytePieces: the bytes of `<0xXX>` pieces as UTF-8, each byte that does not start a
    /// well-formed character as U+FFFD.
    private func appendBytePieces(_ run: ArraySlice<[UInt8]>, to text: inout [UInt8]) {
        guard !run.isEmpty else { return }
        let bytes = run.map { UInt8(Self.byteValue($0) ?? 0) }
        var offset = 0
        while offset < bytes.count {
            let (valid, length) = SentencePieceUTF8.decode(bytes, offset, bytes.count)
            if valid { text += bytes[offset..<offset + length] } else { text += SentencePieceUTF8.replacementCharacter }
            offset += length
        }
    }

    // MARK: Models

    /// unigram::Model::EncodeOptimized (src/unigram_model.cc): Viterbi over byte positions, with
    /// sentencepiece's float and double arithmetic and its tie-breaking (first best kept).
    private func encodeUnigram(_ text: [UInt8]) -> [(Range<Int>, Int)] {
        let size = text.count
        let unknownScore = minScore - 10   // kUnkPenalty
        var bestID = [Int](repeating: -1, count: size + 1)
        var bestScore = [Float](repeating: 0, count: size + 1)
        var bestStart = [Int](repeating: -1, count: size + 1)
        var start = 0
        while start < size {
            let scoreTillHere = bestScore[start]
            var hasSingleNode = false
            let characterLength = min(SentencePieceUTF8.oneCharLength(text[start]), size - start)
            trie.forEachPrefix(text, start, size) { id, end in
                let type = types[id]
                if type == .unused { return }
                let length = end - start
                // `length * max_score_ - 0.1` is a double in C++; so is the sum and the comparison.
                let score = type == .userDefined ? Double(Float(length) * maxScore) - 0.1 : Double(scores[id])
                let candidate = score + Double(scoreTillHere)
                if bestStart[end] == -1 || candidate > Double(bestScore[end]) {
                    bestScore[end] = Float(candidate)
                    bestStart[end] = start
                    bestID[end] = id
                }
                if length == characterLength { hasSingleNode = true }
            }
            if !hasSingleNode {
                let end = start + characterLength
                let candidate = unknownScore + scoreTillHere
                if bestStart[end] == -1 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    bestStart[end] = start
                    bestID[end] = unknownID
                }
            }
            start += characterLength
        }
        var result: [(Range<Int>, Int)] = []
        var end = size
        while end > 0 {
            let begin = bestStart[end]
            guard begin >= 0 && begin < end else { break }   // unreachable for any input; never loop
            result.append((begin..<end, bestID[end]))
            end = begin
        }
        return result.reversed()
    }

    /// bpe::Model::SampleEncode without dropout (src/bpe_model.cc).
    private func encodeBPE(_ text: [UInt8]) -> [(Range<Int>, Int)] {
        struct Symbol { var start: Int; var end: Int; var previous: Int; var next: Int; var frozen: Bool }
        var symbols: [Symbol] = []
        var position = 0
        while position < text.count {
            let userLength = userDefined.longestPrefix(text, position, text.count)
            let length = userLength > 0 ? userLength
                : min(SentencePieceUTF8.oneCharLength(text[position]), text.count - position)
            let index = symbols.count
            symbols.append(Symbol(start: position, end: position + length, previous: index - 1,
                                  next: position + length < text.count ? index + 1 : -1, frozen: userLength > 0))
            position += length
        }
        guard !symbols.isEmpty else { return [] }

        // The agenda: highest score first, the leftmost among equal scores (sentencepiece's SymbolPairComparator).
        var agenda = PriorityQueue<PairCandidate> { a, b in a.score > b.score || (a.score == b.score && a.left < b.left) }
        var reverseMerges: [[UInt8]: (Range<Int>, Range<Int>)] = [:]   // UNUSED piece -> its two halves
        func addPair(_ left: Int, _ right: Int) {
            guard left != -1 && right != -1 && !symbols[left].frozen && !symbols[right].frozen else { return }
            let merged = Array(text[symbols[left].start..<symbols[right].end])
            guard let id = normalIDs[merged] else { return }
            agenda.push(PairCandidate(left: left, right: right, score: scores[id], size: merged.count))
            if types[id] == .unused {
                reverseMerges[merged] = (symbols[left].start..<symbols[left].end, symbols[right].start..<symbols[right].end)
            }
        }
        for i in 1..<symbols.count { addPair(i - 1, i) }

        while let top = agenda.pop() {
            let left = symbols[top.left], right = symbols[top.right]
            guard left.start < left.end && right.start < right.end && (left.end - left.start) + (right.end - right.start) == top.size
            else { continue }   // stale
            symbols[top.left].end = right.end
            symbols[top.left].next = right.next
            if right.next >= 0 { symbols[right.next].previous = top.left }
            symbols[top.right].end = symbols[top.right].start   // empty
            addPair(symbols[top.left].previous, top.left)
            addPair(top.left, symbols[top.left].next)
        }

        var output: [(Range<Int>, Int)] = []
        func resegment(_ range: Range<Int>, depth: Int) {
            let id = pieceID(text[range])
            if types[id] == .unused, depth < 64, let (left, right) = reverseMerges[Array(text[range])] {
                resegment(left, depth: depth + 1)
                resegment(right, depth: depth + 1)
            } else {
                output.append((range, id))
            }
        }
        var index = 0
        while index != -1 {
            resegment(symbols[index].start..<symbols[index].end, depth: 0)
            index = symbols[index].next
        }
        return output
    }

    /// character::Model::Encode: user-defined symbols whole, otherwise one character at a time.
    private func encodeCharacters(_ text: [UInt8]) -> [(Range<Int>, Int)] {
        var output: [(Range<Int>, Int)] = []
        var position = 0
        while position < text.count {
            let userLength = userDefined.longestPrefix(text, position, text.count)
            let length = userLength > 0 ? userLength : min(SentencePieceUTF8.oneCharLength(text[position]), text.count - position)
            output.append((position..<position + length, pieceID(text[position..<position + length])))
            position += length
        }
        return output
    }

    /// SplitIntoWords with its defaults (as word::Model calls it): a new word at every "▁".
    private func splitIntoWords(_ text: [UInt8]) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var position = 0
        while position < text.count {
            let length = min(SentencePieceUTF8.oneCharLength(text[position]), text.count - position)
            let isSpace = length == 3 && text[position] == 0xE2 && text[position + 1] == 0x96 && text[position + 2] == 0x81
            if position == 0 || isSpace {
                words.append(position..<position + length)
            } else {
                words[words.count - 1] = words[words.count - 1].lowerBound..<position + length
            }
            position += length
        }
        return words
    }

    // MARK: Helpers

    private static func lookup(_ bytes: [UInt8], _ reserved: [[UInt8]: Int], _ normal: [[UInt8]: Int]) -> Int? {
        reserved[bytes] ?? normal[bytes]
    }

    /// ByteToPiece: `<0xXX>`, upper-case hex.
    static func bytePiece(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "<0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 15)])>"
    }

    /// PieceToByte: the byte of an exact `<0xXX>` piece (upper-case hex), nil otherwise.
    static func byteValue(_ piece: [UInt8]) -> Int? {
        guard piece.count == 6, piece[0] == 0x3C, piece[1] == 0x30, piece[2] == 0x78, piece[5] == 0x3E else { return nil }
        func hex(_ c: UInt8) -> Int? {
            switch c {
            case 0x30...0x39: return Int(c - 0x30)
            case 0x41...0x46: return Int(c - 0x41 + 10)
            default: return nil
            }
        }
        guard let high = hex(piece[3]), let low = hex(piece[4]) else { return nil }
        return high << 4 | low
    }

    private static func quoted(_ bytes: [UInt8]) -> String {
        "\"\(String(decoding: bytes.prefix(40), as: UTF8.self).unicodeScalars.map { $0.escaped(asASCII: true) }.joined())\""
    }
}

/// A candidate merge of sentencepiece's BPE: the symbols at `left` and `right`, the merged piece's score
/// and byte size.
private struct PairCandidate { var left: Int; var right: Int; var score: Float; var size: Int }
