import Foundation
import TransformerCore

/// What a run uses, decided from the command line (a new run) or from the `--resume` checkpoint.
struct TrainSettings {
    var sourceTokenizer: TokenizerChoice
    var targetTokenizer: TokenizerChoice
    var data: TrainDataOptions
    /// `--data` and `--val-data` as shown in messages: as typed, or as stored in the checkpoint.
    var dataName: String
    var validationDataName: String?
    var options: TrainingOptions
    /// The checkpoint being resumed, with its optimizer and state restored.
    var resumed: (checkpoint: TrainedCheckpoint, resume: TrainingResume)?
}

extension TrainCommand {
    /// The settings of this run. With `--resume`, everything but the stopping point and the logging
    /// comes from the checkpoint, and a flag given with a different value is a ``UsageError``.
    /// `generator` is the one the checkpoint was loaded with; it gets the saved state.
    func settings(resuming checkpoint: TrainedCheckpoint?, generator: SeededGenerator) throws -> TrainSettings {
        guard let checkpoint else {
            let dataName = dataPath!   // validate() requires --data without --resume
            return TrainSettings(sourceTokenizer: sourceTokenizer, targetTokenizer: targetTokenizer, data: newDataOptions, dataName: dataName,
                                 validationDataName: validationDataPath,
                                 options: newOptions(modelDimension: arguments.integer("d-model")), resumed: nil)
        }
        let resume = try TrainingResume(checkpoint: checkpoint.loaded, generator: generator)
        var options = resume.options
        try checkConflicts(with: checkpoint, options: options)
        var data = checkpoint.dataOptions ?? newDataOptions
        if checkpoint.dataOptions == nil && dataPath == nil {
            throw UsageError.invalidValue(option: "data", expected: "the training pairs (the checkpoint does not record its data file)",
                                          found: "nothing")
        }
        if let dataPath { data.data = Self.absolute(dataPath) }
        if let validationDataPath {
            if checkpoint.dataOptions != nil && data.validationData == nil {
                throw UsageError("--val-data: the checkpoint's run held out --val-fraction \(data.validationFraction) of "
                                 + "--data for validation; leave --val-data out with --resume")
            }
            data.validationData = Self.absolute(validationDataPath)
        }
        data.skipInvalid = data.skipInvalid || arguments.flag("skip-invalid")
        if arguments.isGiven("epochs") { options.epochs = arguments.integer("epochs") }
        if arguments.isGiven("patience") {
            options.patience = arguments.integer("patience") > 0 ? arguments.integer("patience") : nil
        }
        if arguments.isGiven("steps") { options.maximumSteps = arguments.integer("steps") }
        if arguments.isGiven("log-every") { options.logInterval = arguments.integer("log-every") }
        if arguments.isGiven("samples") { options.sampleCount = arguments.integer("samples") }
        let stored = checkpoint.tokenizerChoices
        return TrainSettings(sourceTokenizer: stored.source, targetTokenizer: stored.target,
                             data: data, dataName: dataPath ?? data.data,
                             validationDataName: validationDataPath ?? data.validationData, options: options,
                             resumed: (checkpoint, resume))
    }

    /// Throws for the first flag given explicitly whose setting differs from the checkpoint's.
    func checkConflicts(with checkpoint: TrainedCheckpoint, options: TrainingOptions) throws(UsageError) {
        if checkpoint.model is RecurrentEncoderDecoder {
            for option in Self.transformerOnlyOptions where arguments.isGiven(option) {
                throw UsageError("--\(option): the checkpoint holds a \(checkpoint.model.architectureName) encoder-decoder, "
                                 + "which has no such setting; leave it out")
            }
        }
        let tokenizers = checkpoint.tokenizers
        let choices = checkpoint.tokenizerChoices
        let models = modelSettingTexts(checkpoint.model)
        let stored = Self.settingText(model: models.stored, options: options, sourceTokenizer: choices.source,
                                      targetTokenizer: choices.target,
                                      sharedVocabulary: checkpoint.dataOptions?.sharedVocabulary ?? tokenizers.isShared,
                                      data: checkpoint.dataOptions)
        let given = Self.settingText(model: models.given,
                                     options: newOptions(modelDimension: arguments.integer("d-model")),
                                     sourceTokenizer: sourceTokenizer, targetTokenizer: targetTokenizer,
                                     sharedVocabulary: arguments.flag("shared-vocab"), data: newDataOptions)
        for option in Self.options where arguments.isGiven(option.name) {
            let keys = option.name == "tokenizer" ? ["src-tokenizer", "tgt-tokenizer"] : [option.name]
            for key in keys {
                guard let storedValue = stored[key], let givenValue = given[key], storedValue != givenValue else { continue }
                throw UsageError("--\(option.name): the checkpoint has \(key == option.name ? "" : "--\(key) ")"
                                 + "\(storedValue), got \(givenValue); with --resume leave it out (the checkpoint's "
                                 + "settings are used) or start a new run")
            }
        }
    }

    /// Each setting that --resume takes from the checkpoint, as text by flag name.
    /// `model`: the model's settings (``settingText(_:)`` of its configuration).
    static func settingText(model: [String: String], options: TrainingOptions,
                            sourceTokenizer: TokenizerChoice, targetTokenizer: TokenizerChoice, sharedVocabulary: Bool,
                            data: TrainDataOptions?) -> [String: String] {
        var text: [String: String] = model.merging([
            "src-tokenizer": sourceTokenizer.description, "tgt-tokenizer": targetTokenizer.description,
            "shared-vocab": "\(sharedVocabulary)",
            "batch-size": options.batchTokens == nil ? "\(options.batchSentences)" : "none (--batch-tokens)",
            "batch-tokens": options.batchTokens.map { "\($0)" } ?? "none (--batch-size)",
            "label-smoothing": "\(options.labelSmoothing)", "clip": "\(options.maximumGradientNorm ?? 0)",
            "seed": "\(options.seed)",
        ]) { model, _ in model }
        switch options.schedule {
        case let .constant(rate):
            text["lr"] = "\(rate)"
            text["warmup"] = "none (a constant --lr)"
            text["lr-scale"] = "none (a constant --lr)"
        case let .inverseSquareRoot(_, warmup, scale):
            text["lr"] = "none (the schedule)"
            text["warmup"] = "\(warmup)"
            text["lr-scale"] = "\(scale)"
        case let .cosine(peak, warmup, _):
            text["lr"] = "\(peak)"
            text["warmup"] = "\(warmup)"
            text["lr-scale"] = "none (--schedule cosine)"
        }
        if let data {
            text["min-freq"] = "\(data.minimumFrequency)"
            if let size = data.vocabularySize { text["vocab-size"] = "\(size)" }
            text["val-fraction"] = data.validationData == nil ? "\(Float(data.validationFraction))" : "none (--val-data)"
        }
        return text
    }
}
