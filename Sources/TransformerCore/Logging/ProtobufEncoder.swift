/// The protocol buffers wire format, the few pieces TensorBoard events need, written by hand
/// (https://protobuf.dev/programming-guides/encoding/).
///
/// A message is a sequence of fields, each a key then a payload. key = (field_number << 3) | wire_type:
///
///     wire type 0  varint            int32, int64, uint64, bool, enum: 7 bits a byte, low groups first,
///                                    high bit set on every byte but the last; negative int64 takes 10 bytes
///     wire type 1  fixed64 (I64)     double: 8 bytes little-endian
///     wire type 2  length-delimited  string, bytes, embedded message: varint byte count, then the bytes
///     wire type 5  fixed32 (I32)     float: 4 bytes little-endian
///
/// `repeated` fields of messages are simply the same field written again.
enum WireType: UInt8 {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
}

/// Appends fields to a message's bytes, in the order they are called (fields are conventionally
/// written in field-number order, as protobuf's own serializers do).
struct ProtobufEncoder {
    private(set) var bytes: [UInt8] = []

    mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func appendKey(_ field: Int, _ wireType: WireType) {
        appendVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// int64 (wire type 0); negative values as their 64-bit two's complement.
    mutating func appendInt64(_ field: Int, _ value: Int64) {
        appendKey(field, .varint)
        appendVarint(UInt64(bitPattern: value))
    }

    /// double (wire type 1).
    mutating func appendDouble(_ field: Int, _ value: Double) {
        appendKey(field, .fixed64)
        bytes += littleEndianBytes(value.bitPattern)
    }

    /// float (wire type 5).
    mutating func appendFloat(_ field: Int, _ value: Float) {
        appendKey(field, .fixed32)
        bytes += littleEndianBytes(value.bitPattern)
    }

    /// bytes, or an embedded message's serialization (wire type 2).
    mutating func appendBytes(_ field: Int, _ value: [UInt8]) {
        appendKey(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes += value
    }

    /// string (wire type 2), UTF-8.
    mutating func appendString(_ field: Int, _ value: String) {
        appendBytes(field, Array(value.utf8))
    }
}
