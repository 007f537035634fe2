import Testing
@testable import TransformerCore

@Suite struct ChecksumTests {
    /// CRC-32/ISO-HDLC check values (CRC catalogue; zlib's crc32()).
    @Test(arguments: [
        ("123456789", Array("123456789".utf8), UInt32(0xCBF4_3926)),
        ("empty", [], 0),
        ("a", Array("a".utf8), 0xE8B7_BE43),
        ("fox", Array("The quick brown fox jumps over the lazy dog".utf8), 0x414F_A339),
        ("IEND", Array("IEND".utf8), 0xAE42_6082),
    ] as [(String, [UInt8], UInt32)])
    func crc32CheckValues(name: String, input: [UInt8], expected: UInt32) {
        #expect(CRC32.checksum(input) == expected, "\(name)")
        #expect(CRC32.referenceChecksum(input) == expected, "\(name) (bitwise)")
    }

    @Test func crc32IsNotCastagnoli() {
        #expect(CRC32.checksum(Array("123456789".utf8)) != CRC32C.checksum(Array("123456789".utf8)))
    }

    @Test func crc32TableAgreesWithBitwiseAndContinues() {
        let data = (0..<500).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 11) }
        for end in stride(from: 0, through: data.count, by: 37) {
            #expect(CRC32.checksum(data[..<end]) == CRC32.referenceChecksum(data[..<end]))
        }
        #expect(CRC32.update(CRC32.checksum(data[..<123]), with: data[123...]) == CRC32.checksum(data))
    }

    /// Adler-32 check values (RFC 1950; zlib's adler32()).
    @Test(arguments: [
        ("empty", [], UInt32(1)),
        ("a", Array("a".utf8), 0x0062_0062),
        ("abc", Array("abc".utf8), 0x024D_0127),
        ("Wikipedia", Array("Wikipedia".utf8), 0x11E6_0398),
        ("123456789", Array("123456789".utf8), 0x091E_01DE),
    ] as [(String, [UInt8], UInt32)])
    func adler32CheckValues(name: String, input: [UInt8], expected: UInt32) {
        #expect(Adler32.checksum(input) == expected, "\(name)")
    }

    /// Long input crosses the deferred-modulo runs (5552 bytes) and the 65521 wrap many times.
    @Test func adler32MatchesTheDefinitionOnLongInput() {
        let data = [UInt8](repeating: 0xFF, count: 20_000) + (0..<7_000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        #expect(Adler32.checksum(data) == b << 16 | a)
    }
}
