import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes scalars where `tensorboard --logdir` finds them: an event file in a log directory.
///
/// The file is `<logDirectory>/events.out.tfevents.<unix seconds, 10 digits>.<hostname>.<pid>` (with
/// `.1`, `.2`, ... appended if that name is taken): TensorBoard loads any file whose name contains
/// "tfevents", in name order. It is a TFRecord file (``TFRecordWriter``) of ``TensorBoardEvent``s:
/// first `Event{wall_time, file_version: "brain.Event:2"}`, then one
/// `Event{wall_time, step, summary: {value: [{tag, simple_value}, ...]}}` per call to ``addScalars(_:step:wallTime:)``.
///
/// Events reach the file every `flushInterval` events (1: after each one) and on ``flush()`` / ``close()``,
/// so a crash loses at most the last `flushInterval - 1` events and never corrupts earlier ones.
///
/// ```swift
/// let writer = try TensorBoardWriter(logDirectory: "runs/base")
/// try writer.addScalar(tag: "train/loss", value: 2.31, step: 100)
/// try writer.close()
/// ```
public final class TensorBoardWriter {
    /// The directory given (created if missing).
    public let logDirectory: String
    /// The event file's full path.
    public var path: String { records.path }
    /// Events between automatic flushes.
    public let flushInterval: Int
    private let records: TFRecordWriter
    private let clock: () -> Double
    private var unflushedEventCount = 0

    /// Creates `logDirectory` (with intermediate directories) and a new event file in it, and writes the
    /// file-version event.
    /// - Parameters:
    ///   - flushInterval: events between flushes, at least 1.
    ///   - clock: seconds since 1970 for wall times and the file name; injectable for tests.
    public init(logDirectory: String, flushInterval: Int = 1,
                clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws(LogFileError) {
        precondition(flushInterval >= 1, "TensorBoardWriter flushInterval must be at least 1, got \(flushInterval)")
        try LogFile.prepareDirectory(logDirectory)
        self.logDirectory = logDirectory
        self.flushInterval = flushInterval
        self.clock = clock
        let now = clock()
        let base = Self.fileName(unixSeconds: Int(now), hostname: Self.hostname(), processID: Int(getpid()))
        records = try Self.createEventFile(in: logDirectory, baseName: base)
        try records.write(TensorBoardEvent(wallTime: now, content: .fileVersion(TensorBoardEvent.currentFileVersion)).serialized())
        try records.flush()
    }

    /// `events.out.tfevents.<seconds, zero-padded to 10 digits>.<hostname>.<pid>`, as TensorFlow and
    /// PyTorch name theirs (the padding keeps name order equal to time order).
    public static func fileName(unixSeconds: Int, hostname: String, processID: Int) -> String {
        let seconds = String(unixSeconds)
        let padded = String(repeating: "0", count: max(0, 10 - seconds.count)) + seconds
        let host = hostname.isEmpty ? "localhost" : hostname.replacingOccurrences(of: "/", with: "_")
        return "events.out.tfevents.\(padded).\(host).\(processID)"
    }

    /// Creates `baseName`, or `baseName.1`, `.2`, ... when taken (O_EXCL, so concurrent writers never share).
    private static func createEventFile(in directory: String, baseName: String) throws(LogFileError) -> TFRecordWriter {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        var attempt = 0
        while true {
            do {
                return try TFRecordWriter(creatingFileAt: prefix + (attempt == 0 ? baseName : "\(baseName).\(attempt)"))
            } catch where error.problem == .alreadyExists && attempt < 1000 {
                attempt += 1
            }
        }
    }

    /// This machine's name (gethostname), or "localhost".
    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Logs one scalar: its own event.
    public func addScalar(tag: String, value: Float, step: Int, wallTime: Double? = nil) throws(LogFileError) {
        try addScalars([(tag, value)], step: step, wallTime: wallTime)
    }

    /// Logs several scalars of one step in one event (as one `Summary` with a value per tag).
    /// - Parameter wallTime: seconds since 1970; the clock's time when nil.
    public func addScalars(_ scalars: [(tag: String, value: Float)], step: Int, wallTime: Double? = nil) throws(LogFileError) {
        let values = scalars.map { TensorBoardEvent.Scalar(tag: $0.tag, value: $0.value) }
        try write(TensorBoardEvent(wallTime: wallTime ?? clock(), step: Int64(step), content: .scalars(values)))
    }

    /// Appends any event, flushing every `flushInterval` events.
    public func write(_ event: TensorBoardEvent) throws(LogFileError) {
        try records.write(event.serialized())
        unflushedEventCount += 1
        if unflushedEventCount >= flushInterval { try flush() }
    }

    /// Hands every written event to the operating system.
    public func flush() throws(LogFileError) {
        try records.flush()
        unflushedEventCount = 0
    }

    /// Flushes and closes the file; later calls do nothing, later writes throw.
    public func close() throws(LogFileError) {
        try records.close()
    }
}
