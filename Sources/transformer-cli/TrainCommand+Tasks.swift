import Foundation
import TransformerCore

/// `train --task classify`, `lm` and `image-classify`: read the data, build the model and its task, and run the
/// same ``Trainer`` (logs, checkpoints, stop signals) as translation.
extension TrainCommand {
    func runTask(_ task: TrainTask, _ parallel: DataParallel?) throws -> Int32 {
        let signals = StopSignals { number in
            printError("\n\(StopSignals.name(number)): finishing the current step, then saving last.safetensors")
        }
        defer { signals.restore() }
        let generator = SeededGenerator(seed: arguments.unsignedInteger("seed"))
        // A resumed run takes its data settings, tokenizer, model, optimizer and state from the checkpoint.
        var resumed: (loaded: LoadedCheckpoint, resume: TrainingResume, data: TaskDataOptions)?
        if let resumePath {
            for option in Self.options.map(\.name) where arguments.isGiven(option)
                && !["resume", "epochs", "steps", "patience", "log-every", "samples", "logdir", "out", "task"].contains(option) {
                throw UsageError("--\(option): with --resume of a \(task.rawValue) run the checkpoint's settings are used; "
                                 + "leave it out (only --epochs, --steps, --patience, --log-every, --logdir and --out apply)")
            }
            let loaded: LoadedCheckpoint
            do { loaded = try Checkpoint.load(from: URL(fileURLWithPath: resumePath), generator: generator) }
            catch { throw CheckpointError(file: resumePath, kind: error.kind, detail: error.detail) }
            let resume = try TrainingResume(checkpoint: loaded, generator: generator)
            guard let json = loaded.metadata[TaskDataOptions.metadataKey],
                  let data = try? JSONDecoder().decode(TaskDataOptions.self, from: Data(json.utf8)) else {
                throw CheckpointError(file: resumePath, kind: .invalidMetadata,
                                      detail: "metadata has no valid \"\(TaskDataOptions.metadataKey)\"; it cannot be resumed")
            }
            resumed = (loaded, resume, data)
        }
        let stored = resumed?.data
        guard let dataPath = stored?.data ?? dataPath else {
            throw UsageError.invalidValue(option: "data", expected: "a data file", found: "nothing")
        }
        let validationDataPath = stored.map { $0.validationData } ?? validationDataPath
        let (logDirectory, outDirectory) = try outputDirectories(resuming: resumePath)
        let block = BlockConfiguration(
            modelDimension: arguments.integer("d-model"), headCount: arguments.integer("heads"),
            feedForwardDimension: arguments.integer("d-ff"), dropout: arguments.number("dropout"),
            normPlacement: arguments.choice("norm", as: TransformerConfiguration.NormPlacement.self),
            activation: arguments.choice("activation", as: TransformerConfiguration.Activation.self),
            selfAttention: ConfigurationOptions.attentionKinds(from: arguments).selfAttention)
        var options = newOptions(modelDimension: block.modelDimension)
        options.maximumDecodeLength = 0
        if let resume = resumed?.resume {
            options = resume.options
            if arguments.isGiven("epochs") { options.epochs = arguments.integer("epochs") }
            if arguments.isGiven("steps") { options.maximumSteps = arguments.integer("steps") }
            if arguments.isGiven("patience") { options.patience = arguments.integer("patience") > 0 ? arguments.integer("patience") : nil }
            if arguments.isGiven("log-every") { options.logInterval = arguments.integer("log-every") }
            try checkWorkLeft(state: resume.state, options: options)
        }
        let augmentation = try Self.augmentation(parsing: arguments.text("augment") ?? "none")
        let dataOptions = stored ?? TaskDataOptions(
            task: task.rawValue, data: Self.absolute(dataPath), validationData: validationDataPath.map(Self.absolute),
            validationFraction: Double(arguments.number("val-fraction")), tokenizer: sourceTokenizer,
            minimumFrequency: arguments.integer("min-freq"), lowercase: arguments.flag("lowercase"),
            maximumTokens: arguments.integer("max-len"),
            context: arguments.integer("context"), batchSize: arguments.integer("batch-size"), seed: arguments.unsignedInteger("seed"),
            vocabularySize: arguments.integer("vocab-size"), imageSize: task == .imageClassify ? arguments.optionalInteger("image-size") : nil,
            patchSize: task == .imageClassify && !arguments.isGiven("init-from") ? arguments.integer("patch-size") : nil,
            augmentation: task == .imageClassify ? augmentation : nil)
        let choice = dataOptions.tokenizer, vocabularySize = dataOptions.vocabularySize ?? TokenizerChoice.defaultVocabularySize
        let positional = arguments.choice("positional", as: TransformerConfiguration.PositionalEncodingKind.self)
        let layers = arguments.integer("layers")
        let seed = dataOptions.seed
        let minimumFrequency = dataOptions.minimumFrequency
        func prepare<T: TrainingTask>(_ task: T, summary: [String]) throws -> Trainer<T> {
            let batchesPerEpoch = task.batches(epoch: 0).count
            if resumed == nil {
                if let steps = options.maximumSteps, !arguments.isGiven("epochs") {
                    options.epochs = max(1, (steps + max(1, batchesPerEpoch) - 1) / max(1, batchesPerEpoch))
                }
                options = sizingWarmup(options, batchesPerEpoch: batchesPerEpoch)
            }
            summary.forEach { print($0) }
            print("Model: \(TextFormatting.grouped(task.model.parameterCount)) parameters"
                  + ConfigurationOptions.attentionSummary(of: task.model))
            let patience = options.patience.map { ", early stopping after \($0) epochs without a lower validation loss" } ?? ""
            print("Training: \(batchesPerEpoch) batches an epoch, up to \(options.epochs) epochs\(patience); "
                  + TrainCommand.describe(options.schedule))
            if let state = resumed?.resume.state {
                print("Resuming after \(state.completedEpochs) epochs (step \(state.step)) from \(resumePath ?? "")")
            }
            print("Writing checkpoints to \(outDirectory.path), logs to \(logDirectory.path)")
            let isRoot = Self.beforeWriting(parallel)
            if isRoot {
                try logDirectory.create()
                try outDirectory.create()
            }
            let logger = isRoot ? try TrainingLogger(logDirectory: logDirectory.path) : nil
            let optimizer = resumed?.resume.optimizer ?? Adam(parameters: task.model.parameters,
                                                             learningRate: options.schedule.rate(at: 1),
                                                             beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
            return Trainer(task: task, optimizer: optimizer, options: options, state: resumed?.resume.state ?? TrainingState(),
                           generator: generator, checkpointDirectory: outDirectory.url, logger: logger,
                           progress: isRoot ? ProgressReporter(lineInterval: options.logInterval,
                                                               unit: T.self == ImageClassificationTask.self ? "img" : "tok") : nil,
                           shouldStop: { signals.received != nil },
                           extraMetadata: [TaskDataOptions.metadataKey: dataOptions.json()], dataParallel: parallel)
        }
        func train<T: TrainingTask>(_ trainer: Trainer<T>) throws -> Int32 {
            let summary = try runTrainer(trainer)
            if parallel?.isRoot ?? true { writeLossPlot(logDirectory: OutputDirectory(option: "logdir", path: logDirectory.path)) }
            let best = summary.state.bestValidationLoss.map { String(format: ", best validation loss %.4f", $0) } ?? ""
            print("Trained \(summary.state.step) steps in \(summary.state.completedEpochs) epochs "
                  + String(format: "(%.1f s)", summary.state.trainingSeconds) + best
                  + "; checkpoints: \(trainer.bestCheckpoint.relativePath), \(trainer.lastCheckpoint.relativePath)")
            return signals.received.map(StopSignals.exitStatus) ?? ExitCode.success
        }

        switch task {
        case .classify:
            let data = try ClassifierData.read(data: dataPath, validation: validationDataPath,
                                               fraction: dataOptions.validationFraction, seed: seed)
            let maximumTokens = dataOptions.maximumTokens
            if let (loaded, _, _) = resumed {
                let classifier = try FamilyCheckpoint.classifier(resumePath!, loaded: loaded)
                guard classifier.labels == data.labels else {
                    throw CommandFailure("\(dataPath): the data now gives the classes \(data.labels.joined(separator: ", ")), "
                                         + "the checkpoint has \(classifier.labels.joined(separator: ", "))", status: ExitCode.dataError)
                }
                let (training, _) = data.encode(data.training, tokenizer: classifier.tokenizer, maximumTokens: maximumTokens)
                let (validation, _) = data.encode(data.validation, tokenizer: classifier.tokenizer, maximumTokens: maximumTokens)
                let task = ClassificationTask(model: classifier.model, tokenizer: classifier.tokenizer, labels: classifier.labels,
                                              training: training, validation: validation, batchSize: options.batchSize, seed: seed)
                return try train(try prepare(task, summary: []))
            }
            let tokenizer = try choice.build(texts: data.training.texts, minimumFrequency: minimumFrequency,
                                             lowercase: dataOptions.lowercase, vocabularySize: vocabularySize)
            let (training, cutTraining) = data.encode(data.training, tokenizer: tokenizer, maximumTokens: maximumTokens)
            let (validation, cutValidation) = data.encode(data.validation, tokenizer: tokenizer, maximumTokens: maximumTokens)
            let pooling = arguments.choice("pooling", as: ClassifierConfiguration.Pooling.self)
            let configuration = ClassifierConfiguration(
                vocabularySize: tokenizer.vocabularySize, classCount: data.labels.count, block: block, layerCount: layers,
                maximumLength: maximumTokens + (pooling == .classToken ? 1 : 0), positionalEncoding: positional,
                pooling: pooling, specialTokens: tokenizer.specialTokens)
            let model: EncoderClassifier
            do { model = try EncoderClassifier(configuration: configuration, generator: generator) }
            catch { throw CommandFailure("configuration: \(error)", status: ExitCode.usage) }
            let task = ClassificationTask(model: model, tokenizer: tokenizer, labels: data.labels, training: training,
                                          validation: validation, batchSize: options.batchSize, seed: seed)
            var lines = ["Data: \(TextFormatting.grouped(training.count)) training and \(TextFormatting.grouped(validation.count)) "
                         + "validation texts, \(data.labels.count) classes (\(data.labels.joined(separator: ", "))), "
                         + "\(TextFormatting.grouped(tokenizer.vocabularySize)) \(tokenizer.name) tokens in the vocabulary"]
            if cutTraining + cutValidation > 0 {
                lines.append("note: \(TextFormatting.grouped(cutTraining + cutValidation)) texts were longer than --max-len \(maximumTokens) tokens and were cut")
            }
            return try train(try prepare(task, summary: lines))
        case .lm:
            let text = try readTextData(dataPath)
            let fraction = dataOptions.validationFraction
            let trainingText: String, validationText: String, validationName: String
            if let validationDataPath {   // a text of its own (e.g. other plays)
                (trainingText, validationText) = (text, try readTextData(validationDataPath))
                validationName = validationDataPath
            } else {                      // the end of the text: never a region training windows come from
                let characters = Array(text)
                let cut = characters.count - Int((Double(characters.count) * fraction).rounded())
                (trainingText, validationText) = (String(characters[..<cut]), String(characters[cut...]))
                validationName = "the last \(Int((fraction * 100).rounded()))% of \(dataPath)"
            }
            let context = dataOptions.context
            if let (loaded, _, _) = resumed {
                let bundle = try FamilyCheckpoint.languageModel(resumePath!, loaded: loaded)
                let task = LanguageModelTask(model: bundle.model, tokenizer: bundle.tokenizer,
                                             trainingIDs: bundle.tokenizer.encodeIDs(trainingText),
                                             validationIDs: bundle.tokenizer.encodeIDs(validationText),
                                             validationCharacters: validationText.count, context: context,
                                             batchSize: dataOptions.batchSize, seed: seed)
                return try train(try prepare(task, summary: []))
            }
            let tokenizer = try choice.build(texts: [trainingText], minimumFrequency: minimumFrequency,
                                             lowercase: dataOptions.lowercase, vocabularySize: vocabularySize)
            let trainingIDs = tokenizer.encodeIDs(trainingText), validationIDs = tokenizer.encodeIDs(validationText)
            guard trainingIDs.count > context else {
                throw CommandFailure("--context: expected fewer tokens than the training text's \(trainingIDs.count), got \(context)",
                                     status: ExitCode.usage)
            }
            let configuration = LanguageModelConfiguration(
                vocabularySize: tokenizer.vocabularySize, block: block, layerCount: layers, maximumLength: context,
                positionalEncoding: positional, tieEmbedding: arguments.flag("tie-embeddings"),
                specialTokens: tokenizer.specialTokens)
            let model: LanguageModel
            do { model = try LanguageModel(configuration: configuration, generator: generator) }
            catch { throw CommandFailure("configuration: \(error)", status: ExitCode.usage) }
            let task = LanguageModelTask(model: model, tokenizer: tokenizer, trainingIDs: trainingIDs, validationIDs: validationIDs,
                                         validationCharacters: validationText.count, context: context,
                                         batchSize: dataOptions.batchSize, seed: seed)
            let lines = ["Data: \(TextFormatting.grouped(trainingIDs.count)) training and \(TextFormatting.grouped(validationIDs.count)) "
                         + "validation tokens (\(validationName)), "
                         + "\(tokenizer.vocabularySize) \(tokenizer.name) tokens in the vocabulary, context \(context)"]
            return try train(try prepare(task, summary: lines))
        case .imageClassify:
            let (task, lines) = try imageTask(dataOptions, resumed: resumed?.loaded, block: block, layers: layers, generator: generator)
            return try train(try prepare(task, summary: resumed == nil ? lines : []))
        case .translate:
            preconditionFailure("translation runs through run()")
        }
    }

    /// A plain UTF-8 text that is not empty, or a one-line error naming the file.
    func readTextData(_ path: String) throws -> String {
        let text: String
        do { text = try LabeledTexts.readText(path) }
        catch { throw CommandFailure("\(error)", status: ExitCode.noInput) }
        guard !text.allSatisfy(\.isWhitespace) else {
            throw CommandFailure("\(path): expected a text to train on, found an empty file", status: ExitCode.dataError)
        }
        return text
    }
}
