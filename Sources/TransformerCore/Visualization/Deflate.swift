/// A DEFLATE compressor (RFC 1951) and its zlib wrapper (RFC 1950), enough for PNG's IDAT.
///
/// The input is cut into blocks of at most 65,535 bytes. Each block is parsed into literals and
/// back-references by ``LZ77Matcher`` (the 32 KiB window reaches into earlier blocks) and written in
/// whichever of the three block types is smallest: dynamic Huffman codes fitted to the block
/// (BTYPE 10, ``DeflateDynamicBlock``), the fixed codes of section 3.2.6 (BTYPE 01, best for tiny
/// blocks), or stored raw (BTYPE 00, best for noise).
enum Deflate {
    /// Largest block: the limit of a stored block's 16-bit LEN.
    static let blockSize = 65535

    /// Raw DEFLATE data for `input`: one or more blocks, the last with BFINAL set.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        if input.isEmpty {   // a single empty fixed block: BFINAL 1, BTYPE 01, end-of-block
            writer.write(1, bits: 1)
            writer.write(1, bits: 2)
            writeFixedLiteral(256, into: &writer)
            return writer.finish()
        }
        var matcher = LZ77Matcher(input)
        var start = 0
        while start < input.count {
            let end = min(input.count, start + blockSize)
            let tokens = matcher.tokens(upTo: end)
            let final: UInt32 = end == input.count ? 1 : 0
            let fixedBits = 3 + tokens.reduce(0) { $0 + fixedCost($1) } + 7
            let storedBits = 3 + (8 - (writer.bitPosition + 3) % 8) % 8 + 32 + 8 * (end - start)
            let dynamic = DeflateDynamicBlock(tokens: tokens)
            let dynamicBits = dynamic.cost(of: tokens)
            writer.write(final, bits: 1)
            if dynamicBits < fixedBits && dynamicBits < storedBits {
                writer.write(2, bits: 2)   // BTYPE 10: dynamic Huffman codes
                dynamic.write(tokens, into: &writer)
            } else if storedBits <= fixedBits {
                writer.write(0, bits: 2)   // BTYPE 00: stored
                writer.alignToByte()
                let length = UInt32(end - start)
                writer.write(length, bits: 16)
                writer.write(~length & 0xFFFF, bits: 16)
                writer.append(contentsOf: input[start..<end])
            } else {
                writer.write(1, bits: 2)   // BTYPE 01: fixed Huffman codes
                for token in tokens { writeFixed(token, into: &writer) }
                writeFixedLiteral(256, into: &writer)
            }
            start = end
        }
        return writer.finish()
    }

    /// A zlib stream: CMF 0x78 (deflate, 32 KiB window), FLG 0x9C (default level, no dictionary,
    /// (CMF * 256 + FLG) divisible by 31), the DEFLATE data, then Adler-32 of `input`, big-endian.
    static func zlib(_ input: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x9C]
        stream += compress(input)
        let adler = Adler32.checksum(input)
        stream += [UInt8(adler >> 24), UInt8(truncatingIfNeeded: adler >> 16),
                   UInt8(truncatingIfNeeded: adler >> 8), UInt8(truncatingIfNeeded: adler)]
        return stream
    }

    // MARK: Length and distance codes (section 3.2.5)

    /// Base lengths of codes 257...285.
    static let lengthBases: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                     67, 83, 99, 115, 131, 163, 195, 227, 258]
    /// Extra bits of codes 257...285.
    static let lengthExtraBits: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                         4, 4, 4, 4, 5, 5, 5, 5, 0]
    /// Base distances of codes 0...29.
    static let distanceBases: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
                                       769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    /// Extra bits of distance codes 0...29.
    static let distanceExtraBits: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
                                           9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// lengthCodeTable[length]: index (0...28) of the length code for 3...258, the last base <= length
    /// (258 has its own code 285).
    static let lengthCodeTable: [UInt8] = (0...258).map { length in
        if length == 258 { return 28 }
        var index = 0
        while index + 1 < 28 && lengthBases[index + 1] <= length { index += 1 }
        return UInt8(index)
    }

    /// distanceCodeTable[distance]: the distance code (0...29) for 1...32768, the last base <= distance.
    static let distanceCodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 32769)
        var code = 0
        for distance in 1...32768 {
            while code + 1 < distanceBases.count && distanceBases[code + 1] <= distance { code += 1 }
            table[distance] = UInt8(code)
        }
        return table
    }()

    static func lengthCodeIndex(_ length: Int) -> Int { Int(lengthCodeTable[length]) }
    static func distanceCode(_ distance: Int) -> Int { Int(distanceCodeTable[distance]) }

    // MARK: Fixed Huffman codes (section 3.2.6)

    /// Code length of literal/length symbol `symbol` in the fixed code.
    static func fixedLength(_ symbol: Int) -> Int {
        switch symbol {
        case 0...143: 8
        case 144...255: 9
        case 256...279: 7
        default: 8
        }
    }

    /// Writes literal/length symbol `symbol` with its fixed code.
    static func writeFixedLiteral(_ symbol: Int, into writer: inout BitWriter) {
        switch symbol {
        case 0...143: writer.writeCode(UInt32(0x30 + symbol), length: 8)
        case 144...255: writer.writeCode(UInt32(0x190 + symbol - 144), length: 9)
        case 256...279: writer.writeCode(UInt32(symbol - 256), length: 7)
        default: writer.writeCode(UInt32(0xC0 + symbol - 280), length: 8)
        }
    }

    /// Bits a token costs in the fixed code.
    static func fixedCost(_ token: LZ77Matcher.Token) -> Int {
        guard token.length > 0 else { return fixedLength(Int(token.value)) }
        let lengthIndex = lengthCodeIndex(Int(token.length))
        let distance = distanceCode(Int(token.value))
        return fixedLength(257 + lengthIndex) + lengthExtraBits[lengthIndex] + 5 + distanceExtraBits[distance]
    }

    /// Writes a token in the fixed code: a literal, or length code + extra bits + 5-bit distance code +
    /// extra bits.
    static func writeFixed(_ token: LZ77Matcher.Token, into writer: inout BitWriter) {
        guard token.length > 0 else {
            writeFixedLiteral(Int(token.value), into: &writer)
            return
        }
        let length = Int(token.length), distance = Int(token.value)
        let lengthIndex = lengthCodeIndex(length)
        writeFixedLiteral(257 + lengthIndex, into: &writer)
        writer.write(UInt32(length - lengthBases[lengthIndex]), bits: lengthExtraBits[lengthIndex])
        let code = distanceCode(distance)
        writer.writeCode(UInt32(code), length: 5)
        writer.write(UInt32(distance - distanceBases[code]), bits: distanceExtraBits[code])
    }
}
