import Foundation

/// What the ``Trainer`` does differently when several ranks train together (``DataParallel``).
extension Trainer {
    /// Before the first step: gives every rank rank 0's parameters and optimizer state.
    func joinRanks() {
        dataParallel?.broadcastParameters(of: optimizer)
    }

    /// Epoch `epoch`'s batches (one process), or this rank's shares of them (nil: an empty share). Throws
    /// ``DistributedError/taskCannotBeSplit(_:ranks:)`` on several ranks for a task without shares.
    func epochBatches(_ epoch: Int) throws -> [Task.Batch?] {
        guard let dataParallel, dataParallel.worldSize > 1 else { return task.batches(epoch: epoch) }
        guard let shares = task.batches(epoch: epoch, rank: dataParallel.rank, of: dataParallel.worldSize) else {
            throw DistributedError.taskCannotBeSplit(Task.name, ranks: dataParallel.worldSize)
        }
        return shares
    }

    /// `shouldStop()`, agreed by all ranks: true on every rank when it is on any.
    func stopRequested() -> Bool {
        let local = shouldStop()
        return dataParallel?.anyRank(local) ?? local
    }
}
