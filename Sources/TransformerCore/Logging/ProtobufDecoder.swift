/// Reads the fields of one protobuf message (wire format in ProtobufEncoder.swift), in order.
/// Unknown fields are the caller's to skip: every field is returned with its number.
struct ProtobufDecoder {
    /// One field's payload.
    enum Value: Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited([UInt8])
        case fixed32(UInt32)
    }

    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next (field number, value), or nil at the end of the message.
    mutating func next() throws(ProtobufDecodingError) -> (field: Int, value: Value)? {
        guard offset < bytes.count else { return nil }
        let keyOffset = offset
        let key = try readVarint()
        let field = Int(truncatingIfNeeded: key >> 3)
        guard field > 0 else { throw ProtobufDecodingError(offset: keyOffset, reason: "field number 0") }
        switch key & 7 {
        case 0: return (field, .varint(try readVarint()))
        case 1: return (field, .fixed64(try readLittleEndian(8)))
        case 5: return (field, .fixed32(UInt32(try readLittleEndian(4))))
        case 2:
            let length = try readVarint()
            guard length <= UInt64(bytes.count - offset) else {
                throw ProtobufDecodingError(offset: offset, reason: "length \(length) runs past the end (\(bytes.count - offset) bytes left)")
            }
            defer { offset += Int(length) }
            return (field, .lengthDelimited(Array(bytes[offset..<offset + Int(length)])))
        default:
            throw ProtobufDecodingError(offset: keyOffset, reason: "unsupported wire type \(key & 7)")
        }
    }

    private mutating func readVarint() throws(ProtobufDecodingError) -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard offset < bytes.count else { throw ProtobufDecodingError(offset: offset, reason: "varint runs past the end") }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return result }
        }
        throw ProtobufDecodingError(offset: offset, reason: "varint longer than 10 bytes")
    }

    private mutating func readLittleEndian(_ count: Int) throws(ProtobufDecodingError) -> UInt64 {
        guard bytes.count - offset >= count else {
            throw ProtobufDecodingError(offset: offset, reason: "\(count)-byte field runs past the end")
        }
        defer { offset += count }
        return (0..<count).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << UInt64($1 * 8) }
    }
}

/// Bytes that are not a well-formed protobuf message: what was wrong and at which offset.
public struct ProtobufDecodingError: Error, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "malformed protobuf at byte \(offset): \(reason)" }
}
