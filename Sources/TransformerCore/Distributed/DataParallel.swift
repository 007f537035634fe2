import Foundation

/// Data-parallel training (as PyTorch's DistributedDataParallel or Horovod): every rank holds the whole
/// model, trains on its share of each global batch, and the ranks' gradients are combined before every
/// optimizer step, so all ranks take the same step and keep the same parameters.
///
/// What makes N ranks compute the step of one process on the global batch B = ∪_r B_r:
///
/// - the same start: rank 0's parameters (and Adam's moments) are broadcast (``broadcastParameters(of:)``);
/// - the same batches: every rank plans the same epochs (the order depends only on the seed and the
///   epoch) and takes the members r, r + N, r + 2N, ... of each batch (``share(of:rank:ranks:)``);
/// - the global mean loss: with n_r targets and mean loss L_r on rank r, and n = Σ n_r,
///
///       L = (1/n) Σ_r n_r L_r,   so   ∂L/∂θ = Σ_r (n_r / n) ∂L_r/∂θ
///
///   which ``synchronizeGradients(_:loss:tokenCount:)`` computes: one small all-reduce of (n_r L_r, n_r)
///   then each gradient scaled by n_r / n and all-reduced in buckets (``GradientBuckets``). Clipping
///   and Adam run after it, on the same gradients on every rank, so the clipping norm is the global one;
/// - dropout: each rank draws its own masks, from a generator derived from (seed, step, rank) at each
///   step (``beginStep(_:generator:seed:)``); N ranks with dropout therefore differ from one process
///   in the masks only, and a run resumed on the same number of ranks repeats the same masks.
///
/// Only rank 0 writes files (``isRoot``); decisions that end a run (a stop signal, early stopping) are
/// agreed on by all ranks, so none waits forever in a collective the others left.
public final class DataParallel {
    public let backend: any DistributedBackend
    /// Floats a gradient bucket holds at most.
    public let bucketCapacity: Int
    /// The staging buffer of a bucket of several tensors (reused from step to step).
    private var bucket: [Float] = []
    /// Wall-clock seconds spent in ``synchronizeGradients(_:loss:tokenCount:)`` over ``synchronizedSteps``
    /// steps: ``waitingSeconds`` in its first, small all-reduce (which returns when the slowest rank has
    /// finished its backward pass: mostly waiting) and the rest in scaling, packing and summing the gradients.
    public private(set) var synchronizationSeconds = 0.0
    public private(set) var waitingSeconds = 0.0
    public private(set) var synchronizedSteps = 0
    /// Gradient all-reduces of the last step (one per bucket).
    public private(set) var bucketsPerStep = 0

    public init(backend: any DistributedBackend, bucketCapacity: Int = GradientBuckets.defaultCapacity) {
        precondition(bucketCapacity >= 1, "bucket capacity must be at least 1 float, got \(bucketCapacity)")
        self.backend = backend
        self.bucketCapacity = bucketCapacity
    }

    public var rank: Int { backend.rank }
    public var worldSize: Int { backend.worldSize }
    public var isRoot: Bool { backend.isRoot }

    /// Rank `rank`'s strided share of a global batch's members: those at rank, rank + ranks, ...
    /// (empty when the batch has fewer than rank + 1 members). The shares of ranks 0 ..< ranks partition
    /// the members, and their sizes differ by at most one.
    public static func share<Member>(of members: [Member], rank: Int, ranks: Int) -> [Member] {
        precondition(ranks >= 1 && (0..<ranks).contains(rank), "rank \(rank) must be in 0..<\(ranks)")
        return Array(stride(from: rank, to: members.count, by: ranks).map { members[$0] })
    }

    /// Every rank gets rank 0's values of `parameters` and, when it has taken steps, of `optimizer`'s
    /// moments and step count.
    public func broadcastParameters(of optimizer: Adam) {
        guard worldSize > 1 else { return }
        for parameter in optimizer.parameters {
            parameter.withMutableScalars { $0.withUnsafeMutableBufferPointer { backend.broadcast($0, root: 0) } }
        }
        var steps = [Double(optimizer.stepCount)]
        backend.broadcast(&steps, root: 0)
        guard steps[0] > 0 else { return }
        var first = optimizer.firstMoments, second = optimizer.secondMoments
        for index in first.indices {
            first[index].withUnsafeMutableBufferPointer { backend.broadcast($0, root: 0) }
            second[index].withUnsafeMutableBufferPointer { backend.broadcast($0, root: 0) }
        }
        // Same counts as before, so this cannot fail.
        try! optimizer.restore(stepCount: Int(steps[0]), firstMoments: first, secondMoments: second)
    }

