import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random-access bytes the safetensors reader pulls from: a file on disk or an array in memory.
///
/// The reader asks for ranges it has already checked against ``byteCount``, so nothing is allocated
/// from a size read out of the file before that size is known to fit in the file.
protocol ByteSource {
    /// The path or label used in error messages.
    var name: String { get }
    /// The total number of bytes available.
    var byteCount: Int { get }
    /// Fills `buffer` with the bytes starting at `offset`. Precondition: the range lies within
    /// `0..<byteCount`. Throws when the bytes cannot be read (I/O error, the file shrank).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(CheckpointError)
}

extension ByteSource {
    /// `count` bytes starting at `offset`, as an array.
    func bytes(at offset: Int, count: Int) throws(CheckpointError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try result.withUnsafeMutableBytesTypedThrows { (buffer) throws(CheckpointError) in try read(into: buffer, at: offset) }
        return result
    }
}

/// Bytes already in memory (``SafeTensors/parse(bytes:source:)``, the fuzz test).
struct MemoryByteSource: ByteSource {
    let name: String
    let contents: [UInt8]

    var byteCount: Int { contents.count }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(CheckpointError) {
        precondition(offset >= 0 && buffer.count <= contents.count - offset, "read past the end of the bytes")
        contents.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + buffer.count]))
        }
    }
}

/// A regular file opened read-only and read with pread(2), so that errors carry errno and a tensor's
/// bytes go straight into its `[Float]` storage without a copy of the whole file.
final class FileByteSource: ByteSource {
    let name: String
    let byteCount: Int
    private let descriptor: Int32

    /// Opens `url`; throws ``CheckpointError/Kind/unreadable`` when it is missing, a directory, or
    /// unreadable. Errors name the file by `url.relativePath`: the path as the caller gave it.
    init(_ url: URL) throws(CheckpointError) {
        let path = url.path
        name = url.relativePath
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CheckpointError(file: name, kind: .unreadable, detail: "cannot open: \(Self.systemReason())")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = Self.systemReason()
            _ = Self.closeDescriptor(descriptor)
            throw CheckpointError(file: name, kind: .unreadable, detail: "cannot read the file's size: \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            _ = Self.closeDescriptor(descriptor)
            let what = (info.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw CheckpointError(file: name, kind: .unreadable, detail: "is \(what), expected a .safetensors file")
        }
        byteCount = Int(info.st_size)
    }

    deinit { _ = Self.closeDescriptor(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(CheckpointError) {
        precondition(offset >= 0 && buffer.count <= byteCount - offset, "read past the end of the file")
        var done = 0
        while done < buffer.count {
            let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                throw CheckpointError(file: name, kind: .unreadable,
                                      detail: "cannot read bytes \(offset + done)..<\(offset + buffer.count): \(Self.systemReason())")
            }
            if result == 0 {
                throw CheckpointError(file: name, kind: .truncated,
                                      detail: "the file ended at byte \(offset + done) while reading up to byte "
                                          + "\(offset + buffer.count) (was it truncated while being read?)")
            }
            done += result
        }
    }

    static func systemReason() -> String { POSIX.reason() }

    static func closeDescriptor(_ descriptor: Int32) -> Int32 { POSIX.close(descriptor) }
}
