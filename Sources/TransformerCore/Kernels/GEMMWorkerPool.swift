import Dispatch
import Foundation
import Synchronization

/// Persistent GEMM worker threads that start a job within a microsecond or two when the previous GEMM
/// ended recently (as in a training step), instead of the 45-65 us an idle Dispatch worker took on the
/// project VM to start its `concurrentPerform` iteration. Each worker, after a job,
/// spins on an atomic generation counter for ``spinSeconds`` (so that the next GEMM of a training step,
/// usually microseconds away, starts at once), then sleeps on a condition variable; an idle process
/// therefore spins at most ``spinSeconds`` per job and never steals a core from other processes for long.
///
/// One job at a time: ``run(_:_:)`` returns false (and runs nothing) when another thread is already
/// using the pool or the job needs more threads than it has; callers then fall back to Dispatch.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
final class GEMMWorkerPool: @unchecked Sendable {   // shared state is atomics or guarded by `condition`
    /// One worker per active core beyond the caller's; nil on a single core.
    static let shared: GEMMWorkerPool? = Kernels.activeCores > 1 ? GEMMWorkerPool(workers: Kernels.activeCores - 1) : nil

    /// How long a worker keeps polling for the next job before it sleeps.
    static let spinSeconds = 50e-6

    let workers: Int
    /// Bumped (release) to publish a job; workers run a job when they see a new value (acquire).
    private let generation = Atomic<Int>(0)
    /// Workers still running the current job.
    private let pending = Atomic<Int>(0)
    /// Whether a caller owns the pool (its job is being published or run).
    private let busy = Atomic<Bool>(false)
    /// Guards the sleep of idle workers.
    private let condition = NSCondition()
    /// The current job and how many workers take part (worker w runs `job(w + 1)` for w < participants - 1).
    /// Written only by the owning caller before it publishes `generation`, read by workers after.
    private var job: (@Sendable (Int) -> Void)?
    private let participants = Atomic<Int>(0)

    private init(workers: Int) {
        self.workers = workers
        for index in 0..<workers {
            let thread = Thread { [unowned self] in self.workerLoop(index) }
            thread.name = "GEMM worker \(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(0)` ... `body(threads - 1)` concurrently, `body(0)` on the calling thread, and returns
    /// when all are done; true. False (nothing run) when the pool is busy or `threads - 1 > workers`.
    func run(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) -> Bool {
        guard threads >= 2, threads - 1 <= workers else { return false }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        job = body
        participants.store(threads, ordering: .relaxed)
        pending.store(threads - 1, ordering: .relaxed)
        generation.wrappingAdd(1, ordering: .releasing)
        condition.lock()       // wake sleeping workers (a waiter checks `generation` under this lock,
        condition.broadcast()  // so none can miss the new value)
        condition.unlock()
        body(0)
        var spins = 0
        while pending.load(ordering: .acquiring) != 0 {
            spins += 1
            if spins > 2000 { sched_yield() }   // a worker was descheduled: let it have this core
        }
        job = nil
        busy.store(false, ordering: .releasing)
        return true
    }

    private func workerLoop(_ index: Int) {
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
            if index + 1 < participants.load(ordering: .relaxed) {
                job?(index + 1)
                pending.subtract(1, ordering: .releasing)
            }
        }
    }
}

extension Kernels {
    /// Runs `body(0)` ... `body(threads - 1)` concurrently and returns when all are done: on the
    /// ``GEMMWorkerPool`` when it is free, else with `DispatchQueue.concurrentPerform`.
    static func parallel(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        if threads > 1, #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *),
           let pool = GEMMWorkerPool.shared, pool.run(threads, body) {
            return
        }
        DispatchQueue.concurrentPerform(iterations: threads, execute: body)
    }
}
