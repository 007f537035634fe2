/// Groups examples of similar length into batches, a new random grouping and order each epoch.
///
/// Padding wastes compute in proportion to the length spread inside a batch, so, as in the paper
/// ("sentence pairs were batched together by approximate sequence length", §5.1), each epoch:
///
/// 1. shuffles all example indices;
/// 2. cuts them into pools of ``poolSize`` consecutive indices;
/// 3. sorts each pool by (T, S, shuffled position), so equal lengths stay in random order; odd-numbered
///    pools are sorted longest first, so that neighbouring pools meet at similar lengths;
/// 4. cuts the sorted pools, one after the other, greedily into batches no larger than ``size`` allows
///    (so no batch is cut short at a pool edge: with `.sentences(n)` every batch but one has n examples);
/// 5. shuffles the order of all batches.
///
/// Every example is in exactly one batch of an epoch. All randomness comes from a ``SeededGenerator``
/// derived from (``seed``, epoch) alone, so epoch k's plan is the same whether or not earlier epochs
/// were planned (a resumed run gets the same batches) and differs from epoch to epoch.
///
/// Lengths are the padded ones of ``Batch``: S = |source| + 1 (`<eos>`), T = |target| + 1.
///
/// ```swift
/// let planner = BatchPlanner(examples: examples, size: .tokens(4096), seed: 42)
/// for indices in planner.plan(epoch: 0) { let batch = Batch(examples: indices.map { examples[$0] }, specialTokens: .standard); ... }
/// ```
public struct BatchPlanner: Sendable {
    /// How big a batch may be.
    public enum Size: Equatable, Sendable {
        /// At most this many examples (sentence pairs).
        case sentences(Int)
        /// At most this many padded tokens on each side: B · S ≤ n and B · T ≤ n, in the spirit of the
        /// paper's "approximately 25000 source tokens and 25000 target tokens" per batch. An example whose
        /// own S or T exceeds n forms a batch alone (it is never dropped).
        case tokens(Int)
    }

    /// The default number of examples sorted together (step 2).
    public static let defaultPoolSize = 4096

    public let size: Size
    public let seed: UInt64
    /// Examples sorted by length together; 1 means random batches, ≥ the example count means a global sort.
    public let poolSize: Int
    /// (S, T) of each example.
    private let lengths: [(source: Int, target: Int)]

    /// Plans batches for `examples`. Preconditions: a positive size and pool size.
    public init(examples: [Example], size: Size, seed: UInt64, poolSize: Int = BatchPlanner.defaultPoolSize) {
        self.init(lengths: examples.map { ($0.paddedSourceLength, $0.paddedTargetLength) },
                  size: size, seed: seed, poolSize: poolSize)
    }

    /// Plans batches for examples of these padded lengths (S, T), without holding the examples.
    public init(lengths: [(source: Int, target: Int)], size: Size, seed: UInt64,
                poolSize: Int = BatchPlanner.defaultPoolSize) {
        switch size {
        case .sentences(let n): precondition(n >= 1, "batch size must be at least 1 sentence, got \(n)")
        case .tokens(let n): precondition(n >= 1, "batch size must be at least 1 token, got \(n)")
        }
        precondition(poolSize >= 1, "pool size must be at least 1, got \(poolSize)")
        self.lengths = lengths
        self.size = size
        self.seed = seed
        self.poolSize = poolSize
    }

    /// The number of examples planned.
    public var exampleCount: Int { lengths.count }

    /// Epoch `epoch`'s batches, as indices into the examples. Deterministic for (seed, epoch).
    public func plan(epoch: Int) -> [[Int]] {
        let generator = SeededGenerator.derived(seed: seed, stream: UInt64(truncatingIfNeeded: epoch))
        let order = Array(lengths.indices).seededShuffled(using: generator)                      // step 1
        var sorted: [Int] = []
        sorted.reserveCapacity(order.count)
        for (number, poolStart) in stride(from: 0, to: order.count, by: poolSize).enumerated() {   // step 2
            let pool = (poolStart..<min(poolStart + poolSize, order.count)).sorted { a, b in       // step 3
                let x = lengths[order[a]], y = lengths[order[b]]
                return (x.target, x.source, a) < (y.target, y.source, b)
            }.map { order[$0] }
            sorted += number % 2 == 0 ? pool : pool.reversed()
        }
        var batches = cut(sorted)                                                                  // step 4
        batches.seededShuffle(using: generator)                                                    // step 5
        return batches
    }

    /// Epoch `epoch`'s padded batches of `examples` (the examples this planner was made for).
    public func batches(of examples: [Example], epoch: Int, specialTokens: SpecialTokens) -> [Batch] {
        precondition(examples.count == lengths.count,
                     "planned \(lengths.count) examples, got \(examples.count)")
        return plan(epoch: epoch).map { Batch(examples: $0.map { examples[$0] }, specialTokens: specialTokens) }
    }

    /// Greedy cut of the length-sorted pools: extend the batch while it stays within ``size``.
    private func cut(_ sorted: [Int]) -> [[Int]] {
        var batches: [[Int]] = [], batch: [Int] = []
        var sourceLength = 0, targetLength = 0
        for index in sorted {
            let s = max(sourceLength, lengths[index].source), t = max(targetLength, lengths[index].target)
            let fits: Bool
            switch size {
            case .sentences(let n): fits = batch.count + 1 <= n
            case .tokens(let n): fits = (batch.count + 1) * max(s, t) <= n
            }
            if fits || batch.isEmpty {
                batch.append(index)
                sourceLength = s
                targetLength = t
            } else {
                batches.append(batch)
                batch = [index]
                sourceLength = lengths[index].source
                targetLength = lengths[index].target
            }
        }
        if !batch.isEmpty { batches.append(batch) }
        return batches
    }
}
