/// A DEFLATE block with dynamic Huffman codes (BTYPE 10, RFC 1951 section 3.2.7), built for one
/// block's tokens: Huffman codes fitted to its literal/length and distance symbol counts, sent as
/// code lengths which are themselves run-length coded (symbols 16 = repeat previous 3-6 times,
/// 17 = 3-10 zeros, 18 = 11-138 zeros) and Huffman coded with a third, 19-symbol code.
struct DeflateDynamicBlock {
    /// The order in which the code-length code's lengths are sent.
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    let literalLengths: [Int], literalCodes: [UInt32]     // 286 symbols: 0-255 bytes, 256 end, 257-285 lengths
    let distanceLengths: [Int], distanceCodes: [UInt32]   // 30 symbols
    let literalCount: Int, distanceCount: Int             // HLIT + 257, HDIST + 1
    /// The run-length coded code lengths: (symbol 0-18, extra bits value, extra bit count).
    let lengthSymbols: [(symbol: Int, extra: UInt32, bits: Int)]
    let lengthCodeLengths: [Int], lengthCodeCodes: [UInt32]
    let lengthCodeCount: Int                              // HCLEN + 4

    init(tokens: [LZ77Matcher.Token]) {
        var literalFrequencies = [Int](repeating: 0, count: 286), distanceFrequencies = [Int](repeating: 0, count: 30)
        for token in tokens {
            if token.length == 0 {
                literalFrequencies[Int(token.value)] += 1
            } else {
                literalFrequencies[257 + Deflate.lengthCodeIndex(Int(token.length))] += 1
                distanceFrequencies[Deflate.distanceCode(Int(token.value))] += 1
            }
        }
        literalFrequencies[256] = 1
        literalLengths = HuffmanCode.lengths(frequencies: literalFrequencies, limit: 15)
        distanceLengths = HuffmanCode.lengths(frequencies: distanceFrequencies, limit: 15)
        literalCodes = HuffmanCode.codes(lengths: literalLengths)
        distanceCodes = HuffmanCode.codes(lengths: distanceLengths)
        literalCount = max(257, (literalLengths.lastIndex { $0 > 0 } ?? 0) + 1)
        distanceCount = max(1, (distanceLengths.lastIndex { $0 > 0 } ?? 0) + 1)
        lengthSymbols = Self.runLengthCoded(Array(literalLengths[..<literalCount]) + Array(distanceLengths[..<distanceCount]))
        var frequencies = [Int](repeating: 0, count: 19)
        for entry in lengthSymbols { frequencies[entry.symbol] += 1 }
        let codeLengthLengths = HuffmanCode.lengths(frequencies: frequencies, limit: 7)
        lengthCodeLengths = codeLengthLengths
        lengthCodeCodes = HuffmanCode.codes(lengths: codeLengthLengths)
        let lastSent = Self.codeLengthOrder.lastIndex { codeLengthLengths[$0] > 0 } ?? 0
        lengthCodeCount = max(4, lastSent + 1)
    }

    /// Code lengths as symbols 0-18 with their extra bits.
    static func runLengthCoded(_ lengths: [Int]) -> [(symbol: Int, extra: UInt32, bits: Int)] {
        var result: [(symbol: Int, extra: UInt32, bits: Int)] = []
        var index = 0
        while index < lengths.count {
            let length = lengths[index]
            var run = 1
            while index + run < lengths.count && lengths[index + run] == length { run += 1 }
            index += run
            if length == 0 {
                while run >= 11 { let n = min(run, 138); result.append((18, UInt32(n - 11), 7)); run -= n }
                if run >= 3 { result.append((17, UInt32(run - 3), 3)); run = 0 }
                for _ in 0..<run { result.append((0, 0, 0)) }
            } else {
                result.append((length, 0, 0))
                run -= 1
                while run >= 3 { let n = min(run, 6); result.append((16, UInt32(n - 3), 2)); run -= n }
                for _ in 0..<run { result.append((length, 0, 0)) }
            }
        }
        return result
    }

    /// Bits of the block header after BFINAL/BTYPE: HLIT, HDIST, HCLEN, the code-length code, the lengths.
    var headerBits: Int {
        14 + 3 * lengthCodeCount + lengthSymbols.reduce(0) { $0 + lengthCodeLengths[$1.symbol] + $1.bits }
    }

    /// Bits of the whole block, including the 3-bit block header.
    func cost(of tokens: [LZ77Matcher.Token]) -> Int {
        var bits = 3 + headerBits + literalLengths[256]
        for token in tokens {
            if token.length == 0 {
                bits += literalLengths[Int(token.value)]
            } else {
                let index = Deflate.lengthCodeIndex(Int(token.length)), code = Deflate.distanceCode(Int(token.value))
                bits += literalLengths[257 + index] + Deflate.lengthExtraBits[index]
                    + distanceLengths[code] + Deflate.distanceExtraBits[code]
            }
        }
        return bits
    }

    /// Writes the header (after BFINAL and BTYPE), the tokens and the end-of-block code.
    func write(_ tokens: [LZ77Matcher.Token], into writer: inout BitWriter) {
        writer.write(UInt32(literalCount - 257), bits: 5)
        writer.write(UInt32(distanceCount - 1), bits: 5)
        writer.write(UInt32(lengthCodeCount - 4), bits: 4)
        for symbol in Self.codeLengthOrder.prefix(lengthCodeCount) { writer.write(UInt32(lengthCodeLengths[symbol]), bits: 3) }
        for entry in lengthSymbols {
            writer.writeCode(lengthCodeCodes[entry.symbol], length: lengthCodeLengths[entry.symbol])
            writer.write(entry.extra, bits: entry.bits)
        }
        for token in tokens {
            if token.length == 0 {
                writer.writeCode(literalCodes[Int(token.value)], length: literalLengths[Int(token.value)])
                continue
            }
            let length = Int(token.length), distance = Int(token.value)
            let index = Deflate.lengthCodeIndex(length), code = Deflate.distanceCode(distance)
            writer.writeCode(literalCodes[257 + index], length: literalLengths[257 + index])
            writer.write(UInt32(length - Deflate.lengthBases[index]), bits: Deflate.lengthExtraBits[index])
            writer.writeCode(distanceCodes[code], length: distanceLengths[code])
            writer.write(UInt32(distance - Deflate.distanceBases[code]), bits: Deflate.distanceExtraBits[code])
        }
        writer.writeCode(literalCodes[256], length: literalLengths[256])
    }
}
