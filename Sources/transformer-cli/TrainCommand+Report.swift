import Foundation
import TransformerCore

/// What `train` prints before and after training.
extension TrainCommand {
    /// Models above this many parameters get a note that they are big for a CPU.
    static let largeModelParameters = 5_000_000

    func printSummary(settings: TrainSettings, data: TrainingData, tokenizers: TokenizerPair, training: EncodedPairs,
                      validation: EncodedPairs, model: any SequenceToSequenceModel, batchesPerEpoch: Int,
                      logDirectory: OutputDirectory, outDirectory: OutputDirectory) {
        let options = settings.options
        let grouped = TextFormatting.grouped
        if let (checkpoint, resume) = settings.resumed {
            let state = resume.state
            let place = state.batchesIntoEpoch > 0
                ? "epoch \(state.completedEpochs + 1) from batch \(grouped(state.batchesIntoEpoch + 1))"
                : "epoch \(state.completedEpochs + 1)"
            print("Resuming \(checkpoint.path) at step \(grouped(state.step)): \(place)")
        }
        var dataLine = "Data: \(settings.dataName): \(grouped(data.pairsRead)) pairs"
        if data.skipped > 0 { dataLine += " (\(grouped(data.skipped)) invalid lines left out)" }
        if let name = settings.validationDataName, settings.data.validationData != nil {
            dataLine += "; validation: \(name): \(grouped(data.validation.count)) pairs"
            if data.validationSkipped > 0 { dataLine += " (\(grouped(data.validationSkipped)) invalid lines left out)" }
        } else {
            dataLine += "; training \(grouped(data.training.count)), validation \(grouped(data.validation.count))"
                + " (--val-fraction \(Float(settings.data.validationFraction)), --seed \(options.seed))"
        }
        print(dataLine)
        let source = tokenizers.source, target = tokenizers.target
        let shared = settings.data.sharedVocabulary ? ", shared" : ""
        print("Vocabulary: source \(grouped(source.vocabularySize)) \(source.name) tokens, target "
              + "\(grouped(target.vocabularySize)) \(target.name) tokens (specials included\(shared)"
              + "\(settings.data.minimumFrequency > 1 ? ", --min-freq \(settings.data.minimumFrequency)" : ""))")
        for (part, encoded) in [("training", training), ("validation", validation)] where encoded.unknownTokens > 0 {
            printError("note: \(part): \(grouped(encoded.unknownTokens)) tokens in \(grouped(encoded.pairsWithUnknown)) "
                       + "pairs are not in the vocabulary; they map to <unk>")
        }
        print("Model: " + TrainedCheckpoint.modelSummary(model))
        if model.parameterCount > Self.largeModelParameters && settings.resumed == nil {
            printError("note: \(grouped(model.parameterCount)) parameters is a large model for a CPU; for a small task try "
                       + "--d-model 64 --heads 4 --layers 2 --d-ff 256")
        }
        let batches = options.batchTokens.map { "up to \(grouped($0)) tokens a side" } ?? "\(options.batchSentences) pairs"
        var length = "\(Self.count(options.epochs, "epoch", "epochs")) of \(Self.count(batchesPerEpoch, "batch", "batches")) (\(batches))"
        if let steps = options.maximumSteps { length += ", at most \(grouped(steps)) steps" }
        if let patience = options.patience { length += ", stopping after \(Self.count(patience, "epoch", "epochs")) without a lower validation loss" }
        print("Training: \(length); \(Self.describe(options.schedule)); label smoothing \(options.labelSmoothing), "
              + "clip \(options.maximumGradientNorm.map { "\($0)" } ?? "off"), seed \(options.seed)")
        print("Logs: \(logDirectory.path) (TensorBoard: tensorboard --logdir \(logDirectory.path))")
        print("Checkpoints: \(outDirectory.path)/last.safetensors every epoch, best.safetensors at the best validation loss")
    }

    /// "1 epoch", "2,000 batches".
    static func count(_ value: Int, _ singular: String, _ plural: String) -> String {
        "\(TextFormatting.grouped(value)) \(value == 1 ? singular : plural)"
    }

    /// "Adam, lr = 1 * d_model^-0.5 * min(step^-0.5, step * 400^-1.5) (peak 0.00625 at step 400)".
    static func describe(_ schedule: LearningRateSchedule) -> String {
        switch schedule {
        case let .constant(rate):
            return "Adam, constant lr \(rate)"
        case let .inverseSquareRoot(dimension, warmup, scale):
            let peak = schedule.rate(at: warmup)
            return "Adam, lr = \(scale) * \(dimension)^-0.5 * min(step^-0.5, step * \(warmup)^-1.5)"
                + " (peak \(String(format: "%.3g", peak)) at step \(warmup))"
        case let .cosine(peak, warmup, total):
            return "Adam, lr warms up linearly to \(peak) over \(warmup) steps, then falls as a half cosine to 0 at step \(total)"
        }
    }

    /// The closing lines, and the exit status: 0, or 130 / 143 when a signal stopped the run.
    func finish<Task>(_ summary: TrainingSummary, trainer: Trainer<Task>, settings: TrainSettings, signal: Int32?) -> Int32 {
        let state = summary.state
        let grouped = TextFormatting.grouped
        let seconds = state.trainingSeconds
        let rate = seconds > 0 ? grouped(Int((Double(state.targetTokens) / seconds).rounded())) : "--"
        let place = state.batchesIntoEpoch > 0
            ? "step \(grouped(state.step)) (epoch \(state.completedEpochs + 1), batch \(grouped(state.batchesIntoEpoch)))"
            : "step \(grouped(state.step)) (the end of epoch \(state.completedEpochs))"
        let last = trainer.lastCheckpoint.relativePath
        if summary.interrupted {
            let number = signal ?? SIGINT
            print("Stopped by \(StopSignals.name(number)) at \(place); saved \(last)")
            print("Resume with: transformer-cli train --resume \(last)")
            return StopSignals.exitStatus(number)
        }
        if summary.stoppedEarly { print("Stopped early: no lower validation loss for \(settings.options.patience ?? 0) epochs") }
        print("Finished at \(place) after \(ProgressReporter.formatDuration(seconds)) of training, \(rate) target tokens/s")
        if let best = state.bestValidationLoss {
            print("Best validation loss \(String(format: "%.4f", best)) per token: \(trainer.bestCheckpoint.relativePath)")
        }
        let chosen = settings.data.validationPairs == 0 ? last : trainer.bestCheckpoint.relativePath
        print("Translate with: transformer-cli translate --checkpoint \(chosen) <text>")
        return ExitCode.success
    }
}
