import Foundation
@testable import TransformerCore

/// An in-process stand-in for an MPI job, for the default (MPI-free) tests: N threads, each a "rank"
/// with a ``ThreadedBackend`` whose collectives meet in a shared ``ThreadGroup``. Sums add the ranks'
/// values in rank order, so every rank gets the same bits (as MPI promises).
final class ThreadGroup: @unchecked Sendable {   // state guarded by `condition`
    let size: Int
    private let condition = NSCondition()
    private var arrived = 0, generation = 0
    /// Each rank's buffer during a collective (raw, typed by the collective).
    fileprivate var slots: [UnsafeMutableRawPointer?]

    init(size: Int) {
        self.size = size
        slots = Array(repeating: nil, count: size)
    }

    /// Waits until all `size` ranks have called it.
    func barrier() {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
    }

    fileprivate func post(_ pointer: UnsafeMutableRawPointer?, rank: Int) {
        condition.lock()
        slots[rank] = pointer
        condition.unlock()
    }

    fileprivate func slot(_ rank: Int) -> UnsafeMutableRawPointer? {
        condition.lock()
        defer { condition.unlock() }
        return slots[rank]
    }
}

/// One rank of a ``ThreadGroup``.
final class ThreadedBackend: DistributedBackend {
    let group: ThreadGroup
    let rank: Int
    /// Collective calls made, by kind, for tests that count them.
    private(set) var calls: [String: Int] = [:]
    private(set) var finalized = false

    init(group: ThreadGroup, rank: Int) {
        self.group = group
        self.rank = rank
    }

    var worldSize: Int { group.size }

    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) { sum(values, kind: "allReduce.float") }
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) { sum(values, kind: "allReduce.double") }
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) { copy(values, root: root, kind: "broadcast.float") }
    func broadcast(_ values: UnsafeMutableBufferPointer<Double>, root: Int) { copy(values, root: root, kind: "broadcast.double") }

    func barrier() {
        calls["barrier", default: 0] += 1
        group.barrier()
    }

    func finalize() { finalized = true }

    /// Every rank posts its buffer; each sums all buffers in rank order into a private array; after a
    /// second barrier (nobody reads any more) each writes its result into its own buffer.
    private func sum<T: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<T>, kind: String) {
        calls[kind, default: 0] += 1
        group.post(UnsafeMutableRawPointer(values.baseAddress), rank: rank)
        group.barrier()
        var total = [T](repeating: 0, count: values.count)
        for other in 0..<group.size {
            guard let raw = group.slot(other) else { continue }
            let theirs = raw.assumingMemoryBound(to: T.self)
            for i in total.indices { total[i] += theirs[i] }
        }
        group.barrier()
        for i in total.indices { values[i] = total[i] }
        group.barrier()   // the next collective's posts come after every rank's write
    }

    private func copy<T>(_ values: UnsafeMutableBufferPointer<T>, root: Int, kind: String) {
        calls[kind, default: 0] += 1
        group.post(UnsafeMutableRawPointer(values.baseAddress), rank: rank)
        group.barrier()
        if rank != root, let raw = group.slot(root) {
            let theirs = raw.assumingMemoryBound(to: T.self)
            for i in 0..<values.count { values[i] = theirs[i] }
        }
        group.barrier()
    }
}

/// Runs `body` on `count` threads, one ``ThreadedBackend`` each (single-threaded kernels inside, so the
/// ranks do not compete for the GEMM worker pool), and returns each rank's result in rank order.
/// A rank's error is rethrown (the first by rank) after all threads end.
func runRanks<T>(_ count: Int, _ body: @escaping (ThreadedBackend) throws -> T) throws -> [T] {
    let group = ThreadGroup(size: count)
    let results = RankResults<T>(count: count)
    let done = DispatchGroup()
    let work = UncheckedSendable(body)   // each thread only calls it; the ranks share nothing else
    for rank in 0..<count {
        done.enter()
        let thread = Thread {
            let backend = ThreadedBackend(group: group, rank: rank)
            results.set(rank, Result { try ComputeThreads.$limit.withValue(1) { try work.value(backend) } })
            done.leave()
        }
        thread.stackSize = 16 << 20
        thread.start()
    }
    done.wait()
    return try results.all.map { try $0!.get() }
}

/// The ranks' results, each written by its own thread.
private final class RankResults<T>: @unchecked Sendable {   // guarded by `lock`
    private let lock = NSLock()
    private var values: [Result<T, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ rank: Int, _ value: Result<T, any Error>) { lock.withLock { values[rank] = value } }
    var all: [Result<T, any Error>?] { lock.withLock { values } }
}

/// A value handed to the rank threads as it is.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
