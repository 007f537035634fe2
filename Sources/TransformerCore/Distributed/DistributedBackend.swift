/// The collective operations data-parallel training needs from a group of processes ("ranks"), as MPI
/// names them: every rank calls the same operations in the same order, and each call returns once all
/// ranks have made it.
///
/// ``LocalBackend`` is the single process of an ordinary run; ``MPIBackend`` (built with the package
/// trait `MPI`) is a process of an `mpirun` / `srun` job. ``LaunchEnvironment/backend(environment:)``
/// picks one.
public protocol DistributedBackend: AnyObject {
    /// This process's index, 0 ..< ``worldSize``; rank 0 writes the files.
    var rank: Int { get }
    /// The number of ranks.
    var worldSize: Int { get }
    /// x <- Σ over ranks of x, elementwise and in place; afterwards every rank holds the same values.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    /// The same in Double (losses, token counts, flags: exact for integers below 2^53).
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// x <- rank `root`'s x, on every rank.
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int)
    /// The same in Double.
    func broadcast(_ values: UnsafeMutableBufferPointer<Double>, root: Int)
    /// Returns once every rank has called it.
    func barrier()
    /// Ends the group (MPI_Finalize) before the process exits; further calls are not allowed. Calling it
    /// twice does nothing. It waits for every rank to call it.
    func finalize()
}

extension DistributedBackend {
    /// Rank 0, the one that writes checkpoints, logs and pictures.
    public var isRoot: Bool { rank == 0 }

    /// ``allReduceSum(_:)-(UnsafeMutableBufferPointer<Double>)`` on an array.
    public func allReduceSum(_ values: inout [Double]) {
        values.withUnsafeMutableBufferPointer { allReduceSum($0) }
    }

    /// ``broadcast(_:root:)-(UnsafeMutableBufferPointer<Double>,_)`` on an array.
    public func broadcast(_ values: inout [Double], root: Int) {
        values.withUnsafeMutableBufferPointer { broadcast($0, root: root) }
    }
}

/// The one process of an ordinary run: rank 0 of 1; every collective operation leaves the values as
/// they are.
public final class LocalBackend: DistributedBackend {
    public init() {}
    public var rank: Int { 0 }
    public var worldSize: Int { 1 }
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {}
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) {}
    public func broadcast(_ values: UnsafeMutableBufferPointer<Double>, root: Int) {}
    public func barrier() {}
    public func finalize() {}
}
