import Foundation

/// Something that records scalars by step: ``TensorBoardWriter``, ``MetricsCSVWriter``, or a test double.
public protocol ScalarSink: AnyObject {
    /// Records the scalars of one step at `wallTime` (seconds since 1970; the sink's clock when nil).
    func addScalars(_ scalars: [(tag: String, value: Float)], step: Int, wallTime: Double?) throws(LogFileError)
    func flush() throws(LogFileError)
    func close() throws(LogFileError)
}

extension TensorBoardWriter: ScalarSink {}
extension MetricsCSVWriter: ScalarSink {}

/// The trainer's one call for metrics: fans each step's scalars out to TensorBoard and the CSV.
///
/// ```swift
/// let logger = try TrainingLogger(logDirectory: "runs/base")   // events.out.tfevents.* and metrics.csv
/// try logger.log([("train/loss", loss), ("train/learning_rate", rate)], step: step)
/// try logger.close()
/// ```
/// Tags use TensorBoard's slash convention (`train/loss`, `valid/bleu`): the part before the first
/// slash becomes the chart group.
public final class TrainingLogger {
    public let sinks: [any ScalarSink]
    private let clock: () -> Double

    public init(sinks: [any ScalarSink], clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) {
        self.sinks = sinks
        self.clock = clock
    }

    /// A TensorBoard event file and `metrics.csv` in `logDirectory` (created with intermediate directories).
    public convenience init(logDirectory: String, flushInterval: Int = 1,
                            clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws(LogFileError) {
        let events = try TensorBoardWriter(logDirectory: logDirectory, flushInterval: flushInterval, clock: clock)
        let csv = try MetricsCSVWriter(logDirectory: logDirectory, clock: clock)
        self.init(sinks: [events, csv], clock: clock)
    }

    /// Records the scalars of one step in every sink, with one wall time so the sinks agree.
    public func log(_ scalars: [(tag: String, value: Float)], step: Int, wallTime: Double? = nil) throws(LogFileError) {
        let time = wallTime ?? clock()
        try eachSink { sink throws(LogFileError) in try sink.addScalars(scalars, step: step, wallTime: time) }
    }

    public func flush() throws(LogFileError) {
        try eachSink { sink throws(LogFileError) in try sink.flush() }
    }

    /// Closes every sink (even if one fails), then throws the first failure.
    public func close() throws(LogFileError) {
        try eachSink { sink throws(LogFileError) in try sink.close() }
    }

    /// Runs `body` on every sink, then rethrows the first error, so one failing sink does not starve the others.
    private func eachSink(_ body: (any ScalarSink) throws(LogFileError) -> Void) throws(LogFileError) {
        var firstError: LogFileError?
        for sink in sinks {
            do { try body(sink) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}
