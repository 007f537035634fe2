#if canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#else
import Glibc
#endif

/// The two POSIX helpers the file readers and writers (Serialization, Logging) share.
enum POSIX {
    /// The system's text for the current errno, e.g. "No such file or directory".
    static func reason() -> String { String(cString: strerror(errno)) }

    /// close(2), named apart from the `close()` methods of the types that call it.
    static func close(_ descriptor: Int32) -> Int32 {
        #if canImport(Darwin)
        Darwin.close(descriptor)
        #elseif canImport(Musl)
        Musl.close(descriptor)
        #else
        Glibc.close(descriptor)
        #endif
    }
}
