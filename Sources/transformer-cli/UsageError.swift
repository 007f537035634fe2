/// A mistake on the command line: an unknown command or option, a missing or malformed value.
///
/// Rendered as exactly one line on stderr, `error: <message>`, and exit status ``ExitCode/usage`` (64,
/// `EX_USAGE` from sysexits.h). The message names the option, what it accepts and what it got:
///
///     error: --heads: expected a divisor of --d-model (512), got 7
///     error: --d-model: expected an integer from 1 to 1048576, got 'abc'
struct UsageError: Error, Equatable, CustomStringConvertible {
    /// The message without the `error: ` prefix; always a single line.
    let message: String

    init(_ message: String) {
        self.message = UsageError.singleLine(message)
    }

    /// `--flag: expected <expected>, got <found>`: the shape of every bad-value error.
    static func invalidValue(option: String, expected: String, found: String) -> UsageError {
        UsageError("--\(option): expected \(expected), got \(found)")
    }

    /// The line printed on stderr.
    var description: String { "error: \(message)" }

    /// Text typed by the user, quoted for a message: `'abc'`, with control characters escaped so that
    /// the error stays on one line.
    static func quoted(_ text: String) -> String {
        "'" + singleLine(text) + "'"
    }

    static func singleLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.properties.generalCategory == .control:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// Process exit statuses used by the tool (the README has the table).
enum ExitCode {
    static let success: Int32 = 0
    /// A command failed at run time (a corrupt checkpoint, training diverged, a write failed, ...).
    static let failure: Int32 = 1
    /// EX_USAGE (sysexits.h): the command line was wrong.
    static let usage: Int32 = 64
    /// EX_DATAERR: an input file is malformed (a bad line of a pairs file, an input too long to translate).
    static let dataError: Int32 = 65
    /// EX_NOINPUT: an input file (pairs, checkpoint) is missing or cannot be read.
    static let noInput: Int32 = 66
    /// EX_CANTCREAT: an output directory cannot be created or written, or holds another run's files.
    static let cannotCreate: Int32 = 73
    /// 128 + SIGINT: training stopped by Ctrl-C after saving its checkpoint.
    static let interrupted: Int32 = 130
    /// 128 + SIGTERM: training stopped by SIGTERM after saving its checkpoint.
    static let terminated: Int32 = 143
}
