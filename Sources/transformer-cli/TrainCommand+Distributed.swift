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
/// - MPI_Finalize runs before every exit (Swift runs no deinitialiser of a global at exit, and mpirun
///   reports a rank that exits without it as a failure); a failure on a rank of several ends the whole job
///   with MPI_Abort and the command's exit status, so no rank waits forever for one that stopped.
extension TrainCommand {
    func run() throws -> Int32 {
        let backend = try LaunchEnvironment.backend()
        guard backend.worldSize > 1 else {
            defer { backend.finalize() }
            return try train(nil)
        }
        let parallel = DataParallel(backend: backend)
        if !backend.isRoot { Self.silenceStandardOutput() }
        let threads = LaunchEnvironment.current?.threadsPerRank(cores: ProcessInfo.processInfo.activeProcessorCount)
        do {
            let status = try ComputeThreads.$limit.withValue(threads) { try train(parallel) }
            backend.finalize()
            return status
        } catch {
            let failure = CommandFailure.report(error)
            fflush(nil)
            for line in failure.lines { printError(backend.isRoot ? line : "rank \(backend.rank): \(line)") }
            backend.abort(status: failure.status)
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

    /// After training: says whether every rank ended with rank 0's parameters, bit for bit (a collective:
    /// all ranks call it).
    static func reportAgreement(_ parallel: DataParallel?, parameters: [Tensor]) {
        guard let parallel, parallel.worldSize > 1 else { return }
        if parallel.parametersAgree(parameters) {
            print("Ranks agree: the parameters are bitwise identical on all \(parallel.worldSize) ranks")
        } else {
            printError("warning: the ranks' parameters differ after training (rank \(parallel.rank) differs from rank 0)")
        }
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
