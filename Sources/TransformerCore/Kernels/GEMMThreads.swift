/// How many threads the compute kernels may use, scoped to a piece of work rather than set globally.
///
/// ```swift
/// ComputeThreads.$limit.withValue(1) { trainOneStep() }   // single-threaded GEMMs inside
/// ```
///
/// A task-local value (no global mutable state): it applies to the code run inside `withValue` on the
/// calling thread or task, and is read by ``GEMMOptions``' default `maximumThreads`. `nil` (the default)
/// means one thread per active core.
public enum ComputeThreads {
    @TaskLocal public static var limit: Int? = nil

    /// The thread count work started here would use at most: ``limit``, or the active core count.
    public static var effective: Int { max(1, limit ?? Kernels.activeCores) }
}
