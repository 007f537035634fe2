import Testing
@testable import TransformerCore

@Suite struct DeflateTests {
    /// A fixed pseudo-random byte sequence (xorshift), incompressible.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    static let inputs: [(String, [UInt8])] = [
        ("empty", []),
        ("one byte", [42]),
        ("two bytes", [1, 2]),
        ("text", Array("abracadabra abracadabra, the cat sat on the mat; the cat sat on the hat".utf8)),
        ("a run of 1000", [UInt8](repeating: 7, count: 1000)),
        ("all byte values twice", (0..<512).map { UInt8($0 & 0xFF) }),
        ("noise 3000", noise(3000, seed: 1)),
        ("period 300 over 70000 (crosses blocks)", (0..<70_000).map { UInt8(truncatingIfNeeded: ($0 % 300) * 7) }),
        ("noise then its repeat", { let n = noise(2000, seed: 9); return n + n + n }()),
    ]

    @Test(arguments: inputs)
    func roundTripsThroughTheInflater(name: String, input: [UInt8]) throws {
        let compressed = Deflate.compress(input)
        let (output, consumed, _) = try Inflate.rawCountingBlocks(compressed)
        #expect(output == input, "\(name)")
        #expect(consumed == compressed.count, "\(name): trailing bytes")
    }

    @Test func repetitiveDataCompressesAndNoiseFallsBackToStoredBlocks() throws {
        let run = [UInt8](repeating: 200, count: 10_000)
        #expect(Deflate.compress(run).count < 100)
        let noise = Self.noise(20_000, seed: 3)
        let compressed = Deflate.compress(noise)
        #expect(compressed.count <= noise.count + 16, "noise grew to \(compressed.count)")
        #expect(try Inflate.rawCountingBlocks(compressed).blockTypes == [1, 0, 0])
        #expect(try Inflate.rawCountingBlocks(Deflate.compress(Array("hello hello hello".utf8))).blockTypes == [0, 1, 0])
    }

    @Test func zlibStreamHasHeaderAndAdlerTrailer() throws {
        let input = Array("zlib stream, zlib stream, zlib stream".utf8)
        let stream = Deflate.zlib(input)
        #expect(stream[0] == 0x78)   // deflate, 32 KiB window
        #expect((Int(stream[0]) * 256 + Int(stream[1])) % 31 == 0)
        #expect(stream[1] & 0x20 == 0)   // no preset dictionary
        let adler = Adler32.checksum(input)
        #expect(Array(stream.suffix(4)) == [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)])
        #expect(try Inflate.zlib(stream) == input)
    }

    @Test func lengthAndDistanceCodesFollowTheRFCTables() {
        #expect(Deflate.lengthCodeIndex(3) == 0 && Deflate.lengthCodeIndex(10) == 7 && Deflate.lengthCodeIndex(11) == 8)
        #expect(Deflate.lengthCodeIndex(12) == 8 && Deflate.lengthCodeIndex(257) == 27 && Deflate.lengthCodeIndex(258) == 28)
        #expect(Deflate.distanceCode(1) == 0 && Deflate.distanceCode(5) == 4 && Deflate.distanceCode(6) == 4)
        #expect(Deflate.distanceCode(24577) == 29 && Deflate.distanceCode(32768) == 29 && Deflate.distanceCode(24576) == 28)
    }
}
