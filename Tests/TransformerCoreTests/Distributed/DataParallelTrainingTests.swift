import Foundation
import Testing
@testable import TransformerCore

/// The Trainer on N in-process ranks (``ThreadedBackend``) against one process on the same global
/// batches: what `mpirun -np N transformer-cli train` promises, checked without MPI.
@Suite struct DataParallelTrainingTests {
    typealias F = DistributedFixtures

    @Test(arguments: [2, 3])
    func ranksTrainLikeOneProcessOnTheGlobalBatch(ranks: Int) throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let options = F.options(steps: 5)
            let single = try F.train(ranks: 1, options: options, directory: directory.appendingPathComponent("one")) {
                (try F.translationTask(generator: $0), nil, TrainingState())
            }[0]
            let parallel = try F.train(ranks: ranks, options: options, directory: directory.appendingPathComponent("many")) {
                (try F.translationTask(generator: $0), nil, TrainingState())
            }
            #expect(F.bitwiseEqual(parallel), "the ranks' parameters differ")
            let difference = F.largestDifference(parallel[0], single)
            #expect(difference <= F.sameComputation, "largest parameter difference \(difference)")
            for outcome in parallel {
                #expect(outcome.summary.state.step == 5)
                #expect(outcome.summary.state.targetTokens == single.summary.state.targetTokens)
                #expect(outcome.summary.state.bestValidationLoss == parallel[0].summary.state.bestValidationLoss)
            }
            // Only rank 0 wrote checkpoints.
            #expect(parallel[0].files == ["best.safetensors", "last.safetensors"])
            #expect(parallel.dropFirst().allSatisfy { $0.files.isEmpty })
        }
    }

    /// The synchronised gradients of the ranks' shares of a batch are the gradients of the whole batch, key
    /// biases included (all of them, before Adam; the whole step is compared above).
    @Test(arguments: [2, 3])
    func synchronisedGradientsAreTheGlobalBatchs(ranks: Int) throws {
        func gradients(_ ranks: Int) throws -> [[Float]] {
            try runRanks(ranks) { backend in
                let task = try F.translationTask(batchSentences: 5)
                let batch = ranks == 1 ? task.batches(epoch: 0)[1] : task.batches(epoch: 0, rank: backend.rank, of: ranks)![1]
                let (loss, count) = batch.map { task.loss(on: $0, labelSmoothing: 0.1) } ?? DataParallel.emptyShareLoss()
                loss.backward()
                if ranks > 1 {
                    _ = DataParallel(backend: backend).synchronizeGradients(task.model.parameters, loss: loss.item, tokenCount: count)
                }
                return task.model.parameters.map { $0.gradientScalars ?? [] }
            }[0]
        }
        let (whole, shared) = (try gradients(1), try gradients(ranks))
        #expect(whole.map(\.count) == shared.map(\.count))
        for (x, y) in zip(whole, shared) { expectClose(y, x, tolerance: Tolerance.exact) }
    }

    /// Batches of 2 on 3 ranks: one rank has nothing in every step, and still takes part.
    @Test func emptySharesStillGiveTheGlobalStep() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            var options = F.options(steps: 4)
            options.batchSentences = 2
            let make = { (g: SeededGenerator) in (try F.translationTask(batchSentences: 2, generator: g), Adam?.none, TrainingState()) }
            let single = try F.train(ranks: 1, options: options, directory: directory.appendingPathComponent("one"), makeTask: make)[0]
            let parallel = try F.train(ranks: 3, options: options, directory: directory.appendingPathComponent("many"), makeTask: make)
            #expect(F.bitwiseEqual(parallel))
            #expect(F.largestDifference(parallel[0], single) <= F.sameComputation)
        }
    }

    @Test func classificationAndLanguageModelRanksTrainLikeOneProcess() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let options = F.options(steps: 4)
            let classify = { (g: SeededGenerator) in (try F.classificationTask(generator: g), Adam?.none, TrainingState()) }
            let one = try F.train(ranks: 1, options: options, directory: directory.appendingPathComponent("c1"), makeTask: classify)[0]
            let two = try F.train(ranks: 2, options: options, directory: directory.appendingPathComponent("c2"), makeTask: classify)
            #expect(F.bitwiseEqual(two))
            #expect(F.largestDifference(two[0], one) <= F.sameComputation)

            let lm = { (g: SeededGenerator) in (try F.languageModelTask(generator: g), Adam?.none, TrainingState()) }
            let lmOne = try F.train(ranks: 1, options: options, directory: directory.appendingPathComponent("l1"), makeTask: lm)[0]
            let lmThree = try F.train(ranks: 3, options: options, directory: directory.appendingPathComponent("l3"), makeTask: lm)
            #expect(F.bitwiseEqual(lmThree))
            #expect(F.largestDifference(lmThree[0], lmOne) <= F.sameComputation)
        }
    }

    @Test func imageClassificationRanksTrainLikeOneProcess() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let make = { (g: SeededGenerator) in (try F.imageTask(generator: g), Adam?.none, TrainingState()) }
            let one = try F.train(ranks: 1, options: F.options(steps: 4), directory: directory.appendingPathComponent("1"), makeTask: make)[0]
            let three = try F.train(ranks: 3, options: F.options(steps: 4), directory: directory.appendingPathComponent("3"), makeTask: make)
            #expect(F.bitwiseEqual(three))
            #expect(F.largestDifference(three[0], one) <= F.sameComputation)
        }
    }

    /// 3 steps on 2 ranks, saved, then resumed on 3 ranks to step 6: the run of one process for 6 steps.
    @Test func aRunResumesOnAnotherNumberOfRanks() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let single = try F.train(ranks: 1, options: F.options(steps: 6), directory: directory.appendingPathComponent("one")) {
                (try F.translationTask(generator: $0), nil, TrainingState())
            }[0]
            let first = directory.appendingPathComponent("first")
            _ = try F.train(ranks: 2, options: F.options(steps: 3), directory: first) {
                (try F.translationTask(generator: $0), nil, TrainingState())
            }
            let checkpoint = first.appendingPathComponent("rank0/last.safetensors")
            let resumed = try F.train(ranks: 3, options: F.options(steps: 6), directory: directory.appendingPathComponent("second")) {
                try F.resumed(from: checkpoint, generator: $0)
            }
            #expect(F.bitwiseEqual(resumed))
            #expect(resumed[0].summary.state.step == 6)
            #expect(F.largestDifference(resumed[0], single) <= F.sameComputation)
        }
    }

    /// With dropout, each rank draws its own masks from (seed, step, rank): a run stopped and resumed on
    /// the same number of ranks ends with the same bits as one that never stopped.
    @Test func aResumedRunWithDropoutRepeatsItsMasks() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let make = { (g: SeededGenerator) in (try F.translationTask(dropout: 0.2, generator: g), Adam?.none, TrainingState()) }
            let straight = try F.train(ranks: 2, options: F.options(steps: 6), directory: directory.appendingPathComponent("a"),
                                       makeTask: make)
            let noDropout = try F.train(ranks: 2, options: F.options(steps: 6), directory: directory.appendingPathComponent("n")) {
                (try F.translationTask(generator: $0), nil, TrainingState())
            }
            #expect(F.largestDifferenceOfAll(straight[0], noDropout[0]) > 1e-4, "dropout changed nothing")
            let first = directory.appendingPathComponent("b")
            _ = try F.train(ranks: 2, options: F.options(steps: 3), directory: first, makeTask: make)
            let resumed = try F.train(ranks: 2, options: F.options(steps: 6), directory: directory.appendingPathComponent("c")) {
                try F.resumed(from: first.appendingPathComponent("rank0/last.safetensors"), generator: $0)
            }
            #expect(F.bitwiseEqual(straight) && F.bitwiseEqual(resumed))
            #expect(F.largestDifferenceOfAll(resumed[0], straight[0]) == 0)
        }
    }

    /// A stop asked for on rank 1 alone (a signal that reached one process) stops every rank after the
    /// same step; rank 0 saves.
    @Test func aStopOnOneRankStopsThemAll() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let outcomes = try F.train(ranks: 2, options: F.options(steps: 20), directory: directory,
                                       shouldStop: { rank, polls in rank == 1 && polls >= 2 }) {
                (try F.translationTask(generator: $0), nil, TrainingState())
            }
            #expect(outcomes.allSatisfy { $0.summary.interrupted && $0.summary.state.step == 2 })
            #expect(outcomes[0].files == ["last.safetensors"] && outcomes[1].files.isEmpty)
        }
    }

    /// A task that does not split its batches is refused on several ranks, with a message naming it.
    @Test func aTaskThatCannotBeSplitIsRefused() throws {
        _ = try TrainingFixtures.withTemporaryDirectory { directory in
            #expect(throws: DistributedError.taskCannotBeSplit("whole", ranks: 2)) {
                _ = try F.train(ranks: 2, options: F.options(steps: 2), directory: directory) {
                    (WholeBatchTask(inner: try F.translationTask(generator: $0)), nil, TrainingState())
                }
            }
        }
    }
}

/// A task that keeps the protocol's default (no shares).
final class WholeBatchTask: TrainingTask {
    static let name = "whole"
    let inner: TranslationTask<Transformer>
    init(inner: TranslationTask<Transformer>) { self.inner = inner }
    var model: Transformer { inner.model }
    func batches(epoch: Int) -> [Batch] { inner.batches(epoch: epoch) }
    func loss(on batch: Batch, labelSmoothing: Float) -> (loss: Tensor, tokenCount: Int) { inner.loss(on: batch, labelSmoothing: labelSmoothing) }
    func validate(sampleCount: Int) throws -> (any ValidationResult)? { nil }
    func checkpointMetadata() throws -> [String: String] { try inner.checkpointMetadata() }
}