    /// The gradient-synchronisation hook of ``trainingStep(optimizer:step:schedule:maximumGradientNorm:synchronize:loss:)``:
    /// after this rank's backward pass, makes every parameter's gradient the global batch's
    /// Σ_r (n_r / n) g_r on every rank, and returns the global mean loss L and the global target count n.
    ///
    /// A parameter without a gradient on this rank (an empty share, a branch this share did not use)
    /// takes part with zeros; one without a gradient on every rank keeps none (Adam skips it, as in one
    /// process). A non-finite loss or gradient on any rank makes L or the gradients non-finite on all.
    public func synchronizeGradients(_ parameters: [Tensor], loss: Float, tokenCount: Int) -> (loss: Float, tokenCount: Int) {
        guard worldSize > 1 else { return (loss, tokenCount) }
        let started = ProgressReporter.monotonicSeconds()
        defer {
            synchronizationSeconds += ProgressReporter.monotonicSeconds() - started
            synchronizedSteps += 1
        }
        // 1. [Σ n_r L_r, Σ n_r, then per parameter the ranks that have a gradient]
        let localSum = tokenCount == 0 ? 0 : Double(loss) * Double(tokenCount)
        var totals = [localSum, Double(tokenCount)] + parameters.map { $0.gradientScalars == nil ? 0 : 1 }
        backend.allReduceSum(&totals)
        waitingSeconds += ProgressReporter.monotonicSeconds() - started
        let total = totals[1]
        let weight = total > 0 ? Float(Double(tokenCount) / total) : 0
        // 2. Zeros where this rank has no gradient but another has.
        let synchronized = parameters.indices.filter { totals[2 + $0] > 0 }.map { parameters[$0] }
        for parameter in synchronized where parameter.gradientScalars == nil {
            parameter.gradientScalars = [Float](repeating: 0, count: parameter.count)
        }
        // 3. Σ over ranks of (n_r / n) g_r, bucket by bucket.
        let buckets = GradientBuckets.plan(counts: synchronized.map(\.count), capacity: bucketCapacity)
        for range in buckets { allReduce(Array(synchronized[range]), weight: weight) }
        bucketsPerStep = buckets.count
        return (Float(totals[0] / max(total, 1)), Int(total))
    }

    /// g <- Σ over ranks of `weight` · g for the gradients of `tensors`: scaled and summed in place for a
    /// single tensor, else scaled while packed into the staging buffer, summed, and unpacked.
    private func allReduce(_ tensors: [Tensor], weight: Float) {
        if tensors.count == 1 {
            tensors[0].gradientScalars!.withUnsafeMutableBufferPointer { g in
                if weight != 1 { for i in g.indices { g[i] *= weight } }
                backend.allReduceSum(g)
            }
            return
        }
        let count = tensors.reduce(0) { $0 + $1.count }
        if bucket.count < count { bucket = [Float](repeating: 0, count: count) }
        bucket.withUnsafeMutableBufferPointer { staging in
            var offset = 0
            for tensor in tensors {
                tensor.gradientScalars!.withUnsafeBufferPointer { g in
                    for i in g.indices { staging[offset + i] = weight * g[i] }
                }
                offset += tensor.count
            }
            backend.allReduceSum(UnsafeMutableBufferPointer(rebasing: staging[0..<count]))
            offset = 0
            for tensor in tensors {
                tensor.gradientScalars!.withUnsafeMutableBufferPointer { g in
                    _ = g.initialize(from: staging[offset..<(offset + g.count)])
                }
                offset += tensor.count
            }
        }
    }

    /// Before step `step` (counted from 1) on several ranks: seeds `generator` (the model's dropout
    /// source) with this rank's stream for the step, derived from (`seed`, step, rank) alone, so that
    /// ranks draw different masks and a resumed run draws the same ones. One process keeps its single
    /// continuing stream (saved in checkpoints), as without data parallelism.
    public func beginStep(_ step: Int, generator: SeededGenerator, seed: UInt64) {
        guard worldSize > 1 else { return }
        generator.currentState = Self.dropoutState(seed: seed, step: step, rank: rank)
    }

    /// The generator state of rank `rank`'s dropout at step `step`.
    static func dropoutState(seed: UInt64, step: Int, rank: Int) -> UInt64 {
        let stepStream = SeededGenerator.derived(seed: seed ^ 0x6472_6F70_6F75_7421, stream: UInt64(truncatingIfNeeded: step))
        return SeededGenerator.derived(seed: stepStream.next(), stream: UInt64(truncatingIfNeeded: rank)).currentState
    }

    /// True on every rank when `flag` is true on any (a stop signal reaching the ranks at different
    /// steps still stops them all after the same one).
    public func anyRank(_ flag: Bool) -> Bool {
        guard worldSize > 1 else { return flag }
        var value = [flag ? 1.0 : 0]
        backend.allReduceSum(&value)
        return value[0] > 0
    }

    /// Rank 0's `value`, on every rank (e.g. the validation loss that decides best.safetensors and early
    /// stopping, so that all ranks decide alike).
    public func rootValue(_ value: Float) -> Float {
        guard worldSize > 1 else { return value }
        var buffer = [Double(value)]
        backend.broadcast(&buffer, root: 0)
        return Float(buffer[0])
    }

    /// Whether every rank holds bitwise the same parameter values as rank 0 (a check after training:
    /// each rank compares a 64-bit FNV-1a hash of its parameters' bits with rank 0's).
    public func parametersAgree(_ parameters: [Tensor]) -> Bool {
        guard worldSize > 1 else { return true }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for parameter in parameters {
            for value in parameter.scalars {
                hash = (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01B3
            }
        }
        // Four 16-bit pieces: exact in Double.
        let mine = (0..<4).map { Double((hash >> (16 * UInt64($0))) & 0xFFFF) }
        var root = mine
        backend.broadcast(&root, root: 0)
        var mismatches = [root == mine ? 0.0 : 1]
        backend.allReduceSum(&mismatches)
        return mismatches[0] == 0
    }

    /// The loss of a rank whose share of a batch is empty: 0 over 0 targets, a leaf requiring a gradient so
    /// that the step's backward pass runs (and reaches no parameter).
    public static func emptyShareLoss() -> (loss: Tensor, tokenCount: Int) {
        (Tensor(0, requiresGradient: true), 0)
    }
}
