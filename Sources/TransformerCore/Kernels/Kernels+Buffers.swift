/// Fresh arrays without the zero fill: most op outputs are written in full by their kernel, and the
/// memset of `[Float](repeating: 0, count:)` was ~10% of a small training step.
extension Kernels {
    /// An array of `count` floats whose every element `body` must write (it gets the base address; not
    /// called when `count` is 0).
    @inline(__always)
    static func uninitializedArray(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { body(buffer.baseAddress!) }
            initialized = count
        }
    }
}
