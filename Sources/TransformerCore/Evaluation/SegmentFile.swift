import Foundation

/// A plain-text file of segments, one a line: the hypothesis or reference file a metric reads, as
/// sacreBLEU reads it (`sacrebleu REF < HYP`).
///
/// The file is UTF-8; lines end in `\n`, and one `\r` before it is dropped (CRLF files); a final line
/// without `\n` counts, a final `\n` does not start an empty segment. Nothing else is changed: an empty
/// line is an empty segment (a blank output still has to be scored), and spaces are kept (the metrics
/// strip what they strip). Refused with a ``SegmentFileError`` naming the file: missing, a directory,
/// unreadable, larger than ``byteLimit``, binary (a NUL byte), or invalid UTF-8 (with its line).
public enum SegmentFile {
    /// The largest file accepted: 1 GiB, as ``PairFile``.
    public static let byteLimit = 1 << 30

    /// The segments of the file at `path` (`path` is also its name in errors).
    public static func read(_ path: String, byteLimit: Int = SegmentFile.byteLimit) throws(SegmentFileError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SegmentFileError(file: path, reason: .fileNotFound)
        }
        if isDirectory.boolValue { throw SegmentFileError(file: path, reason: .notAFile) }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: byteLimit + 1) ?? Data()
        } catch {
            throw SegmentFileError(file: path, reason: .unreadable(String(describing: error.localizedDescription)))
        }
        if data.count > byteLimit { throw SegmentFileError(file: path, reason: .fileTooLarge(limit: byteLimit)) }
        return try segments(Array(data), file: path)
    }

    /// The segments of `bytes`, checked as the content of a file called `file`.
    public static func segments(_ bytes: [UInt8], file: String) throws(SegmentFileError) -> [String] {
        if let nul = bytes.firstIndex(of: 0) { throw SegmentFileError(file: file, reason: .binary(offset: nul)) }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var segments: [String] = []
        segments.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            let content = line.last == 0x0D ? line.dropLast() : line
            guard let text = String(validating: content, as: UTF8.self) else {
                throw SegmentFileError(file: file, reason: .invalidUTF8(line: index + 1))
            }
            segments.append(text)
        }
        return segments
    }
}

/// Why a segment file cannot be read, with the file's name: one line for the user.
public struct SegmentFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case fileNotFound
        case notAFile
        case unreadable(String)
        case fileTooLarge(limit: Int)
        /// A NUL byte at this 0-based offset: not a text file.
        case binary(offset: Int)
        /// The 1-based line that is not valid UTF-8.
        case invalidUTF8(line: Int)
    }

    public let file: String
    public let reason: Reason

    public init(file: String, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    /// True when the file is not there to read (missing, a directory, unreadable), as opposed to bad content.
    public var isMissing: Bool {
        switch reason {
        case .fileNotFound, .notAFile, .unreadable: true
        default: false
        }
    }

    public var description: String {
        let what: String
        switch reason {
        case .fileNotFound: what = "not found; expected a text file with one segment a line"
        case .notAFile: what = "is a directory; expected a text file with one segment a line"
        case .unreadable(let why): what = "cannot be read: \(why)"
        case .fileTooLarge(let limit): what = "is larger than \(limit) bytes; expected a text file of segments"
        case .binary(let offset): what = "has a NUL byte at offset \(offset); expected UTF-8 text, found a binary file"
        case .invalidUTF8(let line): what = "line \(line): expected UTF-8 text, found invalid bytes"
        }
        return "\(file): \(what)"
    }
}
