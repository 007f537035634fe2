/// Packs bit fields into bytes least significant bit first, as DEFLATE (RFC 1951 section 3.1.1)
/// requires: data elements go in LSB-first; Huffman codes, which are defined MSB-first, are written
/// bit-reversed (``writeCode(_:length:)``).
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var bitCount = 0

    /// Appends the low `count` bits of `value` (count <= 32), least significant first.
    mutating func write(_ value: UInt32, bits count: Int) {
        buffer |= UInt64(value & (count == 32 ? .max : (1 << UInt32(count)) - 1)) << UInt64(bitCount)
        bitCount += count
        while bitCount >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            bitCount -= 8
        }
    }

    /// Appends a Huffman code of `length` bits, most significant bit first.
    mutating func writeCode(_ code: UInt32, length: Int) {
        var reversed: UInt32 = 0
        for bit in 0..<length { reversed |= ((code >> UInt32(bit)) & 1) << UInt32(length - 1 - bit) }
        write(reversed, bits: length)
    }

    /// Pads with zero bits to the next byte boundary.
    mutating func alignToByte() {
        if bitCount > 0 { write(0, bits: 8 - bitCount) }
    }

    /// Appends whole bytes (only at a byte boundary).
    mutating func append(contentsOf data: ArraySlice<UInt8>) {
        precondition(bitCount == 0, "raw bytes must start on a byte boundary")
        bytes.append(contentsOf: data)
    }

    /// Number of bits written so far.
    var bitPosition: Int { bytes.count * 8 + bitCount }

    /// The bytes, with the last partial byte zero-padded.
    mutating func finish() -> [UInt8] {
        alignToByte()
        return bytes
    }
}
