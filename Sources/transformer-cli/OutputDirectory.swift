import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory the command will write into (`--logdir`, `--out`), checked before any work starts and
/// created only when the work is about to produce something, so a data error leaves no empty directory.
///
/// Every problem is one line naming the option and the path as typed, exit 73 (EX_CANTCREAT):
///
///     error: --out runs/x: 'runs' is a file, not a directory; pass a directory
///     error: --logdir /proc/x: cannot create it in '/proc': the directory is not writable
struct OutputDirectory {
    /// The option that named it: `out`.
    let option: String
    /// The path as typed.
    let path: String

    var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// Checks, without creating anything, that `path` is a writable directory or can be created: every
    /// existing prefix is a directory, and the deepest existing one is writable.
    func check() throws(CommandFailure) {
        var prefixes = path.indices.filter { path[$0] == "/" }.map { String(path[..<$0]) }
        prefixes.append(path)
        var deepestExisting = path.hasPrefix("/") ? "/" : "."
        for prefix in prefixes where !prefix.isEmpty {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) else { break }
            guard isDirectory.boolValue else {
                let what = prefix == path || prefix + "/" == path ? "is a file" : "'\(prefix)' is a file"
                throw fail("\(what), not a directory; pass a directory")
            }
            deepestExisting = prefix
        }
        guard access(deepestExisting, W_OK | X_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            if deepestExisting == path || deepestExisting + "/" == path {
                throw fail("the directory is not writable (\(reason))")
            }
            throw fail("cannot create it in '\(deepestExisting)' (\(reason))")
        }
    }

    /// Creates the directory and its parents (mkdir -p).
    func create() throws(CommandFailure) {
        try check()
        // mkdir -p by hand, so that a failure names the directory and the system's reason (errno).
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory), isDirectory.boolValue { continue }
            if mkdir(prefix, 0o777) != 0 && errno != EEXIST {
                throw fail("cannot create '\(UsageError.singleLine(prefix))': \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Whether a file called `name` exists in the directory.
    func contains(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path)
    }

    func fail(_ message: String) -> CommandFailure {
        CommandFailure("--\(option) \(UsageError.singleLine(path)): \(message)", status: ExitCode.cannotCreate)
    }

    /// `runs/20250131-142501`, or with `-2`, `-3`, ... when that exists already.
    static func timestamped(under parent: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let base = parent + "/" + formatter.string(from: date)
        var candidate = base
        var number = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = "\(base)-\(number)"
            number += 1
        }
        return candidate
    }
}
