/// A problem with the user's data: a pairs file, one of its lines, a vocabulary, or a split.
///
/// ``description`` is one line, `file:line: reason` (or `file: reason`, or just `reason` when no file
/// is involved), saying what was expected and what was found, e.g.
///
///     pairs.tsv: file not found
///     pairs.tsv:12: expected 'source<TAB>target', found no tab
///     pairs.tsv:7: source has 140 tokens, more than --max-len 100
///
/// The CLI prints it after `error: ` and exits with status 65 (EX_DATAERR).
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Equatable, Sendable {
        /// Nothing exists at the path.
        case fileNotFound
        /// The path names a directory, not a file.
        case notAFile
        /// The file exists but could not be opened or read; the payload is the system's reason.
        case unreadable(String)
        /// The file is larger than the reader accepts.
        case fileTooLarge(bytes: Int, limit: Int)
        /// The file holds a NUL byte, so it is not text; `offset` is the 0-based byte offset of the first one.
        case binary(offset: Int)
        /// The file has no pair at all: it is empty or holds only blank lines.
        case empty
        /// One line is malformed (strict reading); the line number is ``DataError/line``.
        case invalidLine(LineProblem.Reason)
        /// Several lines are malformed: the count and the first few problems (see ``DataError/invalidLines(file:problems:shown:)``).
        case invalidLines(count: Int, first: [LineProblem])
        /// A vocabulary with more tokens than ``Vocabulary/maximumSize``.
        case vocabularyTooLarge(count: Int, limit: Int)
        /// A vocabulary that is not well formed (decoding a checkpoint): what is wrong with it.
        case invalidVocabulary(String)
        /// A train / validation split that cannot be made: what is wrong with it.
        case invalidSplit(String)
    }

    /// The file as the user named it (e.g. `url.relativePath`), or nil when no file is involved.
    public let file: String?
    /// The 1-based line number, when the problem is on one line.
    public let line: Int?
    public let reason: Reason

    public init(file: String? = nil, line: Int? = nil, _ reason: Reason) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// A summary of every malformed line of `file`, for a strict reader: `pairs.tsv: 12 invalid lines:
    /// line 3: ...; line 7: ...; line 9: ...; and 9 more`. Shows the first `shown` problems.
    public static func invalidLines(file: String, problems: [LineProblem], shown: Int = 3) -> DataError {
        DataError(file: file, .invalidLines(count: problems.count, first: Array(problems.prefix(max(0, shown)))))
    }

    public var description: String {
        var location = file ?? ""
        if let line { location += ":\(line)" }
        return location.isEmpty ? message : location + ": " + message
    }

    /// The reason alone, without the location.
    public var message: String {
        switch reason {
        case .fileNotFound:
            return "file not found"
        case .notAFile:
            return "expected a file, found a directory"
        case .unreadable(let why):
            return "cannot read the file (\(why))"
        case .fileTooLarge(let bytes, let limit):
            return "file has \(bytes) bytes, more than the limit of \(limit) bytes; split it or keep fewer pairs"
        case .binary(let offset):
            return "expected UTF-8 text, found a NUL byte at byte offset \(offset) (a binary file?)"
        case .empty:
            return "expected lines of 'source<TAB>target', found no pair (the file is empty or blank)"
        case .invalidLine(let reason):
            return reason.description
        case .invalidLines(let count, let first):
            let plural = count == 1 ? "line" : "lines"
            var parts = first.map { "line \($0.line): \($0.reason)" }
            if count > first.count { parts.append("and \(count - first.count) more") }
            return "\(count) invalid \(plural)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; "))
        case .vocabularyTooLarge(let count, let limit):
            return "vocabulary has \(count) tokens, more than the limit of \(limit); raise the minimum frequency"
        case .invalidVocabulary(let what):
            return "invalid vocabulary: \(what)"
        case .invalidSplit(let what):
            return what
        }
    }
}
