/// The parts CRC-32 (PNG, ``CRC32``) and CRC-32C (TFRecord, ``CRC32C``) share: both are reflected
/// 32-bit CRCs with initial value and final XOR 0xFFFFFFFF, and differ only in their polynomial.
enum ReflectedCRC {
    /// table[b]: the register after feeding byte b into a zero register (the byte-at-a-time table).
    static func byteTable(polynomial: UInt32) -> [UInt32] {
        (0..<256).map { byte in
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : polynomial) }
            return crc
        }
    }

    /// The definition, one bit at a time: the oracle the table-driven versions are tested against.
    static func bitwise(_ bytes: some Sequence<UInt8>, polynomial: UInt32) -> UInt32 {
        var register: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            register ^= UInt32(byte)
            for _ in 0..<8 { register = (register >> 1) ^ (register & 1 == 0 ? 0 : polynomial) }
        }
        return ~register
    }
}
