import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file all at once, so that a reader (or a crash, or a full disk) never sees half of it.
///
/// Steps, each with POSIX calls so that a failure carries errno:
/// 1. create `<destination>.tmp-<pid>-<random>` in the destination's directory (O_EXCL, mode 0666 & umask),
/// 2. write the contents (retrying short writes and EINTR), fsync(2) the file, close it,
/// 3. rename(2) it over the destination (atomic within one file system),
/// 4. fsync(2) the directory, so the rename itself survives a power loss.
///
/// After the rename, temporary files of earlier writers that died mid-write (killed with SIGKILL) are
/// removed. On a failure in steps 1-3 the temporary file is removed and the destination is untouched; the
/// thrown ``AtomicWriteError`` says so. A failure in step 4 happens after the new file is in place,
/// and the error says that instead. The random suffix comes from the system generator: it only has
/// to keep concurrent writers apart and plays no part in reproducible results.
public enum AtomicFile {
    /// The step that failed, for messages and for simulating failures in tests.
    public enum Step: String, Sendable {
        case create = "creating the temporary file"
        case write = "writing the temporary file"
        case sync = "syncing the temporary file to disk"
        case close = "closing the temporary file"
        case rename = "renaming the temporary file over the destination"
        case syncDirectory = "syncing the directory"
    }

    /// Sequential output into the temporary file, buffered in 1 MiB chunks.
    public final class Output {
        fileprivate let descriptor: Int32
        fileprivate var buffer: [UInt8] = []
        fileprivate let failure: (step: Step, errorNumber: Int32)?
        static let bufferSize = 1 << 20

        fileprivate init(descriptor: Int32, failure: (step: Step, errorNumber: Int32)?) {
            self.descriptor = descriptor
            self.failure = failure
            buffer.reserveCapacity(Self.bufferSize)
        }

        /// Appends `bytes` to the file.
        public func write(_ bytes: UnsafeRawBufferPointer) throws(AtomicWriteError.Cause) {
            if buffer.count + bytes.count > Self.bufferSize { try flush() }
            if bytes.count >= Self.bufferSize {
                try writeAll(bytes)
            } else {
                buffer.append(contentsOf: bytes)
            }
        }

        /// Appends `bytes` to the file.
        public func write(_ bytes: [UInt8]) throws(AtomicWriteError.Cause) {
            try bytes.withUnsafeBytesTypedThrows { (raw) throws(AtomicWriteError.Cause) in try write(raw) }
        }

        fileprivate func flush() throws(AtomicWriteError.Cause) {
            try buffer.withUnsafeBytesTypedThrows { (raw) throws(AtomicWriteError.Cause) in try writeAll(raw) }
            buffer.removeAll(keepingCapacity: true)
        }

