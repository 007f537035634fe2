/// Writes TFRecord files: the framing of TensorBoard event files (and of TensorFlow datasets).
///
/// Each record is
///
///     u64  length           little-endian, the byte count of `data`
///     u32  masked_crc32c(length's 8 bytes)
///     u8   data[length]
///     u32  masked_crc32c(data)
///
/// where masked_crc32c is ``CRC32C/maskedChecksum(_:)``; every integer is little-endian. There is no file
/// header or footer: a file is records back to back, so a file cut short by a crash loses only its
/// last, partial record (``TFRecordReader`` reports it as truncated).
///
/// Records are queued in memory and reach the file on ``flush()`` (or ``close()``).
public final class TFRecordWriter {
    /// The file being written.
    public var path: String { file.path }
    private let file: LogFile

    /// Creates `path`, which must not exist yet (two writers never share a file).
    public init(creatingFileAt path: String) throws(LogFileError) {
        file = try LogFile(path: path, mode: .createNew)
    }

    /// The framed bytes of one record: length, its masked CRC, data, the data's masked CRC.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(data.count + 16)
        let length = littleEndianBytes(UInt64(data.count))
        record += length
        record += littleEndianBytes(CRC32C.maskedChecksum(length))
        record += data
        record += littleEndianBytes(CRC32C.maskedChecksum(data))
        return record
    }

    /// Queues one record.
    public func write(_ data: [UInt8]) throws(LogFileError) {
        try file.append(Self.frame(data))
    }

    /// Hands every queued record to the operating system.
    public func flush() throws(LogFileError) {
        try file.flush()
    }

    /// Flushes and closes the file; later calls do nothing, later writes throw.
    public func close() throws(LogFileError) {
        try file.close()
    }
}

/// The little-endian bytes of an unsigned integer.
func littleEndianBytes<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> [UInt8] {
    (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}
