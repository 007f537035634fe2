/// A training-log file or directory that cannot be created, opened or written: which path, and what
/// went wrong, as one line (`runs/exp1: is a file, not a directory; pass a directory for the logs`).
public struct LogFileError: Error, Equatable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        /// The log directory's path names an existing file.
        case notADirectory
        /// The directory exists but this process may not create files in it.
        case notWritable
        /// Creating the directory (or a parent) failed; the system's reason.
        case cannotCreateDirectory(String)
        /// A file that must be new exists already.
        case alreadyExists
        /// open(2) failed; the system's reason.
        case cannotOpen(String)
        /// write(2) failed (disk full, I/O error); the system's reason.
        case writeFailed(String)
        /// A write after `close()`.
        case closed
        /// An existing CSV file to append to has a different header row.
        case unexpectedHeader(expected: String, found: String)
    }

    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .notADirectory: "\(path): is a file, not a directory; pass a directory for the logs"
        case .notWritable: "\(path): directory is not writable; choose another log directory or fix its permissions"
        case .cannotCreateDirectory(let reason): "\(path): cannot create the log directory: \(reason)"
        case .alreadyExists: "\(path): exists already; refusing to overwrite it"
        case .cannotOpen(let reason): "\(path): cannot open for writing: \(reason)"
        case .writeFailed(let reason): "\(path): write failed: \(reason)"
        case .closed: "\(path): written after close()"
        case .unexpectedHeader(let expected, let found):
            "\(path): expected the header \"\(expected)\", found \"\(found)\"; move the file away or log to another directory"
        }
    }
}
