/// One example read from a pairs file: the two sides, trimmed, and where they came from.
public struct TextPair: Equatable, Sendable {
    public var source: String
    public var target: String
    /// The 1-based line number in the file.
    public var line: Int

    public init(source: String, target: String, line: Int) {
        self.source = source
        self.target = target
        self.line = line
    }
}

/// One malformed line of a pairs file and why it was rejected.
public struct LineProblem: Equatable, Sendable, CustomStringConvertible {
    /// Which side of the tab.
    public enum Side: String, Sendable {
        case source, target
    }

    /// Why a line was rejected. Each case's `description` says what was expected and what was found.
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        /// The line has text but no tab.
        case noTab
        /// The line has `count` tabs (more than one).
        case extraTabs(count: Int)
        /// One side is empty once surrounding whitespace is trimmed.
        case emptySide(Side)
        /// The line is not valid UTF-8; `column` is the 1-based byte offset of the first bad byte.
        case invalidUTF8(column: Int)
        /// One side has more tokens than the maximum length.
        case tooManyTokens(Side, count: Int, maximum: Int)
        /// The line has more bytes than the reader accepts; it was skipped without being kept in memory.
        case lineTooLong(bytes: Int, limit: Int)

        public var description: String {
            switch self {
            case .noTab:
                return "expected 'source<TAB>target', found no tab"
            case .extraTabs(let count):
                return "expected 'source<TAB>target' with one tab, found \(count) tabs"
            case .emptySide(let side):
                return "expected a non-empty \(side.rawValue), found only whitespace"
            case .invalidUTF8(let column):
                return "expected UTF-8 text, found an invalid byte sequence at byte \(column)"
            case .tooManyTokens(let side, let count, let maximum):
                return "\(side.rawValue) has \(count) tokens, more than --max-len \(maximum)"
            case .lineTooLong(let bytes, let limit):
                return "line has \(bytes) bytes, more than the limit of \(limit)"
            }
        }
    }

    /// The 1-based line number.
    public var line: Int
    public var reason: Reason

    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    /// `line N: reason`.
    public var description: String { "line \(line): \(reason)" }

    /// This problem as an error of `file`, whose description is `file:N: reason` (e.g. for a warning line).
    public func error(file: String) -> DataError { DataError(file: file, line: line, .invalidLine(reason)) }
}

/// What ``PairFile`` read: the valid pairs in file order, and every rejected line in file order.
/// The caller decides what rejected lines mean: ``requireValid(file:)`` for strict reading, or
/// keep ``pairs`` and report ``problems`` as warnings.
public struct PairFileContents: Equatable, Sendable {
    public var pairs: [TextPair]
    public var problems: [LineProblem]

    public init(pairs: [TextPair], problems: [LineProblem]) {
        self.pairs = pairs
        self.problems = problems
    }

    /// The pairs, or an error when any line was rejected: the line's own error (`pairs.tsv:12: ...`)
    /// for one problem, a summary of the first few (``DataError/invalidLines(file:problems:shown:)``) for more.
    public func requireValid(file: String) throws(DataError) -> [TextPair] {
        switch problems.count {
        case 0: return pairs
        case 1: throw problems[0].error(file: file)
        default: throw DataError.invalidLines(file: file, problems: problems)
        }
    }
}
