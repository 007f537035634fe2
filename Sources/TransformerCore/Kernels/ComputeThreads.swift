import Foundation

/// How many threads the compute kernels may use, scoped to a piece of work rather than set globally: the
/// one place that decides thread counts (every op asks ``count(work:workPerThread:pieces:)``).
///
/// ```swift
/// ComputeThreads.$limit.withValue(1) { trainOneStep() }   // single-threaded kernels inside
/// ```
///
/// A task-local value (no global mutable state): it applies to the code run inside `withValue` on the
/// calling thread or task, and is read by ``GEMMOptions``' default `maximumThreads`. `nil` (the default)
/// means one thread per active core.
public enum ComputeThreads {
    @TaskLocal public static var limit: Int? = nil

    /// Cores available to the threaded paths (read once).
    static let activeCores = ProcessInfo.processInfo.activeProcessorCount

    /// The thread count work started here would use at most: ``limit``, or the active core count.
    public static var effective: Int { max(1, limit ?? activeCores) }

    /// Threads for `work` units of work when each thread should get at least `workPerThread` of them (below
    /// that, handing work to another thread costs more than it saves), split into at most `pieces`
    /// independent pieces, on at most `maximum` threads (``effective`` unless the caller has its own cap):
    /// max(1, min(maximum, pieces, work / workPerThread)). Called on the calling thread, before the work is
    /// handed out.
    static func count(work: Int, workPerThread: Int, pieces: Int = .max, maximum: Int? = nil) -> Int {
        max(1, min(maximum ?? effective, pieces, work / max(workPerThread, 1)))
    }
}
