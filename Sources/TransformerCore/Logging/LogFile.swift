import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file for logs: bytes are gathered in memory by `append` and handed to the kernel
/// by `flush` (write(2), retried until complete). Once flushed, data survives a crash of this process
/// (not a power failure: there is no fsync, which would cost milliseconds per call).
final class LogFile {
    enum Mode {
        /// Create a new file; fail if it exists (O_EXCL), so two writers never share a file.
        case createNew
        /// Create the file or append to the existing one.
        case append
    }

    let path: String
    private var descriptor: Int32
    private var pending: [UInt8] = []

    init(path: String, mode: Mode) throws(LogFileError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == .createNew ? O_EXCL : O_APPEND)
        descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            throw LogFileError(path: path, problem: errno == EEXIST ? .alreadyExists : .cannotOpen(Self.systemReason()))
        }
    }

    deinit { try? close() }

    /// Bytes written so far that `flush` has not yet handed to the kernel.
    var pendingByteCount: Int { pending.count }

    var isClosed: Bool { descriptor < 0 }

    /// Queues bytes; nothing reaches the file before `flush`.
    func append(_ bytes: some Sequence<UInt8>) throws(LogFileError) {
        guard !isClosed else { throw LogFileError(path: path, problem: .closed) }
        pending.append(contentsOf: bytes)
    }

    /// Writes every queued byte to the file.
    func flush() throws(LogFileError) {
        guard !isClosed else { throw LogFileError(path: path, problem: .closed) }
        var written = 0
        let failure: String? = pending.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return Self.systemReason()
                }
                written += result
            }
            return nil
        }
        pending.removeFirst(written)
        if let failure { throw LogFileError(path: path, problem: .writeFailed(failure)) }
    }

    /// Flushes and closes; later calls do nothing.
    func close() throws(LogFileError) {
        guard !isClosed else { return }
        defer {
            _ = closeDescriptor(descriptor)
            descriptor = -1
        }
        try flush()
    }

    /// The size of the file on disk now.
    static func size(of path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Makes `path` an existing, writable directory, creating it and its parents as needed (mkdir -p).
    static func prepareDirectory(_ path: String) throws(LogFileError) {
        // Each prefix of `path` that ends before a "/" (and `path` itself), as the user spelled it,
        // so an error names exactly the part of their path that is at fault.
        var prefixes = path.indices.filter { path[$0] == "/" }.map { String(path[..<$0]) }
        prefixes.append(path)
        for prefix in prefixes where !prefix.isEmpty && !prefix.hasSuffix("/") {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw LogFileError(path: prefix, problem: .notADirectory) }
                continue
            }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw LogFileError(path: prefix, problem: .cannotCreateDirectory(Self.systemReason()))
            }
        }
        guard access(path.isEmpty ? "." : path, W_OK | X_OK) == 0 else {
            throw LogFileError(path: path, problem: .notWritable)
        }
    }

    /// The system's text for the current errno, e.g. "Permission denied".
    static func systemReason() -> String { POSIX.reason() }
}

private func closeDescriptor(_ descriptor: Int32) -> Int32 { POSIX.close(descriptor) }
