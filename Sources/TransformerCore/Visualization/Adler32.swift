/// Adler-32 (RFC 1950 section 8.2), the checksum at the end of a zlib stream.
///
/// a = 1 + sum of the bytes, b = sum of the successive values of a, both mod 65521 (the largest prime
/// below 2^16); the checksum is b << 16 | a. Reductions are deferred over runs of 5552 bytes, the
/// longest run for which b cannot overflow 32 bits. Check value: Adler32("Wikipedia") = 0x11E60398.
public enum Adler32 {
    /// The modulus, 65521.
    public static let modulus: UInt32 = 65521
    /// Bytes that can be summed before b must be reduced.
    static let runLength = 5552

    /// Adler-32 of `bytes` (1 for no bytes).
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let end = min(buffer.count, start + runLength)
                for index in start..<end {
                    a += UInt32(buffer[index])
                    b += a
                }
                a %= modulus
                b %= modulus
                start = end
            }
        }
        return b << 16 | a
    }
}
