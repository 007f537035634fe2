import Foundation
import TransformerCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `train` under an MPI launcher (`mpirun -np N transformer-cli train ...`, built with `--traits MPI`):
/// every rank runs the same command line; ``DataParallel`` makes them one run on the global batch.
///
/// - rank 0 prints, writes checkpoints, logs and pictures; the other ranks' standard output goes to
///   /dev/null (their errors still reach standard error, prefixed with the rank);
/// - each rank's kernels use the machine's cores shared by the ranks on it (``LaunchEnvironment/threadsPerRank(cores:)``);
/// - MPI_Finalize runs before every exit of a run that did not fail (Swift runs no deinitialiser of a
///   global at exit, and mpirun reports a rank that exits without it as a failure); a rank that fails
///   prints its error and exits with the command's status without it, which makes the launcher end the
///   whole job, so no rank waits forever for one that stopped (MPI_Finalize would: it waits for all).
extension TrainCommand {
    func run() throws -> Int32 {
        let backend = try LaunchEnvironment.backend()
        guard backend.worldSize > 1 else {
            defer { backend.finalize() }
            return try runRank(nil)
        }
        let parallel = DataParallel(backend: backend)
        if !backend.isRoot { Self.silenceStandardOutput() }
        let threads = LaunchEnvironment.current?.threadsPerRank(cores: ProcessInfo.processInfo.activeProcessorCount)
        do {
            let status = try ComputeThreads.$limit.withValue(threads) { try runRank(parallel) }
            backend.finalize()
            return status
        } catch {
            let failure = CommandFailure.report(error)
            fflush(nil)
            for line in failure.lines { printError(backend.isRoot ? line : "rank \(backend.rank): \(line)") }
            // No MPI_Finalize here: it waits for every rank, and the others may be waiting in a collective
            // for this one forever. Exiting without it makes the launcher end the job (Open MPI: "mpirun
            // detected that one or more processes exited with non-zero status"), with this status.
            exit(failure.status)
        }
    }

    /// Before the first file is written: every rank has checked the output directories (so none finds
    /// rank 0's new files and calls them another run's); true on the rank that writes (rank 0, or the
    /// only process).
    static func beforeWriting(_ parallel: DataParallel?) -> Bool {
        guard let parallel else { return true }
        parallel.backend.barrier()
        return parallel.isRoot
    }

    /// After training on several ranks (a collective: all ranks call it): whether every rank ended with
    /// rank 0's parameters, bit for bit, and what the gradient synchronisation cost: its seconds against
    /// the training seconds of this run (`trainingSeconds`).
    static func reportRanks(_ parallel: DataParallel?, parameters: [Tensor], trainingSeconds: Double) {
        guard let parallel, parallel.worldSize > 1 else { return }
        if parallel.parametersAgree(parameters) {
            print("Ranks agree: the parameters are bitwise identical on all \(parallel.worldSize) ranks")
        } else {
            printError("warning: the ranks' parameters differ after training (rank \(parallel.rank) differs from rank 0)")
        }
        let steps = parallel.synchronizedSteps
        guard steps > 0, trainingSeconds > 0 else { return }
        func perStep(_ seconds: Double) -> Double { seconds / Double(steps) * 1e3 }
        let step = perStep(trainingSeconds), waiting = perStep(parallel.waitingSeconds)
        let reducing = perStep(parallel.synchronizationSeconds - parallel.waitingSeconds)
        let buckets = parallel.bucketsPerStep
        print(String(format: "Gradient all-reduce on rank 0: %.2f ms of %.2f ms a step (%.1f%%), and %.2f ms (%.1f%%) waiting "
                     + "for the other ranks' backward passes; ", reducing, step, 100 * reducing / step, waiting, 100 * waiting / step)
              + "\(buckets) bucket\(buckets == 1 ? "" : "s") a step, \(steps) steps")
    }

    /// Points file descriptor 1 at /dev/null (print and FileHandle.standardOutput both write there).
    static func silenceStandardOutput() {
        fflush(nil)
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return }
        dup2(null, STDOUT_FILENO)
        close(null)
    }
}
