#if MPI
import CMPI
import Foundation

/// One rank of an MPI job (`mpirun -np N`, `srun --mpi=pmix`), on MPI_COMM_WORLD; built with the package
/// trait `MPI` only.
///
/// MPI is initialised in `init` (MPI_Init_thread, MPI_THREAD_FUNNELED: only the thread that created the
/// backend calls MPI; the compute kernels' threads never do) and must be finalised with ``finalize()``
/// before the process exits: Swift runs no deinitialiser of a global at exit, and a rank that exits
/// without MPI_Finalize makes `mpirun` report the job as failed. MPI's own error handler
/// (MPI_ERRORS_ARE_FATAL) ends the job when a call fails, so the calls here return nothing.
///
/// Sums are MPI_SUM over MPI_FLOAT / MPI_DOUBLE with MPI_IN_PLACE; MPI chooses the algorithm (ring,
/// recursive doubling), and every rank receives the same result.
public final class MPIBackend: DistributedBackend {
    public let rank: Int
    public let worldSize: Int
    private var finalized = false

    /// Initialises MPI (once per process; precondition: not initialised before).
    public init() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        precondition(initialized == 0, "MPI is already initialised in this process; create one MPIBackend")
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(cmpi_comm_world(), &rank)
        MPI_Comm_size(cmpi_comm_world(), &size)
        self.rank = Int(rank)
        worldSize = Int(size)
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        forEachPiece(of: values.count) { start, count in
            MPI_Allreduce(cmpi_in_place(), values.baseAddress! + start, count, cmpi_float(), cmpi_sum(), cmpi_comm_world())
        }
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
        forEachPiece(of: values.count) { start, count in
            MPI_Allreduce(cmpi_in_place(), values.baseAddress! + start, count, cmpi_double(), cmpi_sum(), cmpi_comm_world())
        }
    }

    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) {
        forEachPiece(of: values.count) { start, count in
            MPI_Bcast(values.baseAddress! + start, count, cmpi_float(), Int32(root), cmpi_comm_world())
        }
    }

    public func broadcast(_ values: UnsafeMutableBufferPointer<Double>, root: Int) {
        forEachPiece(of: values.count) { start, count in
            MPI_Bcast(values.baseAddress! + start, count, cmpi_double(), Int32(root), cmpi_comm_world())
        }
    }

    public func barrier() {
        MPI_Barrier(cmpi_comm_world())
    }

    public func finalize() {
        guard !finalized else { return }
        finalized = true
        MPI_Finalize()
    }

    /// MPI counts are Int32: a buffer is sent in pieces of at most 2^30 elements.
    private func forEachPiece(of count: Int, _ body: (Int, Int32) -> Void) {
        var start = 0
        while start < count {
            let piece = min(count - start, 1 << 30)
            body(start, Int32(piece))
            start += piece
        }
    }
}
#endif
