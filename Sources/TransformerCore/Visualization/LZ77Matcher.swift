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

    private func hash(at index: Int) -> Int {
        let a = Int(input[index]), b = Int(input[index + 1]), c = Int(input[index + 2])
        return ((a << 10) ^ (b << 5) ^ c) & ((1 << Self.hashBits) - 1)
    }

    private mutating func insert(_ index: Int) {
        guard index + Self.minimumMatch <= input.count else { return }
        let h = hash(at: index)
        previous[index % Self.window] = head[h]
        head[h] = Int32(index)
    }

    /// The longest match for `index` ending at or before `limit`: (length, distance), length 0 if none.
    private func longestMatch(at index: Int, limit: Int) -> (length: Int, distance: Int) {
        let available = min(Self.maximumMatch, limit - index)
        guard available >= Self.minimumMatch else { return (0, 0) }
        var best = (length: 0, distance: 0)
        var candidate = Int(head[hash(at: index)])
        var chain = 0
        input.withUnsafeBufferPointer { data in
            while candidate >= 0, index - candidate <= Self.window, chain < Self.maximumChain {
                if data[candidate + best.length] == data[index + best.length] {
                    var length = 0
                    while length < available && data[candidate + length] == data[index + length] { length += 1 }
                    if length > best.length {
                        best = (length, index - candidate)
                        if length >= Self.goodEnough || length == available { break }
                    }
                }
                let next = Int(previous[candidate % Self.window])
                if next >= candidate { break }   // a stale slot from a position one window back
                candidate = next
                chain += 1
            }
        }
        return best.length >= Self.minimumMatch ? best : (0, 0)
    }

    /// Tokens for input[position..<end]; afterwards `position == end`. Matches never cross `end`.
    mutating func tokens(upTo end: Int) -> [Token] {
        var tokens: [Token] = []
        while position < end {
            let match = longestMatch(at: position, limit: end)
            if match.length > 0 {
                tokens.append(Token(length: UInt16(match.length), value: UInt16(match.distance)))
                for index in position..<(position + match.length) { insert(index) }
                position += match.length
            } else {
                tokens.append(Token(length: 0, value: UInt16(input[position])))
                insert(position)
                position += 1
            }
        }
        return tokens
    }
}
