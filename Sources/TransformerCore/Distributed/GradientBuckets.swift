/// Which gradients are all-reduced together: consecutive parameters (in the optimizer's order) packed
/// into buckets of at most `capacity` floats, so that a model of hundreds of small tensors takes a few
/// calls of one large message each (the per-call latency counts once per bucket) without a second copy
/// of the whole gradient. A tensor larger than `capacity` is a bucket of its own, reduced where it lies.
/// (PyTorch's DistributedDataParallel buckets the same way, 25 MiB by default; unlike it, the buckets
/// here are reduced after the backward pass, not overlapped with it.)
///
///     counts [3, 4, 10, 2, 2], capacity 8  ->  [0..<2] (7 floats), [2..<3] (10, alone), [3..<5] (4)
public enum GradientBuckets {
    /// 25 MiB of Float32, as PyTorch DDP's `bucket_cap_mb` default.
    public static let defaultCapacity = 25 * 1024 * 1024 / MemoryLayout<Float>.size

    /// Consecutive index ranges into `counts` (element counts of the tensors, in order), covering every
    /// index once: each range's counts add up to at most `capacity`, or it holds one larger tensor.
    /// Precondition: capacity ≥ 1.
    public static func plan(counts: [Int], capacity: Int) -> [Range<Int>] {
        precondition(capacity >= 1, "bucket capacity must be at least 1 float, got \(capacity)")
        var buckets: [Range<Int>] = []
        var start = 0, filled = 0
        for (index, count) in counts.enumerated() {
            if index > start && filled + count > capacity {
                buckets.append(start..<index)
                start = index
                filled = 0
            }
            filled += count
        }
        if start < counts.count { buckets.append(start..<counts.count) }
        return buckets
    }
}
