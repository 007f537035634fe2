/// Finds repeated strings for DEFLATE (RFC 1951 section 4): a hash of the next 3 bytes leads to the
/// most recent earlier positions with the same hash (a chain through `previous`), of which the longest
/// match within the 32 KiB window wins (greedy parsing, up to `maximumChain` candidates, stopping
/// early at a match of `goodEnough` bytes). Every position is inserted, including those inside matches.
struct LZ77Matcher {
    /// One DEFLATE symbol before Huffman coding: a literal byte, or a (length, distance) back-reference.
    struct Token: Equatable {
        /// 0 for a literal; otherwise 3...258.
        var length: UInt16
        /// The literal byte, or the distance 1...32768.
        var value: UInt16
    }

    static let window = 32768
    static let minimumMatch = 3, maximumMatch = 258
    static let hashBits = 15
    static let maximumChain = 48
    static let goodEnough = 128

    let input: [UInt8]
    /// head[h]: the last position whose 3-byte hash is h, or -1.
    private var head: [Int32]
    /// previous[p % window]: the position before p with the same hash, or -1.
    private var previous: [Int32]
    /// The next position to tokenize.
    private(set) var position = 0

    init(_ input: [UInt8]) {
        self.input = input
        head = [Int32](repeating: -1, count: 1 << Self.hashBits)
        previous = [Int32](repeating: -1, count: Self.window)
    }

    /// Hash of the 3 bytes at `index` (which must have 2 bytes after it).
    @inline(__always)
    private static func hash(_ data: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        ((Int(data[index]) << 10) ^ (Int(data[index + 1]) << 5) ^ Int(data[index + 2])) & ((1 << hashBits) - 1)
    }

    /// Tokens for input[position..<end]; afterwards `position == end`. Matches never cross `end`.
    mutating func tokens(upTo end: Int) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity((end - position) / 4)
        var position = self.position
        let count = input.count
        input.withUnsafeBufferPointer { data in
            head.withUnsafeMutableBufferPointer { head in
                previous.withUnsafeMutableBufferPointer { previous in
                    func insert(_ index: Int) {
                        guard index + Self.minimumMatch <= count else { return }
                        let h = Self.hash(data, index)
                        previous[index & (Self.window - 1)] = head[h]
                        head[h] = Int32(index)
                    }
                    while position < end {
                        let available = min(Self.maximumMatch, end - position)
                        var bestLength = 0, bestDistance = 0
                        if available >= Self.minimumMatch {
                            var candidate = Int(head[Self.hash(data, position)])
                            var chain = 0
                            while candidate >= 0, position - candidate <= Self.window, chain < Self.maximumChain {
                                if data[candidate + bestLength] == data[position + bestLength] {
                                    var length = 0
                                    while length < available && data[candidate + length] == data[position + length] {
                                        length += 1
                                    }
                                    if length > bestLength {
                                        bestLength = length
                                        bestDistance = position - candidate
                                        if length >= Self.goodEnough || length == available { break }
                                    }
                                }
                                let next = Int(previous[candidate & (Self.window - 1)])
                                if next >= candidate { break }   // a stale slot from one window back
                                candidate = next
                                chain += 1
                            }
                        }
                        if bestLength >= Self.minimumMatch {
                            tokens.append(Token(length: UInt16(bestLength), value: UInt16(bestDistance)))
                            for index in position..<(position + bestLength) { insert(index) }
                            position += bestLength
                        } else {
                            tokens.append(Token(length: 0, value: UInt16(data[position])))
                            insert(position)
                            position += 1
                        }
                    }
                }
            }
        }
        self.position = position
        return tokens
    }
}
