/// CRC-32 (IEEE 802.3), the checksum of every PNG chunk (and of zip, gzip, Ethernet).
///
/// Parameters ("CRC-32/ISO-HDLC" in the CRC catalogue): polynomial 0x04C11DB7, processed least
/// significant bit first, i.e. the reflected form 0xEDB88320; initial value 0xFFFFFFFF; final XOR
/// 0xFFFFFFFF. Check value: CRC32("123456789") = 0xCBF43926. Not to be confused with ``CRC32C``
/// (Castagnoli polynomial, used by TFRecord), which has a different polynomial and check value.
///
/// Byte-at-a-time with a 256-entry table (table[b] is the register after feeding byte b into zero);
/// `referenceChecksum` is the bit-at-a-time definition, kept as the test oracle.
public enum CRC32 {
    /// The reflected IEEE polynomial.
    public static let polynomial: UInt32 = 0xEDB8_8320

    static let table: [UInt32] = ReflectedCRC.byteTable(polynomial: polynomial)

    /// CRC-32 of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        update(0, with: bytes)
    }

    /// Continues a checksum: `update(checksum(a), with: b) == checksum(a + b)`.
    public static func update(_ crc: UInt32, with bytes: some Sequence<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var register = ~crc
            for byte in bytes {
                register = (register >> 8) ^ table[Int((register ^ UInt32(byte)) & 0xFF)]
            }
            return ~register
        }
    }

    /// The definition, one bit at a time.
    static func referenceChecksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        ReflectedCRC.bitwise(bytes, polynomial: polynomial)
    }
}
