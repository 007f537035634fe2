import Foundation
import Testing
@testable import TransformerCore

@Suite struct CRC32CTests {
    /// Check values from the CRC catalogue and RFC 3720 (iSCSI) appendix B.4.
    @Test(arguments: [
        ("123456789", Array("123456789".utf8), UInt32(0xE306_9283)),
        ("empty", [], 0x0000_0000),
        ("a", Array("a".utf8), 0xC1D0_4330),
        ("32 zero bytes", [UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ("32 0xFF bytes", [UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ("32 ascending bytes", (0..<32).map { UInt8($0) }, 0x46DD_794E),
        ("32 descending bytes", (0..<32).reversed().map { UInt8($0) }, 0x113F_DB5C),
        ("iSCSI read command PDU", LogFixtures.bytes(hex: """
            01 c0 00 00 00 00 00 00 00 00 00 00 00 00 00 00 14 00 00 00 00 00 04 00
            00 00 00 14 00 00 00 18 28 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
            """), 0xD996_3A56),
    ] as [(String, [UInt8], UInt32)])
    func standardVectors(name: String, input: [UInt8], expected: UInt32) {
        #expect(CRC32C.checksum(input) == expected, "\(name)")
        #expect(CRC32C.referenceChecksum(input) == expected, "\(name) (bitwise reference)")
    }

    @Test func sliceBy8AgreesWithTheBitwiseDefinitionAtEveryLengthAndAlignment() {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }   // scrambled, fixed
        for start in 0..<9 {
            for end in stride(from: start, through: data.count, by: 7) {
                let slice = data[start..<end]
                #expect(CRC32C.checksum(slice) == CRC32C.referenceChecksum(slice), "bytes \(start)..<\(end)")
            }
        }
    }

    @Test func updateContinuesAChecksum() {
        let text = Array("The quick brown fox jumps over the lazy dog".utf8)
        let whole = CRC32C.checksum(text)
        for split in [0, 1, 8, 20, text.count] {
            #expect(CRC32C.update(CRC32C.checksum(text[..<split]), with: text[split...]) == whole)
        }
        #expect(whole == 0x2262_0404)
    }

    @Test func maskRotatesAndAddsTheTFRecordConstant() {
        // By hand: rotr15(0xE3069283) = 0x2507C60D; + 0xA282EAD8 = 0xC78AB0E5 (TensorBoard's masked_crc32c agrees).
        #expect(CRC32C.mask(0xE306_9283) == 0xC78A_B0E5)
        #expect(CRC32C.maskedChecksum(Array("123456789".utf8)) == 0xC78A_B0E5)
        #expect(CRC32C.mask(0) == CRC32C.maskDelta)
        for crc: UInt32 in [0, 1, 0x8000_0000, 0xFFFF_FFFF, 0xE306_9283, 0x1234_5678] {
            #expect(CRC32C.unmask(CRC32C.mask(crc)) == crc)
        }
    }
}
