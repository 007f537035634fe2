import Dispatch
import Foundation
import Synchronization

/// Persistent GEMM worker threads that join a job within a microsecond or two when the previous GEMM
/// ended recently (as in a training step), instead of the 45-65 us an idle Dispatch worker took on the
/// project VM to start its `concurrentPerform` iteration. Each worker, after a job, spins on an atomic
/// generation counter for ``spinSeconds`` (so that the next GEMM, usually microseconds away, starts at
/// once), then sleeps on a condition variable; an idle process therefore spins at most ``spinSeconds``
/// per job and never steals a core from other processes for long. (OpenMP runtimes, which PyTorch uses,
/// spin for milliseconds too: KMP_BLOCKTIME defaults to 200 ms.)
///
/// Workers join a job only while it is open: the caller closes it when its own share is done, and then
/// waits only for the workers that joined. A worker that is asleep or preempted (another process on its
/// core) therefore never delays the caller; jobs must be written so that the caller's share takes all
/// the work nobody else took (GEMM's threads claim chunks from a ``Kernels/ChunkQueue``).
///
/// One job at a time: ``run(_:_:)`` returns false (and runs nothing) when another thread is already
/// using the pool or the job asks for more threads than it has; callers then fall back to Dispatch.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
final class GEMMWorkerPool: @unchecked Sendable {   // shared state is atomics, or `job` (see there)
    /// One worker per active core beyond the caller's; nil on a single core.
    static let shared: GEMMWorkerPool? = Kernels.activeCores > 1 ? GEMMWorkerPool(workers: Kernels.activeCores - 1) : nil

    /// How long a worker keeps polling for the next job before it sleeps. 2 ms covers the gaps between
    /// the GEMMs of a tiny or small training step (softmax, layer norm, dropout between them); with 50 us
    /// the worker was usually asleep when the next GEMM came and the second core did little. Measured
    /// (bench --threads 2, 3 alternating runs, median step ms, together with the 2^20 GEMM threshold
    /// below): small 39.9 -> 35.4, tiny 23.6 -> 22.3.
    static let spinSeconds = 2e-3

    let workers: Int
    /// Bumped to announce a job; a worker looks for an open slot when it sees a new value.
    private let generation = Atomic<Int>(0)
    /// Open slots of the current job: a worker joins by taking one (its value is the worker's index in
    /// the job, 1 ... threads - 1); the caller closes the job by taking all that are left.
    private let slots = Atomic<Int>(0)
    /// Workers that joined the current job and finished it.
    private let finished = Atomic<Int>(0)
    /// Whether a caller owns the pool.
    private let busy = Atomic<Bool>(false)
    /// Guards the sleep of idle workers.
    private let condition = NSCondition()
    /// The current job. Written by the owning caller before it opens the slots (release) and cleared
    /// after every joined worker finished; read by a worker only after it took a slot (acquire).
    private var job: (@Sendable (Int) -> Void)?

    private init(workers: Int) {
        self.workers = workers
        for index in 0..<workers {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.name = "GEMM worker \(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(0)` on the calling thread and `body(1)` ... `body(threads - 1)` on the workers that
    /// join before `body(0)` returns (any number of them, possibly none); returns true when those are
    /// done. False (nothing run) when the pool is busy or `threads - 1 > workers`.
    func run(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) -> Bool {
        guard threads >= 2, threads - 1 <= workers else { return false }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        job = body
        finished.store(0, ordering: .relaxed)
        slots.store(threads - 1, ordering: .releasing)
        generation.wrappingAdd(1, ordering: .releasing)
        condition.lock()       // wake sleeping workers (a sleeper checks `generation` under this lock,
        condition.broadcast()  // so none can miss the new value)
        condition.unlock()
        body(0)
        let joined = threads - 1 - slots.exchange(0, ordering: .acquiringAndReleasing)
        var spins = 0
        while finished.load(ordering: .acquiring) < joined {
            spins += 1
            if spins > 2000 { sched_yield() }   // a joined worker was preempted: let it have this core
        }
        job = nil
        busy.store(false, ordering: .releasing)
        return true
    }

    private func workerLoop() {
        var seen = 0
        while true {
            var current = generation.load(ordering: .acquiring)
            if current == seen {
                let start = GEMMBenchmark.now()
                var polls = 0
                while current == seen {
                    polls += 1
                    if polls & 63 == 0 && GEMMBenchmark.now() - start > Self.spinSeconds {
                        condition.lock()
                        while generation.load(ordering: .acquiring) == seen { condition.wait() }
                        condition.unlock()
                    }
                    current = generation.load(ordering: .acquiring)
                }
            }
            seen = current
            var open = slots.load(ordering: .relaxed)
            while open > 0 {
                let (exchanged, found) = slots.compareExchange(expected: open, desired: open - 1,
                                                               ordering: .acquiringAndReleasing)
                if exchanged {
                    job?(open)
                    finished.wrappingAdd(1, ordering: .releasing)
                    break
                }
                open = found
            }
        }
    }
}

extension Kernels {
    /// Runs `body(0)` ... `body(threads - 1)` concurrently and returns when all are done: with
    /// `DispatchQueue.concurrentPerform`, or on the ``GEMMWorkerPool`` when it is free, which may skip
    /// the indices of workers that did not join in time (see there): `body` must share out its work
    /// dynamically, so that any one index that runs does whatever the others did not.
    static func parallel(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        if threads > 1, #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *),
           let pool = GEMMWorkerPool.shared, pool.run(threads, body) {
            return
        }
        DispatchQueue.concurrentPerform(iterations: threads, execute: body)
    }
}
