import Foundation

/// Reads TFRecord files (framing in ``TFRecordWriter``), verifying both checksums of every record.
///
/// ```swift
/// for record in try TFRecordReader.records(inFileAt: path) { ... }   // [[UInt8]], or a TFRecordError
/// ```
public struct TFRecordReader {
    /// The file the bytes came from, for error messages ("<memory>" otherwise).
    public let path: String
    private let bytes: [UInt8]
    /// Offset of the next record.
    public private(set) var offset = 0
    /// Index of the next record.
    public private(set) var recordIndex = 0

    /// The largest record accepted: a corrupt length must not ask for terabytes.
    public static let maximumRecordLength = 1 << 31

    public init(bytes: [UInt8], path: String = "<memory>") {
        self.bytes = bytes
        self.path = path
    }

    /// Reads a whole file.
    public init(contentsOfFile path: String) throws(TFRecordError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TFRecordError(path: path, recordIndex: 0, offset: 0, problem: .unreadable)
        }
        self.init(bytes: [UInt8](data), path: path)
    }

    /// Every record of the file at `path`.
    public static func records(inFileAt path: String) throws(TFRecordError) -> [[UInt8]] {
        var reader = try TFRecordReader(contentsOfFile: path)
        return try reader.readAll()
    }

    /// The remaining records.
    public mutating func readAll() throws(TFRecordError) -> [[UInt8]] {
        var records: [[UInt8]] = []
        while let record = try next() { records.append(record) }
        return records
    }

    /// The next record's data, or nil at the clean end of the bytes.
    public mutating func next() throws(TFRecordError) -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        func fail(_ problem: TFRecordError.Problem) -> TFRecordError {
            TFRecordError(path: path, recordIndex: recordIndex, offset: offset, problem: problem)
        }
        let available = bytes.count - offset
        guard available >= 12 else { throw fail(.truncatedHeader(available: available)) }
        let lengthBytes = bytes[offset..<offset + 8]
        let storedLengthCRC = readUInt32(at: offset + 8)
        let computedLengthCRC = CRC32C.maskedChecksum(lengthBytes)
        guard storedLengthCRC == computedLengthCRC else {
            throw fail(.lengthChecksumMismatch(stored: storedLengthCRC, computed: computedLengthCRC))
        }
        let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(Self.maximumRecordLength) else { throw fail(.lengthTooLarge(length)) }
        let dataStart = offset + 12, needed = 12 + Int(length) + 4
        guard available >= needed else { throw fail(.truncatedData(length: Int(length), available: available - 12)) }
        let data = Array(bytes[dataStart..<dataStart + Int(length)])
        let storedDataCRC = readUInt32(at: dataStart + Int(length))
        let computedDataCRC = CRC32C.maskedChecksum(data)
        guard storedDataCRC == computedDataCRC else {
            throw fail(.dataChecksumMismatch(stored: storedDataCRC, computed: computedDataCRC))
        }
        offset += needed
        recordIndex += 1
        return data
    }

    private func readUInt32(at position: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[position + $1]) << ($1 * 8) }
    }
}

/// A TFRecord file that is cut short or corrupt: which file, which record, where, and what is wrong.
public struct TFRecordError: Error, Equatable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        /// The file could not be read at all.
        case unreadable
        /// Fewer than the 12 header bytes (length + its CRC) remain.
        case truncatedHeader(available: Int)
        /// The header promises `length` data bytes (+ 4 CRC bytes) but fewer remain.
        case truncatedData(length: Int, available: Int)
        /// The length field does not match its checksum.
        case lengthChecksumMismatch(stored: UInt32, computed: UInt32)
        /// The data does not match its checksum.
        case dataChecksumMismatch(stored: UInt32, computed: UInt32)
        /// A length past ``TFRecordReader/maximumRecordLength`` (that passed its checksum).
        case lengthTooLarge(UInt64)
        /// The record is intact but its payload is not a valid Event protobuf.
        case malformedEvent(String)
    }

    public let path: String
    /// 0-based index of the record at fault.
    public let recordIndex: Int
    /// Byte offset where that record starts.
    public let offset: Int
    public let problem: Problem

    public var description: String {
        let hex = { (value: UInt32) in "0x" + String(value, radix: 16, uppercase: true) }
        let what = switch problem {
        case .unreadable: "cannot read the file"
        case .truncatedHeader(let available): "truncated: 12 header bytes expected, \(available) found (the writer stopped mid-record?)"
        case .truncatedData(let length, let available):
            "truncated: \(length) data bytes + 4 checksum bytes expected, \(available) found (the writer stopped mid-record?)"
        case .lengthChecksumMismatch(let stored, let computed):
            "corrupt length: checksum \(hex(stored)) stored, \(hex(computed)) computed"
        case .dataChecksumMismatch(let stored, let computed):
            "corrupt data: checksum \(hex(stored)) stored, \(hex(computed)) computed"
        case .lengthTooLarge(let length): "length \(length) exceeds \(TFRecordReader.maximumRecordLength) bytes"
        case .malformedEvent(let reason): "not an Event: \(reason)"
        }
        return problem == .unreadable ? "\(path): \(what)" : "\(path): record \(recordIndex) at byte \(offset): \(what)"
    }
}