        private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(AtomicWriteError.Cause) {
            if let failure, failure.step == .write { throw .init(step: .write, errorNumber: failure.errorNumber) }
            var done = 0
            while done < bytes.count {
                let result = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw .init(step: .write, errorNumber: errno)
                }
                done += result
            }
        }
    }

    /// Writes `bytes` to `url` atomically.
    public static func write(_ bytes: [UInt8], to url: URL) throws(AtomicWriteError) {
        try write(to: url) { (output) throws(AtomicWriteError.Cause) in try output.write(bytes) }
    }

    /// Creates the temporary file, lets `body` fill it through an ``Output``, then syncs and renames it
    /// over `url`. When `body` throws, the temporary file is removed and the destination is untouched.
    public static func write(to url: URL, _ body: (Output) throws(AtomicWriteError.Cause) -> Void) throws(AtomicWriteError) {
        try write(to: url, simulatingFailure: nil, body)
    }

    /// ``write(to:_:)`` with a simulated failure: `failure.step` fails with errno `failure.errorNumber`
    /// (for tests of the error paths that a real disk rarely takes, such as ENOSPC).
    static func write(to url: URL, simulatingFailure failure: (step: Step, errorNumber: Int32)?,
                      _ body: (Output) throws(AtomicWriteError.Cause) -> Void) throws(AtomicWriteError) {
        let path = url.path, shownPath = url.relativePath
        let directory = url.deletingLastPathComponent().path
        var info = stat()
        let existed = lstat(path, &info) == 0
        func fail(_ cause: AtomicWriteError.Cause, replaced: Bool = false) -> AtomicWriteError {
            AtomicWriteError(path: shownPath, cause: cause, destinationExisted: existed, destinationReplaced: replaced)
        }
        func simulated(_ step: Step) -> AtomicWriteError.Cause? {
            failure.flatMap { $0.step == step ? AtomicWriteError.Cause(step: step, errorNumber: $0.errorNumber) : nil }
        }

        // 1. Create the temporary file next to the destination.
        var temporary = ""
        var descriptor: Int32 = -1
        for attempt in 1... {
            if let simulated = simulated(.create) { throw fail(simulated) }
            temporary = path + ".tmp-\(getpid())-" + String(UInt32.random(in: .min ... .max), radix: 16)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { break }
            let errorNumber = errno
            if errorNumber != EEXIST || attempt == 4 { throw fail(.init(step: .create, errorNumber: errorNumber)) }
        }

        // 2. Write, sync and close; on any failure remove the temporary file.
        let output = Output(descriptor: descriptor, failure: failure)
        var cause: AtomicWriteError.Cause?
        do throws(AtomicWriteError.Cause) {
            try body(output)
            try output.flush()
            if let simulated = simulated(.sync) { throw simulated }
            if fsync(descriptor) != 0 { throw AtomicWriteError.Cause(step: .sync, errorNumber: errno) }
        } catch {
            cause = error
        }
        if close(descriptor) != 0 && cause == nil { cause = .init(step: .close, errorNumber: errno) }
        // 3. Rename over the destination.
        if cause == nil {
            if let simulated = simulated(.rename) {
                cause = simulated
            } else if rename(temporary, path) != 0 {
                cause = .init(step: .rename, errorNumber: errno)
            }
        }
        if let cause {
            unlink(temporary)
            throw fail(cause)
        }
        removeStaleTemporaryFiles(of: path)
        // 4. Make the rename durable. Some file systems cannot sync a directory (EINVAL): ignored.
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            let result = simulated(.syncDirectory).map { _ in Int32(-1) } ?? fsync(directoryDescriptor)
            let errorNumber = simulated(.syncDirectory)?.errorNumber ?? errno
            close(directoryDescriptor)
            if result != 0 && errorNumber != EINVAL {
                throw fail(.init(step: .syncDirectory, errorNumber: errorNumber), replaced: true)
            }
        }
    }
}

extension AtomicFile {
    /// Removes `<path>.tmp-<pid>-*` files left by writers that no longer run (a process killed with
    /// SIGKILL mid-write cannot clean up), so repeated crashes do not fill the disk. A file whose pid is
    /// alive, or that does not follow the pattern, is left alone. Best effort: errors are ignored.
    static func removeStaleTemporaryFiles(of path: String) {
        let url = URL(fileURLWithPath: path)
        let prefix = url.lastPathComponent + ".tmp-"
        let directory = url.deletingLastPathComponent().path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(directory + "/" + name)
            }
        }
    }
}

/// An atomic write that failed: which file, at which step, errno's text, and what state it left.
public struct AtomicWriteError: Error, Equatable, CustomStringConvertible {
    /// The failing step and its errno.
    public struct Cause: Error, Equatable, Sendable {
        public let step: AtomicFile.Step
        public let errorNumber: Int32

        public init(step: AtomicFile.Step, errorNumber: Int32) {
            self.step = step
            self.errorNumber = errorNumber
        }

        /// The system's text for `errorNumber`, e.g. "No space left on device".
        public var reason: String { String(cString: strerror(errorNumber)) }
    }

    /// The destination path, as the caller gave it (`URL.relativePath`).
    public let path: String
    public let cause: Cause
    /// Whether a file existed at `path` before the write.
    public let destinationExisted: Bool
    /// Whether the new contents are in place despite the error (only when syncing the directory failed).
    public let destinationReplaced: Bool

    /// The problem and its consequence, without the path, e.g. "could not write: No space left on
    /// device (writing the temporary file); the previous file is unchanged". `noun` names what the
    /// file is ("checkpoint").
    public func detail(calling noun: String = "file") -> String {
        let outcome = destinationReplaced
            ? "the new \(noun) is in place but may not survive a power loss"
            : destinationExisted ? "the previous \(noun) is unchanged" : "nothing was written"
        return "could not write: \(cause.reason) (\(cause.step.rawValue)); \(outcome)"
    }

    public var description: String { "\(path): \(detail())" }
}

/// write(2), named apart from ``AtomicFile/Output/write(_:)-swift.method``.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
    Darwin.write(descriptor, bytes, count)
    #elseif canImport(Musl)
    Musl.write(descriptor, bytes, count)
    #else
    Glibc.write(descriptor, bytes, count)
    #endif
}
