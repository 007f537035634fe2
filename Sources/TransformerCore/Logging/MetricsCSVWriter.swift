import Foundation

/// Writes scalars to a CSV file, one row per (step, tag), for spreadsheets, pandas and plotting scripts.
///
/// Long ("tidy") format, chosen so a new tag never changes the columns and a resumed run can append:
///
///     step,wall_time,tag,value
///     100,1712345678.25,train/loss,2.3125
///     100,1712345678.25,train/learning_rate,0.0007
///
/// step is an integer; wall_time seconds since 1970; value a Float in Swift's shortest round-trip form
/// ("nan", "inf" and "-inf" for non-finite values, which pandas reads). Fields are quoted as RFC 4180
/// says (a field with a comma, double quote, CR or LF is enclosed in double quotes, inner quotes
/// doubled); lines end with LF, which RFC 4180 readers (Python's csv, pandas, spreadsheets) accept.
///
/// An existing file is appended to (after checking its header), so restarting training continues it.
/// The rows of each call reach the file before the call returns (one write(2) per call).
public final class MetricsCSVWriter {
    /// The header row's columns.
    public static let columns = ["step", "wall_time", "tag", "value"]
    /// The file name used in a log directory.
    public static let defaultFileName = "metrics.csv"

    /// The file being written.
    public var path: String { file.path }
    private let file: LogFile
    private let clock: () -> Double

    /// Opens `path` for appending, writing the header if the file is new or empty.
    /// Throws `unexpectedHeader` if the file starts with another header.
    public init(path: String, clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws(LogFileError) {
        let header = Self.row(Self.columns)
        let existing = Self.inspect(path)
        if let firstLine = existing.firstLine, firstLine != header.dropLast() {
            throw LogFileError(path: path, problem: .unexpectedHeader(expected: String(header.dropLast()), found: firstLine))
        }
        file = try LogFile(path: path, mode: .append)
        self.clock = clock
        if existing.firstLine == nil {
            try file.append(header.utf8)
        } else if !existing.endsWithNewline {
            try file.append("\n".utf8)   // a row cut short by a crash: start the next row on its own line
        }
        try file.flush()
    }

    /// `<logDirectory>/metrics.csv`, creating the directory (with intermediate directories) if needed.
    public convenience init(logDirectory: String, clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws(LogFileError) {
        try LogFile.prepareDirectory(logDirectory)
        let separator = logDirectory.hasSuffix("/") ? "" : "/"
        try self.init(path: logDirectory + separator + Self.defaultFileName, clock: clock)
    }

    /// Appends one row per scalar and flushes.
    /// - Parameter wallTime: seconds since 1970; the clock's time when nil.
    public func addScalars(_ scalars: [(tag: String, value: Float)], step: Int, wallTime: Double? = nil) throws(LogFileError) {
        let time = String(wallTime ?? clock())
        let rows = scalars.map { Self.row([String(step), time, $0.tag, String($0.value)]) }
        try file.append(rows.joined().utf8)
        try file.flush()
    }

    /// Logs one scalar.
    public func addScalar(tag: String, value: Float, step: Int, wallTime: Double? = nil) throws(LogFileError) {
        try addScalars([(tag, value)], step: step, wallTime: wallTime)
    }

    public func flush() throws(LogFileError) {
        try file.flush()
    }

    /// Flushes and closes the file; later calls do nothing, later writes throw.
    public func close() throws(LogFileError) {
        try file.close()
    }

    /// One field, quoted if it holds a comma, double quote, CR or LF (RFC 4180 §2.6-2.7).
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Fields joined by commas, ending with LF.
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    /// The first line of an existing non-empty file (without its line ending) and whether the file ends
    /// with a newline; (nil, true) for a missing or empty file.
    private static func inspect(_ path: String) -> (firstLine: String?, endsWithNewline: Bool) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return (nil, true) }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 4096)) ?? Data()
        guard !start.isEmpty else { return (nil, true) }
        let firstLine = String(decoding: start.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        var endsWithNewline = true
        if let end = try? handle.seekToEnd(), end > 0 {
            try? handle.seek(toOffset: end - 1)
            endsWithNewline = (try? handle.read(upToCount: 1))?.first == UInt8(ascii: "\n")
        }
        return (firstLine.hasSuffix("\r") ? String(firstLine.dropLast()) : firstLine, endsWithNewline)
    }
}
