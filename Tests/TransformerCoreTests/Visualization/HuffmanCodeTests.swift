import Testing
@testable import TransformerCore

@Suite struct HuffmanCodeTests {
    /// Kraft sum in units of 2^-limit; a complete prefix code sums to exactly 2^limit.
    static func kraft(_ lengths: [Int], limit: Int) -> Int {
        lengths.filter { $0 > 0 }.reduce(0) { $0 + (1 << (limit - $1)) }
    }

    @Test func canonicalCodesMatchTheRFCExample() {
        // RFC 1951 section 3.2.2: lengths (3, 3, 3, 3, 3, 2, 4, 4) for A...H.
        let codes = HuffmanCode.codes(lengths: [3, 3, 3, 3, 3, 2, 4, 4])
        #expect(codes == [0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111])
    }

    @Test(arguments: [
        ("uniform", [Int](repeating: 5, count: 19)),
        ("skewed", [1000, 1, 1, 1, 200, 0, 0, 3]),
        ("one symbol", [0, 0, 7, 0]),
        ("none", [0, 0, 0]),
        ("Fibonacci (unlimited depth 24)", { var f = [1, 1]; while f.count < 25 { f.append(f[f.count - 1] + f[f.count - 2]) }; return f }()),
    ])
    func lengthsFormACompleteCodeWithinTheLimit(name: String, frequencies: [Int]) {
        for limit in [7, 15] {
            let lengths = HuffmanCode.lengths(frequencies: frequencies, limit: limit)
            #expect(lengths.allSatisfy { $0 <= limit }, "\(name): \(lengths)")
            #expect(lengths.filter { $0 > 0 }.count >= 2, "\(name): at least two codes")
            #expect(Self.kraft(lengths, limit: limit) == 1 << limit, "\(name) limit \(limit): \(lengths)")
            for (a, b) in zip(frequencies.indices, frequencies.indices.dropFirst()) where frequencies[a] > 0 && frequencies[b] > 0 {
                if frequencies[a] > frequencies[b] { #expect(lengths[a] <= lengths[b], "\(name): more frequent, longer code") }
            }
        }
    }

    @Test func largeInputsUseDynamicBlocksAndShrink() throws {
        var text: [UInt8] = []
        for i in 0..<3000 { text += Array("step \(i) loss \(i % 17).\(i % 7)\n".utf8) }
        let compressed = Deflate.compress(text)
        let inflated = try Inflate.rawCountingBlocks(compressed)
        #expect(inflated.bytes == text)
        #expect(inflated.blockTypes[2] >= 1, "block types \(inflated.blockTypes)")
        #expect(compressed.count < text.count / 4)
    }
}
