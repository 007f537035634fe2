/// DEFLATE decompression (RFC 1951) with the zlib (RFC 1950) and gzip (RFC 1952) wrappers: what PNG's
/// IDAT data and gzipped MNIST-style IDX files need. The decoder of ``Deflate`` (Visualization/), whose
/// length and distance tables it shares.
///
/// Huffman codes are decoded the way zlib's reference decoder `puff.c` does: one bit at a time against
/// the canonical code's count of codes per length, a short loop that is easy to check against section
/// 3.2.2 (a table-driven decoder would be faster; images and IDX files here are a few MB).
///
/// Every malformed stream is an ``InflateError`` naming what was wrong and where (byte offset); nothing
/// traps. `maximumOutput` bounds the decompressed size, so a small hostile file cannot exhaust memory.
public enum Inflate {
    /// The decompressed bytes of a zlib stream: a 2-byte header (method 8, window <= 32 KiB, check bits,
    /// no preset dictionary), DEFLATE data, and the Adler-32 of the output, big-endian. Bytes after the
    /// checksum are an error.
    public static func zlib(_ data: [UInt8], maximumOutput: Int = defaultMaximumOutput) throws(InflateError) -> [UInt8] {
        guard data.count >= 2 else { throw InflateError("zlib stream", at: 0, "expected a 2-byte header, found \(data.count) bytes") }
        let (cmf, flg) = (Int(data[0]), Int(data[1]))
        guard cmf & 0x0F == 8 else { throw InflateError("zlib header", at: 0, "expected compression method 8 (deflate), found \(cmf & 0x0F)") }
        guard cmf >> 4 <= 7 else { throw InflateError("zlib header", at: 0, "expected a window of at most 32 KiB (CINFO <= 7), found CINFO \(cmf >> 4)") }
        guard (cmf * 256 + flg) % 31 == 0 else { throw InflateError("zlib header", at: 1, "check bits wrong: (CMF * 256 + FLG) is not a multiple of 31") }
        guard flg & 0x20 == 0 else { throw InflateError("zlib header", at: 1, "a preset dictionary (FDICT) is not supported") }
        let (output, end) = try raw(data, from: 2, maximumOutput: maximumOutput)
        guard data.count - end >= 4 else {
            throw InflateError("zlib stream", at: end, "expected the 4-byte Adler-32 checksum, found \(data.count - end) bytes")
        }
        let stored = data[end..<(end + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let actual = Adler32.checksum(output)
        guard stored == actual else {
            throw InflateError("zlib stream", at: end, "Adler-32 mismatch: stored \(hex(stored)), computed \(hex(actual))")
        }
        guard end + 4 == data.count else {
            throw InflateError("zlib stream", at: end + 4, "expected the end of the data, found \(data.count - end - 4) more bytes")
        }
        return output
    }

    /// The decompressed bytes of a gzip file: one or more members, each a header (magic 1f 8b, method 8,
    /// optional extra field, name, comment and header CRC), DEFLATE data, then the CRC-32 and the size
    /// (mod 2^32) of its output, little-endian; the members' outputs concatenated.
    public static func gzip(_ data: [UInt8], maximumOutput: Int = defaultMaximumOutput) throws(InflateError) -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        repeat {
            let start = position
            func need(_ count: Int, _ what: String) throws(InflateError) {
                guard data.count - position >= count else {
                    throw InflateError("gzip member", at: position, "truncated in the \(what)")
                }
            }
            try need(10, "header")
            guard data[position] == 0x1F && data[position + 1] == 0x8B else {
                throw InflateError("gzip member", at: position, "expected the magic bytes 1f 8b, found \(hex(data[position])) \(hex(data[position + 1]))")
            }
            guard data[position + 2] == 8 else {
                throw InflateError("gzip header", at: position + 2, "expected compression method 8 (deflate), found \(data[position + 2])")
            }
            let flags = data[position + 3]
            guard flags & 0xE0 == 0 else { throw InflateError("gzip header", at: position + 3, "reserved flag bits set (\(hex(flags)))") }
            position += 10
            if flags & 0x04 != 0 {   // FEXTRA: a little-endian length, then that many bytes
                try need(2, "extra field")
                let length = Int(data[position]) | Int(data[position + 1]) << 8
                position += 2
                try need(length, "extra field")
                position += length
            }
            for (flag, name) in [(UInt8(0x08), "file name"), (UInt8(0x10), "comment")] where flags & flag != 0 {
                guard let zero = data[position...].firstIndex(of: 0) else {
                    throw InflateError("gzip header", at: position, "the \(name) has no terminating zero byte")
                }
                position = zero + 1
            }
            if flags & 0x02 != 0 {   // FHCRC: the low 16 bits of the CRC-32 of the header so far
                try need(2, "header CRC")
                let stored = UInt16(data[position]) | UInt16(data[position + 1]) << 8
                let actual = UInt16(truncatingIfNeeded: CRC32.checksum(data[start..<position]))
                guard stored == actual else {
                    throw InflateError("gzip header", at: position, "header CRC mismatch: stored \(hex(stored)), computed \(hex(actual))")
                }
                position += 2
            }
            let (member, end) = try raw(data, from: position, maximumOutput: maximumOutput - output.count)
            position = end
            try need(8, "trailer (CRC-32 and size)")
            let storedCRC = data[position..<(position + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let storedSize = data[(position + 4)..<(position + 8)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let actualCRC = CRC32.checksum(member)
            guard storedCRC == actualCRC else {
                throw InflateError("gzip member", at: position, "CRC-32 mismatch: stored \(hex(storedCRC)), computed \(hex(actualCRC))")
            }
            guard storedSize == UInt32(truncatingIfNeeded: member.count) else {
                throw InflateError("gzip member", at: position + 4, "size mismatch: stored \(storedSize), decompressed \(member.count) bytes")
            }
            position += 8
            output += member
        } while position < data.count
        return output
    }

    /// Decompresses the raw DEFLATE stream that starts at byte `start` of `data`; returns the output and
    /// the index of the first byte after the stream's last block (its final partial byte counts as used).
    public static func raw(_ data: [UInt8], from start: Int = 0,
                           maximumOutput: Int = defaultMaximumOutput) throws(InflateError) -> (bytes: [UInt8], end: Int) {
        let (bytes, end, _) = try rawCountingBlocks(data, from: start, maximumOutput: maximumOutput)
        return (bytes, end)
    }

    /// ``raw(_:from:maximumOutput:)`` that also counts the blocks of each type, [stored, fixed, dynamic]
    /// (how the tests see which blocks ``Deflate`` chose).
    static func rawCountingBlocks(_ data: [UInt8], from start: Int = 0, maximumOutput: Int = defaultMaximumOutput)
        throws(InflateError) -> (bytes: [UInt8], end: Int, blockTypes: [Int]) {
        var reader = BitReader(data, from: start)
        var output: [UInt8] = []
        var blockTypes = [0, 0, 0]
        var isLast = false
        while !isLast {
            isLast = try reader.bits(1) == 1
            let type = try reader.bits(2)
            if type < 3 { blockTypes[type] += 1 }
            switch type {
            case 0: try storedBlock(&reader, into: &output, maximumOutput: maximumOutput)
            case 1: try codedBlock(&reader, literals: fixedLiterals, distances: fixedDistances, into: &output,
                                   maximumOutput: maximumOutput)
            case 2:
                let (literals, distances) = try dynamicCodes(&reader)
                try codedBlock(&reader, literals: literals, distances: distances, into: &output, maximumOutput: maximumOutput)
            default: throw InflateError("deflate block", at: reader.byteOffset, "block type 3 is reserved")
            }
        }
        return (output, reader.byteOffset, blockTypes)
    }

    /// 1 GiB: more than any image or IDX file this project reads.
    public static let defaultMaximumOutput = 1 << 30

    // MARK: Blocks

    /// BTYPE 00: to the next byte boundary, LEN and its complement NLEN (little-endian), LEN raw bytes.
    static func storedBlock(_ reader: inout BitReader, into output: inout [UInt8], maximumOutput: Int) throws(InflateError) {
        reader.alignToByte()
        let at = reader.byteOffset
        let length = try reader.bits(16), complement = try reader.bits(16)
        guard length == ~complement & 0xFFFF else {
            throw InflateError("stored block", at: at, "LEN \(length) and NLEN \(complement) are not complements")
        }
        try checkRoom(output.count + length, maximumOutput, at: at)
        output += try reader.bytes(length)
    }

    /// BTYPE 01 and 10: literals, lengths and distances until the end-of-block symbol 256.
    static func codedBlock(_ reader: inout BitReader, literals: HuffmanDecoder, distances: HuffmanDecoder,
                           into output: inout [UInt8], maximumOutput: Int) throws(InflateError) {
        while true {
            let symbol = try literals.decode(&reader)
            if symbol < 256 {
                if output.count >= maximumOutput { try checkRoom(output.count + 1, maximumOutput, at: reader.byteOffset) }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let index = symbol - 257
            guard index < Deflate.lengthBases.count else {
                throw InflateError("deflate data", at: reader.byteOffset, "invalid length symbol \(symbol)")
            }
            let length = Deflate.lengthBases[index] + (try reader.bits(Deflate.lengthExtraBits[index]))
            let code = try distances.decode(&reader)
            guard code < Deflate.distanceBases.count else {
                throw InflateError("deflate data", at: reader.byteOffset, "invalid distance symbol \(code)")
            }
            let distance = Deflate.distanceBases[code] + (try reader.bits(Deflate.distanceExtraBits[code]))
            guard distance <= output.count else {
                throw InflateError("deflate data", at: reader.byteOffset,
                                   "distance \(distance) reaches before the start of the output (\(output.count) bytes)")
            }
            try checkRoom(output.count + length, maximumOutput, at: reader.byteOffset)
            let from = output.count - distance
            for i in 0..<length { output.append(output[from + i]) }   // byte by byte: copies may overlap
        }
    }

    /// BTYPE 10's code definitions (section 3.2.7): HLIT, HDIST, HCLEN, the code-length code, then the
    /// literal/length and distance code lengths with the repeat codes 16, 17 and 18.
    static func dynamicCodes(_ reader: inout BitReader) throws(InflateError) -> (HuffmanDecoder, HuffmanDecoder) {
        let at = reader.byteOffset
        let literalCount = try reader.bits(5) + 257, distanceCount = try reader.bits(5) + 1
        let codeLengthCount = try reader.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw InflateError("dynamic block", at: at, "\(literalCount) literal/length codes and \(distanceCount) distance codes (at most 286 and 30)")
        }
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for i in 0..<codeLengthCount { codeLengthLengths[codeLengthOrder[i]] = try reader.bits(3) }
        let codeLengthCode = try HuffmanDecoder(lengths: codeLengthLengths, what: "code-length code", at: at)
        guard codeLengthCode.isComplete else { throw InflateError("dynamic block", at: at, "the code-length code is incomplete") }
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengthCode.decode(&reader)
            switch symbol {
            case 0...15: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else {
                    throw InflateError("dynamic block", at: reader.byteOffset, "repeat code 16 with no previous length")
                }
                lengths += repeatElement(previous, count: 3 + (try reader.bits(2)))
            case 17: lengths += repeatElement(0, count: 3 + (try reader.bits(3)))
            default: lengths += repeatElement(0, count: 11 + (try reader.bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else {
            throw InflateError("dynamic block", at: reader.byteOffset, "the code lengths run past HLIT + HDIST")
        }
        guard lengths[256] != 0 else { throw InflateError("dynamic block", at: reader.byteOffset, "no code for end-of-block (256)") }
        let literals = try HuffmanDecoder(lengths: Array(lengths[..<literalCount]), what: "literal/length code", at: at)
        let distances = try HuffmanDecoder(lengths: Array(lengths[literalCount...]), what: "distance code", at: at)
        // As puff.c: an incomplete code is allowed only when it is a single code of one bit.
        for (code, name) in [(literals, "literal/length"), (distances, "distance")] where !code.isComplete && !code.isSingleOneBitCode {
            throw InflateError("dynamic block", at: at, "the \(name) code is incomplete")
        }
        return (literals, distances)
    }

    static func checkRoom(_ size: Int, _ maximumOutput: Int, at offset: Int) throws(InflateError) {
        guard size <= maximumOutput else {
            throw InflateError("deflate data", at: offset, "the output would exceed the limit of \(maximumOutput) bytes")
        }
    }

    /// The order of the code-length code's lengths (section 3.2.7).
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// BTYPE 01's codes (section 3.2.6): literal/lengths 0-143 of 8 bits, 144-255 of 9, 256-279 of 7,
    /// 280-287 of 8; 30 distances of 5 bits.
    static let fixedLiterals = try! HuffmanDecoder(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 },
                                               what: "fixed code", at: 0)
    static let fixedDistances = try! HuffmanDecoder(lengths: [Int](repeating: 5, count: 30), what: "fixed code", at: 0)

    static func hex<T: BinaryInteger>(_ value: T) -> String {
        "0x" + String(value, radix: 16)
    }
}

/// A malformed compressed stream: what part, at which byte offset, and what was expected or found.
public struct InflateError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ part: String, at offset: Int, _ problem: String) {
        description = "\(part) at byte \(offset): \(problem)"
    }
}

/// The decoding side of a canonical Huffman code (section 3.2.2; ``HuffmanCode`` builds the encoder's) given by its code lengths: the number of codes of each
/// length and the symbols in code order, as puff.c keeps it.
struct HuffmanDecoder {
    /// counts[n]: codes of n bits (counts[0]: unused symbols).
    private(set) var counts = [Int](repeating: 0, count: 16)
    /// Symbols ordered by code (by length, then by symbol).
    private(set) var symbols: [Int] = []
    /// Whether every bit pattern is a code (the Kraft sum is 1).
    let isComplete: Bool

    /// Whether the code is exactly one symbol of one bit.
    var isSingleOneBitCode: Bool { counts[1] == 1 && counts[2...].allSatisfy { $0 == 0 } }

    init(lengths: [Int], what: String, at offset: Int) throws(InflateError) {
        for length in lengths { counts[length] += 1 }
        var left = 1   // codes still available at the current length
        for length in 1...15 {
            left = left * 2 - counts[length]
            guard left >= 0 else { throw InflateError(what, at: offset, "over-subscribed: more codes of \(length) bits than fit") }
        }
        isComplete = left == 0
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
        symbols = [Int](repeating: 0, count: lengths.count - counts[0])
        for (symbol, length) in lengths.enumerated() where length != 0 {
            symbols[offsets[length]] = symbol
            offsets[length] += 1
        }
    }

    /// The next symbol: bits are read one at a time, most significant code bit first (section 3.1.1).
    func decode(_ reader: inout BitReader) throws(InflateError) -> Int {
        var code = 0, first = 0, index = 0
        for length in 1...15 {
            code |= try reader.bits(1)
            let count = counts[length]
            if code - first < count { return symbols[index + code - first] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw InflateError("deflate data", at: reader.byteOffset, "a bit pattern that is no code")
    }
}

/// Reads a DEFLATE stream's bits: data elements least significant bit first (section 3.1.1).
struct BitReader {
    private let data: [UInt8]
    private var position: Int
    private var buffer: UInt32 = 0
    private var count = 0

    init(_ data: [UInt8], from start: Int) {
        self.data = data
        position = start
    }

    /// The offset of the next byte not yet (even partly) read.
    var byteOffset: Int { position }

    /// The next `n` bits (0...16) as an integer, the first bit read in bit 0.
    mutating func bits(_ n: Int) throws(InflateError) -> Int {
        while count < n {
            guard position < data.count else { throw InflateError("deflate data", at: position, "truncated: the stream ends early") }
            buffer |= UInt32(data[position]) << UInt32(count)
            position += 1
            count += 8
        }
        let value = Int(buffer & ((1 << UInt32(n)) - 1))
        buffer >>= UInt32(n)
        count -= n
        return value
    }

    /// Drops the rest of the current byte (stored blocks start on a byte boundary).
    mutating func alignToByte() {
        buffer = 0
        count = 0
    }

    /// The next `n` whole bytes (after ``alignToByte()``).
    mutating func bytes(_ n: Int) throws(InflateError) -> ArraySlice<UInt8> {
        guard data.count - position >= n else {
            throw InflateError("stored block", at: position, "truncated: \(n) bytes expected, \(data.count - position) left")
        }
        defer { position += n }
        return data[position..<(position + n)]
    }
}
