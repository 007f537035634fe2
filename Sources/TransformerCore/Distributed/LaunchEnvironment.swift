import Foundation

/// What the launcher (`mpirun`, `mpiexec`, Slurm's `srun`) says about this process through the
/// environment, read before MPI is initialised: whether it is one rank of a job, of how many ranks, and
/// how many of them share this machine.
///
/// The variables, by launcher:
///
///     Open MPI mpirun        OMPI_COMM_WORLD_SIZE, OMPI_COMM_WORLD_RANK, OMPI_COMM_WORLD_LOCAL_SIZE
///     MPICH / Hydra, PMI-2   PMI_SIZE, PMI_RANK, MPI_LOCALNRANKS
///     PMIx (Slurm, Open MPI) PMIX_RANK (the size comes from MPI itself)
///     Slurm srun             SLURM_NTASKS, SLURM_PROCID, SLURM_NTASKS_PER_NODE (only with one of the above)
public struct LaunchEnvironment: Equatable, Sendable {
    /// The job's ranks as the launcher says, or nil when it does not say (PMIx alone).
    public let worldSize: Int?
    /// The ranks on this machine, or nil when the launcher does not say.
    public let localSize: Int?
    /// The variable that showed the launcher, for messages ("OMPI_COMM_WORLD_SIZE=2").
    public let evidence: String

    /// The launch this environment describes, or nil for a process not started by an MPI launcher.
    /// (SLURM_* alone is not enough: a plain `srun transformer-cli` without `--mpi` starts independent
    /// processes, each its own single-process run.)
    public init?(environment: [String: String]) {
        func integer(_ name: String) -> Int? { environment[name].flatMap { Int($0.split(separator: ",").first ?? "") } }
        let markers = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"]
        guard let marker = markers.first(where: { environment[$0] != nil }) else { return nil }
        evidence = "\(marker)=\(environment[marker]!)"
        worldSize = integer("OMPI_COMM_WORLD_SIZE") ?? integer("PMI_SIZE") ?? integer("SLURM_NTASKS")
        localSize = integer("OMPI_COMM_WORLD_LOCAL_SIZE") ?? integer("MPI_LOCALNRANKS") ?? integer("SLURM_NTASKS_PER_NODE")
    }

    /// This process's environment.
    public static var current: LaunchEnvironment? { LaunchEnvironment(environment: ProcessInfo.processInfo.environment) }

    /// Compute threads for each rank: the cores this process may run on, shared by the ranks on this
    /// machine (max(1, cores / local ranks)); all cores when the launcher does not say how many share it.
    /// (A launcher that binds each rank to a core already shows one core to each.)
    public func threadsPerRank(cores: Int) -> Int {
        max(1, cores / max(1, localSize ?? 1))
    }
}

/// Why a data-parallel run cannot start.
public struct DistributedError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// Started by an MPI launcher with several ranks, but built without the MPI trait: every rank would
    /// train alone and write the same files.
    public static func notBuiltWithMPI(_ launch: LaunchEnvironment) -> DistributedError {
        DistributedError("started by an MPI launcher (\(launch.evidence)) as one of \(launch.worldSize.map(String.init) ?? "several") ranks, "
                         + "but this transformer-cli was built without MPI; build it with "
                         + "'swift build -c release --traits MPI' (needs an MPI found by pkg-config as 'mpi')")
    }

    /// The task's batches cannot be split between ranks.
    public static func taskCannotBeSplit(_ task: String, ranks: Int) -> DistributedError {
        DistributedError("--task \(task) cannot be trained on \(ranks) ranks yet: it does not split its batches "
                         + "between ranks (TrainingTask.batches(epoch:rank:of:)); run it as one process")
    }
}

extension LaunchEnvironment {
    /// The backend for this process: ``MPIBackend`` (MPI initialised) when an MPI launcher started it and
    /// the package was built with the MPI trait, else ``LocalBackend``.
    /// - Throws: ``DistributedError/notBuiltWithMPI(_:)`` when a launcher started several ranks but MPI
    ///   is not built in.
    public static func backend(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DistributedError) -> any DistributedBackend {
        guard let launch = LaunchEnvironment(environment: environment) else { return LocalBackend() }
        #if MPI
        _ = launch
        return MPIBackend()
        #else
        if let size = launch.worldSize, size == 1 { return LocalBackend() }
        throw .notBuiltWithMPI(launch)
        #endif
    }
}
