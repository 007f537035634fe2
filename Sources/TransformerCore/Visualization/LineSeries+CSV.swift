/// Line-chart data from a small CSV, for `transformer-cli plot-lines` (a study script's results against a
/// variable: exact match against word length, one series per model).
///
/// The text must start with the header `series,x,y`; every later non-empty line is `name,x,y` with x and y
/// numbers (no quoting: a name holds no comma). Series come in the order of their first line, each one's
/// points in file order. Lines may end in LF or CRLF.
///
/// ```swift
/// let series = try LineSeries.parseCSV("series,x,y\nrope,9,96.5\nrope,10,91\n")   // one series, 2 points
/// ```
extension LineSeries {
    /// A CSV line that is not `name,x,y`: its 1-based line number and the text found.
    public struct CSVError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let found: String

        public var description: String {
            line == 1 ? "line 1: expected the header 'series,x,y', found '\(found)'"
                : "line \(line): expected 'series,x,y' with numbers x and y, found '\(found)'"
        }
    }

    /// The series of `text`; throws the first malformed line. An empty result when there is only the header.
    public static func parseCSV(_ text: String) throws(CSVError) -> [LineSeries] {
        // "\r\n" is one Character in Swift, and a newline: split on newline Characters.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.first == "series,x,y" else { throw CSVError(line: 1, found: lines.first ?? "") }
        var order: [String] = [], points: [String: [LinePoint]] = [:]
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, !fields[0].isEmpty, let x = Double(fields[1]), let y = Double(fields[2]) else {
                throw CSVError(line: index + 1, found: line)
            }
            if points[fields[0]] == nil { order.append(fields[0]) }
            points[fields[0], default: []].append(LinePoint(x: x, y: y))
        }
        return order.map { LineSeries(name: $0, points: points[$0]!) }
    }
}
