/// CRC-32C (Castagnoli), the checksum TFRecord files carry, and TFRecord's masking of it.
///
/// Parameters (the "CRC-32/ISCSI" of the CRC catalogue): polynomial 0x1EDC6F41, used here in its
/// reflected form 0x82F63B78 (bits are processed least significant first); initial value 0xFFFFFFFF;
/// final XOR 0xFFFFFFFF. Check value: CRC32C("123456789") = 0xE3069283.
///
/// Computed slice-by-8: eight 256-entry tables let the loop consume 8 bytes per step, where table k
/// gives the CRC of a byte followed by k zero bytes. `tables[0]` alone is the classic byte-at-a-time
/// table, and `referenceChecksum` is the bit-at-a-time definition kept as the test oracle.
///
/// TFRecord stores `mask(crc)` = rotate-right-15(crc) + 0xA282EAD8 (mod 2^32) rather than the CRC
/// itself, because the CRC of a string that contains its own CRC is poorly distributed.
public enum CRC32C {
    /// The reflected Castagnoli polynomial.
    public static let polynomial: UInt32 = 0x82F6_3B78
    /// The constant TFRecord adds when masking.
    public static let maskDelta: UInt32 = 0xA282_EAD8

    /// tables[k][b]: the CRC register after feeding byte b and then k zero bytes, flattened as
    /// `k * 256 + b` so the hot loop indexes one buffer.
    static let tables: [UInt32] = {
        var table = ReflectedCRC.byteTable(polynomial: polynomial) + [UInt32](repeating: 0, count: 7 * 256)
        for k in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(k - 1) * 256 + byte]
                table[k * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    /// CRC-32C of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        update(0, with: bytes)
    }

    /// Continues a checksum: `update(checksum(a), with: b) == checksum(a + b)`.
    public static func update(_ crc: UInt32, with bytes: some Collection<UInt8>) -> UInt32 {
        let result = bytes.withContiguousStorageIfAvailable { update(crc, buffer: UnsafeRawBufferPointer($0)) }
        return result ?? Array(bytes).withUnsafeBytes { update(crc, buffer: $0) }
    }

    /// The slice-by-8 loop over raw memory.
    static func update(_ crc: UInt32, buffer: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { t in
            var register = ~crc
            var index = 0
            let count = buffer.count
            while count - index >= 8 {
                // Fold the first four bytes into the register, then look all eight up at once.
                let low = register ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
                    | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
                register = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(buffer[index + 4])] ^ t[2 * 256 + Int(buffer[index + 5])]
                    ^ t[1 * 256 + Int(buffer[index + 6])] ^ t[Int(buffer[index + 7])]
                index += 8
            }
            while index < count {
                register = (register >> 8) ^ t[Int((register ^ UInt32(buffer[index])) & 0xFF)]
                index += 1
            }
            return ~register
        }
    }

    /// The definition, one bit at a time: the oracle the table-driven version is tested against.
    static func referenceChecksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        ReflectedCRC.bitwise(bytes, polynomial: polynomial)
    }

    /// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xA282EAD8, wrapping.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// Inverse of ``mask(_:)``.
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- maskDelta
        return (rotated >> 17) | (rotated << 15)
    }

    /// `mask(checksum(bytes))`, the value a TFRecord stores.
    public static func maskedChecksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        mask(checksum(bytes))
    }
}
