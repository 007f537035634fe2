import Foundation

/// Reads a `metrics.csv` written by ``MetricsCSVWriter`` back into one series per tag, for plotting.
///
/// The file must start with the header `step,wall_time,tag,value`; every later record needs 4 fields:
/// an integer step, a number wall time, any tag, and a Float value (`nan`, `inf`, `-inf` accepted).
/// Fields may be quoted as RFC 4180 says (as the writer quotes them); lines may end in LF or CRLF; empty
/// lines are ignored.
///
/// A resumed run appends to the same file, and may log a step again (steps logged after the checkpoint
/// it resumed from, before the stop): for each tag the **last** row of a step wins, since it belongs to
/// the run that went on, and each series is returned sorted by step.
///
/// A row cut short by a crash is a malformed row. By default the first malformed row throws a
/// ``MetricsCSVError`` naming `file:line`; with `skipMalformedRows` such rows are left out and listed in
/// ``MetricsLog/skipped`` (a bad header always throws).
///
/// ```swift
/// let log = try MetricsCSVReader.read(path: "runs/pig-small/metrics.csv")
/// for point in log.series["val/loss"] ?? [] { print(point.step, point.value) }
/// ```
public enum MetricsCSVReader {
    /// Reads and parses the file at `path` (as given, for messages).
    public static func read(path: String, skipMalformedRows: Bool = false) throws(MetricsCSVError) -> MetricsLog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MetricsCSVError(file: path, line: nil, problem: .missing)
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw MetricsCSVError(file: path, line: nil, problem: .unreadable)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MetricsCSVError(file: path, line: nil, problem: .malformed("expected UTF-8 text, found invalid bytes"))
        }
        return try parse(text, file: path, skipMalformedRows: skipMalformedRows)
    }

    /// Parses the contents of a metrics file; `file` names it in errors.
    public static func parse(_ text: String, file: String, skipMalformedRows: Bool = false) throws(MetricsCSVError) -> MetricsLog {
        let records = CSVRecords.split(text)
        guard let header = records.first else {
            throw MetricsCSVError(file: file, line: 1, problem: .malformed("expected the header \"step,wall_time,tag,value\", found an empty file"))
        }
        guard header.fields == MetricsCSVWriter.columns else {
            throw MetricsCSVError(file: file, line: header.line, problem: .malformed(
                "expected the header \"step,wall_time,tag,value\", found \"\(header.fields.joined(separator: ","))\""))
        }
        var latest: [String: [Int: Float]] = [:]   // tag -> step -> last value
        var order: [String] = []                   // tags in order of first appearance
        var skipped: [MetricsCSVError] = []
        for record in records.dropFirst() {
            do throws(MetricsCSVError) {
                let (step, tag, value) = try row(record, file: file)
                if latest[tag] == nil { order.append(tag) }
                latest[tag, default: [:]][step] = value
            } catch {
                if !skipMalformedRows { throw error }
                skipped.append(error)
            }
        }
        var series: [String: [MetricsLog.Point]] = [:]
        for (tag, values) in latest {
            series[tag] = values.sorted { $0.key < $1.key }.map { MetricsLog.Point(step: $0.key, value: $0.value) }
        }
        return MetricsLog(series: series, tags: order, skipped: skipped)
    }

    /// One data record as (step, tag, value).
    static func row(_ record: CSVRecords.Record, file: String) throws(MetricsCSVError) -> (Int, String, Float) {
        func fail(_ message: String) -> MetricsCSVError {
            MetricsCSVError(file: file, line: record.line, problem: .malformed(message))
        }
        let fields = record.fields
        guard fields.count == 4 else {
            throw fail("expected 4 fields (step,wall_time,tag,value), found \(fields.count)")
        }
        guard let step = Int(fields[0]) else { throw fail("expected an integer step, found \"\(fields[0])\"") }
        guard Double(fields[1]) != nil else { throw fail("expected a number wall_time, found \"\(fields[1])\"") }
        guard let value = Float(fields[3]) else {
            throw fail("expected a number value for \(fields[2]), found \"\(fields[3])\"")
        }
        return (step, fields[2], value)
    }
}

/// The series of a metrics file, by tag.
public struct MetricsLog: Equatable, Sendable {
    /// One logged value.
    public struct Point: Equatable, Sendable {
        public let step: Int
        public let value: Float

        public init(step: Int, value: Float) {
            self.step = step
            self.value = value
        }
    }

    /// Each tag's points, sorted by step, one per step (the last logged).
    public let series: [String: [Point]]
    /// The tags in order of first appearance in the file.
    public let tags: [String]
    /// Malformed rows left out (only with `skipMalformedRows`), in file order.
    public let skipped: [MetricsCSVError]
}

/// A metrics file that cannot be read or parsed, as one line: `runs/x/metrics.csv:12: expected ...`.
public struct MetricsCSVError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        /// No file at the path.
        case missing
        /// A directory, or no permission to read.
        case unreadable
        /// The contents: what was expected and what was found.
        case malformed(String)
    }

    public let file: String
    /// 1-based line where the bad record starts; nil for problems with the whole file.
    public let line: Int?
    public let problem: Problem

    public init(file: String, line: Int?, problem: Problem) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        switch problem {
        case .missing: return "\(place): no such file; expected the metrics.csv that train writes in its --logdir"
        case .unreadable: return "\(place): cannot be read (a directory, or no permission)"
        case .malformed(let message): return "\(place): \(message)"
        }
    }
}
