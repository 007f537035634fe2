import Foundation
import TransformerCore

/// A run-time failure phrased for the user: the lines for stderr and the exit status.
///
/// Most failures are one `error:` line. A few carry detail lines first (every bad line of a pairs file,
/// `pairs.tsv:12: expected ...`), then the one `error:` line that sums them up.
struct CommandFailure: Error, CustomStringConvertible {
    /// Printed in order on stderr; the last one starts with `error: `.
    let lines: [String]
    let status: Int32

    /// One `error: message` line.
    init(_ message: String, status: Int32) {
        self.init(details: [], message, status: status)
    }

    init(details: [String], _ message: String, status: Int32) {
        lines = details.map(UsageError.singleLine) + ["error: " + UsageError.singleLine(message)]
        self.status = status
    }

    var description: String { lines.joined(separator: "\n") }

    /// The stderr lines and exit status for any error a command's `run()` throws.
    static func report(_ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure:
            return failure
        case let usage as UsageError:
            return CommandFailure(usage.message, status: ExitCode.usage)
        case let data as DataError:
            return CommandFailure(data.description, status: status(of: data))
        case let checkpoint as CheckpointError:
            return CommandFailure(checkpoint.description,
                                  status: checkpoint.kind == .unreadable ? ExitCode.noInput : ExitCode.failure)
        case let file as TokenizerFileError:   // 66 when the file cannot be read at all, 65 for wrong contents
            return CommandFailure(file.description, status: FileManager.default.isReadableFile(atPath: file.file)
                                      ? ExitCode.dataError : ExitCode.noInput)
        default:
            return CommandFailure("\(error)", status: ExitCode.failure)
        }
    }

    /// 66 (EX_NOINPUT) when the file is missing, a directory or unreadable; 65 (EX_DATAERR) otherwise.
    static func status(of error: DataError) -> Int32 {
        switch error.reason {
        case .fileNotFound, .notAFile, .unreadable: ExitCode.noInput
        default: ExitCode.dataError
        }
    }
}
