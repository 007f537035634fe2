/// An independent DEFLATE decoder (RFC 1951) for the tests, written from the RFC in the style of
/// zlib's puff.c: stored, fixed-Huffman and dynamic-Huffman blocks, canonical codes decoded by
/// counting codes per length. It shares no code with the encoder it checks.
struct Inflater {
    enum Failure: Error, Equatable { case truncated, badBlockType, badStoredLength, badCode, badDistance, badLengths }

    private let input: [UInt8]
    private var bytePosition = 0
    private var bitBuffer = 0, bitCount = 0
    private(set) var output: [UInt8] = []
    /// The number of blocks of each type seen: [stored, fixed, dynamic].
    private(set) var blockTypes = [0, 0, 0]

    init(_ input: [UInt8]) { self.input = input }

    /// Inflates raw DEFLATE data; returns the output and how many input bytes were consumed.
    static func inflate(_ data: [UInt8]) throws -> (output: [UInt8], consumed: Int, blockTypes: [Int]) {
        var inflater = Inflater(data)
        var last = false
        while !last {
            last = try inflater.bits(1) == 1
            switch try inflater.bits(2) {
            case 0: try inflater.stored(); inflater.blockTypes[0] += 1
            case 1: try inflater.codes(Self.fixedLiteral, Self.fixedDistance); inflater.blockTypes[1] += 1
            case 2: try inflater.dynamic(); inflater.blockTypes[2] += 1
            default: throw Failure.badBlockType
            }
        }
        return (inflater.output, inflater.bytePosition, inflater.blockTypes)
    }

    /// Inflates a zlib stream (RFC 1950), checking the header and the Adler-32 trailer (computed here
    /// independently of the library).
    static func inflateZlib(_ data: [UInt8]) throws -> [UInt8] {
        guard data.count >= 6 else { throw Failure.truncated }
        guard data[0] & 0x0F == 8, data[0] >> 4 <= 7, (Int(data[0]) * 256 + Int(data[1])) % 31 == 0,
              data[1] & 0x20 == 0 else { throw Failure.badCode }
        let (output, consumed, _) = try inflate(Array(data[2...]))
        let trailer = data[(2 + consumed)...]
        guard trailer.count == 4 else { throw Failure.truncated }
        let stored = trailer.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in output { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        guard stored == b << 16 | a else { throw Failure.badCode }
        return output
    }

    private mutating func bits(_ need: Int) throws -> Int {
        while bitCount < need {
            guard bytePosition < input.count else { throw Failure.truncated }
            bitBuffer |= Int(input[bytePosition]) << bitCount
            bytePosition += 1
            bitCount += 8
        }
        let value = bitBuffer & ((1 << need) - 1)
        bitBuffer >>= need
        bitCount -= need
        return value
    }

    private mutating func stored() throws {
        bitBuffer = 0
        bitCount = 0   // discard to the byte boundary
        guard bytePosition + 4 <= input.count else { throw Failure.truncated }
        let length = Int(input[bytePosition]) | Int(input[bytePosition + 1]) << 8
        let complement = Int(input[bytePosition + 2]) | Int(input[bytePosition + 3]) << 8
        guard length == ~complement & 0xFFFF else { throw Failure.badStoredLength }
        bytePosition += 4
        guard bytePosition + length <= input.count else { throw Failure.truncated }
        output += input[bytePosition..<(bytePosition + length)]
        bytePosition += length
    }

    /// A canonical Huffman code: count[len] codes of each length, symbols in code order.
    struct Huffman {
        var count = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []
        init(lengths: [Int]) {
            for length in lengths { count[length] += 1 }
            count[0] = 0
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + count[length] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private mutating func decode(_ huffman: Huffman) throws -> Int {
        var code = 0, first = 0, index = 0
        for length in 1...15 {
            code |= try bits(1)
            let count = huffman.count[length]
            if code - count < first { return huffman.symbols[index + (code - first)] }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw Failure.badCode
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                             131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                               2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let fixedLiteral = Huffman(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
    static let fixedDistance = Huffman(lengths: [Int](repeating: 5, count: 30))

    private mutating func codes(_ literal: Huffman, _ distance: Huffman) throws {
        while true {
            let symbol = try decode(literal)
            if symbol < 256 {
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let index = symbol - 257
                guard index < 29 else { throw Failure.badCode }
                let length = Self.lengthBase[index] + (try bits(Self.lengthExtra[index]))
                let code = try decode(distance)
                guard code < 30 else { throw Failure.badDistance }
                let back = Self.distanceBase[code] + (try bits(Self.distanceExtra[code]))
                guard back <= output.count else { throw Failure.badDistance }
                for _ in 0..<length { output.append(output[output.count - back]) }
            }
        }
    }

    private mutating func dynamic() throws {
        let literalCount = try bits(5) + 257, distanceCount = try bits(5) + 1, codeCount = try bits(4) + 4
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeCount { codeLengths[order[index]] = try bits(3) }
        let lengthCode = Huffman(lengths: codeLengths)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(lengthCode)
            switch symbol {
            case 0..<16: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw Failure.badLengths }
                lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
            case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
            default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount, lengths[256] != 0 else { throw Failure.badLengths }
        try codes(Huffman(lengths: Array(lengths[..<literalCount])), Huffman(lengths: Array(lengths[literalCount...])))
    }
}
