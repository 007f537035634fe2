/// Array's `withUnsafeBytes` and `withUnsafeMutableBytes` are `rethrows`, which erases a typed error to
/// `any Error`; these wrappers carry the closure's error type through, so the Serialization code can
/// keep `throws(CheckpointError)` end to end.
extension Array {
    func withUnsafeBytesTypedThrows<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }.get()
    }

    mutating func withUnsafeMutableBytesTypedThrows<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withUnsafeMutableBytes { raw in Result { () throws(E) -> R in try body(raw) } }.get()
    }
}
