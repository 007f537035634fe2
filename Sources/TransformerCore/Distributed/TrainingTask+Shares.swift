/// Each task's shares of its batches for data-parallel training (``TrainingTask/batches(epoch:rank:of:)``):
/// the same plan as ``TrainingTask/batches(epoch:)``, every batch's members dealt out to the ranks in
/// turn, each share padded on its own (so a share is no longer than its own longest member; padding is
/// masked and ignored by the loss, so this changes no result).
extension TrainingTask {
    /// Tasks that do not say how to split their batches train as one process only.
    public func batches(epoch: Int, rank: Int, of ranks: Int) -> [Batch?]? { nil }
}

extension TranslationTask {
    public func batches(epoch: Int, rank: Int, of ranks: Int) -> [Batch?]? {
        planner.plan(epoch: epoch).map { members in
            let mine = DataParallel.share(of: members, rank: rank, ranks: ranks)
            return mine.isEmpty ? nil : Batch(examples: mine.map { training[$0] }, specialTokens: model.specialTokens)
        }
    }
}

extension ImageClassificationTask {
    /// The images of each share keep their augmentation draws, which depend only on (epoch, image).
    public func batches(epoch: Int, rank: Int, of ranks: Int) -> [ImageBatch?]? {
        batches(epoch: epoch).map { batch in
            let mine = DataParallel.share(of: batch.members, rank: rank, ranks: ranks)
            return mine.isEmpty ? nil : ImageBatch(members: mine, epoch: epoch)
        }
    }
}

extension ClassificationTask {
    public func batches(epoch: Int, rank: Int, of ranks: Int) -> [ClassificationBatch?]? {
        planner.plan(epoch: epoch).map { members in
            let mine = DataParallel.share(of: members, rank: rank, ranks: ranks)
            return mine.isEmpty ? nil : ClassificationBatch(examples: mine.map { training[$0] }, specialTokens: model.specialTokens)
        }
    }
}

extension LanguageModelTask {
    public func batches(epoch: Int, rank: Int, of ranks: Int) -> [LanguageModelBatch?]? {
        let starts = windowStarts(epoch: epoch)
        return stride(from: 0, to: starts.count, by: batchSize).map { first in
            let mine = DataParallel.share(of: Array(starts[first..<min(first + batchSize, starts.count)]), rank: rank, ranks: ranks)
            return mine.isEmpty ? nil : LanguageModelBatch(inputs: mine.map { Array(trainingIDs[$0..<($0 + context)]) },
                                                            targets: mine.flatMap { trainingIDs[($0 + 1)...($0 + context)] })
        }
    }
}
