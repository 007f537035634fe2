import Foundation
import Testing
@testable import TransformerCore

/// The training loop end to end on a tiny task: checkpoints, logs, reproducibility and exact resumption.
@Suite struct TrainerTests {
    /// With a zero learning rate the validation loss never improves after epoch 1, so patience 2 ends the
    /// run after epoch 3 (not at the 20-epoch bound), and best.safetensors is epoch 1's.
    @Test func patienceStopsARunThatNoLongerImproves() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            var options = TrainingFixtures.options(epochs: 20)
            options.schedule = .constant(0)
            options.patience = 2
            let trainer = try TrainingFixtures.newTrainer(options: options, directory: directory)
            let summary = try trainer.run()
            #expect(summary.stoppedEarly && !summary.interrupted)
            #expect(summary.state.completedEpochs == 3 && summary.state.bestEpoch == 1)
            let best = try TrainingRecord(metadata: try Checkpoint.load(from: trainer.bestCheckpoint).metadata, file: "best")
            #expect(best.state?.completedEpochs == 1)
        }
    }

    @Test func writesCheckpointsAndMetrics() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let logger = try TrainingLogger(logDirectory: directory.path)
            let trainer = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 2), directory: directory,
                                                          logger: logger)
            let summary = try trainer.run()
            try logger.close()
            #expect(!summary.interrupted)
            #expect(summary.state.completedEpochs == 2 && summary.state.step == 12 && summary.state.batchesIntoEpoch == 0)
            #expect(summary.state.targetTokens > 0 && summary.lastReport != nil)
            for name in ["last.safetensors", "best.safetensors"] {
                let loaded = try Checkpoint.load(from: directory.appendingPathComponent(name))
                let record = try TrainingRecord(metadata: loaded.metadata, file: name)
                #expect(record.options == TrainingFixtures.options(epochs: 2))
                #expect(try loaded.adamMoments() != nil)
            }
            let last = try Checkpoint.load(from: trainer.lastCheckpoint)
            let difference = TrainingFixtures.firstDifference(try last.model(Transformer.self), trainer.model)
            #expect(difference == nil, "weights differ at \(difference ?? "")")
            #expect(try TrainingRecord(metadata: last.metadata, file: "last").state == summary.state)
            let csv = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
            for tag in ["train/loss", "train/lr", "train/grad_norm", "train/tokens_per_s", "val/loss", "val/token_accuracy",
                        "val/exact_match", "val/cer"] {
                #expect(csv.contains(",\(tag),"), "\(tag) missing from metrics.csv")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).contains { $0.contains("tfevents") })
        }
    }

    @Test func theSameSeedGivesTheSameWeights() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let first = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 2),
                                                        directory: directory.appendingPathComponent("a"))
            let second = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 2),
                                                         directory: directory.appendingPathComponent("b"))
            let other = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 2, seed: 4),
                                                        directory: directory.appendingPathComponent("c"))
            for trainer in [first, second, other] {
                try FileManager.default.createDirectory(at: trainer.lastCheckpoint.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
                _ = try trainer.run()
            }
            let difference = TrainingFixtures.firstDifference(first.model, second.model)
            #expect(difference == nil, "weights differ at \(difference ?? "")")
            #expect(TrainingFixtures.firstDifference(first.model, other.model) != nil)
        }
    }

    /// 3 epochs straight vs 1 epoch, then resumed from its checkpoint for 2 more: the same bits.
    @Test func resumingAfterAnEpochEndsWithTheSameWeights() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let straight = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 3),
                                                           directory: directory.appendingPathComponent("straight"))
            let stopped = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 1),
                                                          directory: directory.appendingPathComponent("stopped"))
            for trainer in [straight, stopped] {
                try FileManager.default.createDirectory(at: trainer.lastCheckpoint.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
            }
            _ = try straight.run()
            _ = try stopped.run()
            #expect(TrainingFixtures.firstDifference(stopped.model, straight.model) != nil)
            let resumed = try TrainingFixtures.resumedTrainer(from: stopped.lastCheckpoint, epochs: 3,
                                                              directory: stopped.lastCheckpoint.deletingLastPathComponent())
            #expect(resumed.state.completedEpochs == 1 && resumed.state.step == 6)
            let summary = try resumed.run()
            #expect(summary.state.step == 18 && summary.state.completedEpochs == 3)
            let difference = TrainingFixtures.firstDifference(resumed.model, straight.model)
            #expect(difference == nil, "weights differ at \(difference ?? "")")
            let sameMoments = resumed.optimizer.firstMoments == straight.optimizer.firstMoments
                && resumed.optimizer.secondMoments == straight.optimizer.secondMoments
            #expect(sameMoments, "Adam's moments differ")
        }
    }

    /// Stopped by `shouldStop` in the middle of epoch 2 (step 8 of 18), then resumed: the same bits.
    @Test func resumingFromTheMiddleOfAnEpochEndsWithTheSameWeights() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let straight = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 3),
                                                           directory: directory)
            _ = try straight.run()
            let stopDirectory = directory.appendingPathComponent("stopped")
            try FileManager.default.createDirectory(at: stopDirectory, withIntermediateDirectories: true)
            var polls = 0
            let stopped = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 3), directory: stopDirectory,
                                                          shouldStop: { polls += 1; return polls == 9 })   // 8 steps + 1 poll after epoch 1
            let interrupted = try stopped.run()
            #expect(interrupted.interrupted)
            #expect(interrupted.state.step == 8 && interrupted.state.completedEpochs == 1 && interrupted.state.batchesIntoEpoch == 2)
            let resumed = try TrainingFixtures.resumedTrainer(from: stopped.lastCheckpoint, epochs: 3, directory: stopDirectory)
            #expect(resumed.state == interrupted.state)
            let summary = try resumed.run()
            #expect(!summary.interrupted && summary.state.step == 18)
            let difference = TrainingFixtures.firstDifference(resumed.model, straight.model)
            #expect(difference == nil, "weights differ at \(difference ?? "")")
        }
    }

    /// A step limit inside an epoch validates and saves there; a larger limit continues to the same bits.
    @Test func aStepLimitStopsMidEpochAndCanBeRaised() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let straight = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 3, maximumSteps: 15),
                                                           directory: directory)
            _ = try straight.run()
            #expect(straight.state.step == 15)
            let limited = directory.appendingPathComponent("limited")
            try FileManager.default.createDirectory(at: limited, withIntermediateDirectories: true)
            let first = try TrainingFixtures.newTrainer(options: TrainingFixtures.options(epochs: 3, maximumSteps: 4),
                                                        directory: limited)
            let summary = try first.run()
            #expect(summary.state.step == 4 && summary.state.batchesIntoEpoch == 4 && summary.lastReport != nil)
            let resumed = try TrainingFixtures.resumedTrainer(from: first.lastCheckpoint, epochs: 3, maximumSteps: 15,
                                                              directory: limited)
            _ = try resumed.run()
            let difference = TrainingFixtures.firstDifference(resumed.model, straight.model)
            #expect(difference == nil, "weights differ at \(difference ?? "")")
        }
    }

    @Test func resumingAnInferenceCheckpointIsAnError() throws {
        try TrainingFixtures.withTemporaryDirectory { directory in
            let (_, _, tokenizers) = try TrainingFixtures.data()
            let model = try Transformer(configuration: TrainingFixtures.configuration(vocabulary: tokenizers.source.vocabularySize),
                                        generator: SeededGenerator(seed: 0))
            let url = directory.appendingPathComponent("model.safetensors")
            let record = TrainingRecord(tokenizers: tokenizers, options: nil, state: nil, optimizerStep: nil)
            try Checkpoint.save(model: model, metadata: try record.metadata(), to: url)
            let generator = SeededGenerator(seed: 0)
            let loaded = try Checkpoint.load(from: url, generator: generator)
            #expect(throws: CheckpointError.self) { try TrainingResume(checkpoint: loaded, generator: generator) }
        }
    }
}
