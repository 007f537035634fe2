import Foundation
import TransformerCore

/// `train --task classify` and `train --task lm`: read the data, build the model and its task, and run the
/// same ``Trainer`` (logs, checkpoints, stop signals) as translation.
extension TrainCommand {
    func runTask(_ task: TrainTask) throws -> Int32 {
        if resumePath != nil {
            throw UsageError("--resume: continuing a run is supported for --task translate only, so far")
        }
        guard let dataPath else { throw UsageError.invalidValue(option: "data", expected: "a data file", found: "nothing") }
        let signals = StopSignals { number in
            printError("\n\(StopSignals.name(number)): finishing the current step, then saving last.safetensors")
        }
        defer { signals.restore() }
        let generator = SeededGenerator(seed: arguments.unsignedInteger("seed"))
        let (logDirectory, outDirectory) = try outputDirectories(resuming: nil)
        let block = BlockConfiguration(
            modelDimension: arguments.integer("d-model"), headCount: arguments.integer("heads"),
            feedForwardDimension: arguments.integer("d-ff"), dropout: arguments.number("dropout"),
            normPlacement: arguments.choice("norm", as: TransformerConfiguration.NormPlacement.self),
            activation: arguments.choice("activation", as: TransformerConfiguration.Activation.self))
        var options = newOptions(modelDimension: block.modelDimension)
        options.maximumDecodeLength = 0
        let kind = arguments.choice("tokenizer", as: TokenizerKind.self)
        let positional = arguments.choice("positional", as: TransformerConfiguration.PositionalEncodingKind.self)
        let layers = arguments.integer("layers")
        let seed = arguments.unsignedInteger("seed")
        let minimumFrequency = arguments.integer("min-freq")
        func prepare<T: TrainingTask>(_ task: T, summary: [String]) throws -> Trainer<T> {
            if let steps = options.maximumSteps, !arguments.isGiven("epochs") {
                let perEpoch = max(1, task.batches(epoch: 0).count)
                options.epochs = max(1, (steps + perEpoch - 1) / perEpoch)
            }
            options = sizingWarmup(options, batchesPerEpoch: task.batches(epoch: 0).count)
            summary.forEach { print($0) }
            print("Model: \(TextFormatting.grouped(task.model.parameterCount)) parameters (d_model \(block.modelDimension), "
                  + "\(block.headCount) heads, \(layers) layer\(layers == 1 ? "" : "s"), d_ff \(block.feedForwardDimension))")
            print("Training: \(task.batches(epoch: 0).count) batches an epoch, up to \(options.epochs) epochs")
            print("Writing checkpoints to \(outDirectory.path), logs to \(logDirectory.path)")
            try logDirectory.create()
            try outDirectory.create()
            let logger = try TrainingLogger(logDirectory: logDirectory.path)
            let optimizer = Adam(parameters: task.model.parameters, learningRate: options.schedule.rate(at: 1),
                                 beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
            return Trainer(task: task, optimizer: optimizer, options: options, generator: generator,
                           checkpointDirectory: outDirectory.url, logger: logger,
                           progress: ProgressReporter(lineInterval: options.logInterval),
                           shouldStop: { signals.received != nil })
        }
        func train<T: TrainingTask>(_ trainer: Trainer<T>) throws -> Int32 {
            #if DEBUG
            printError("note: this is a debug build, which trains many times slower than a release build; "
                       + "for real runs use 'swift run -c release transformer-cli train ...'")
            #endif
            MemoryReuse.keepFreedMemoryForReuse()
            let summary: TrainingSummary
            do {
                summary = try trainer.run()
            } catch let error as DivergenceError {
                throw divergenceFailure(error, trainer: trainer)
            }
            writeLossPlot(logDirectory: OutputDirectory(option: "logdir", path: logDirectory.path))
            let best = summary.state.bestValidationLoss.map { String(format: ", best validation loss %.4f", $0) } ?? ""
            print("Trained \(summary.state.step) steps in \(summary.state.completedEpochs) epochs "
                  + String(format: "(%.1f s)", summary.state.trainingSeconds) + best
                  + "; checkpoints: \(trainer.bestCheckpoint.relativePath), \(trainer.lastCheckpoint.relativePath)")
            return signals.received.map(StopSignals.exitStatus) ?? ExitCode.success
        }

        switch task {
        case .classify:
            let data = try ClassifierData.read(data: dataPath, validation: validationDataPath,
                                               fraction: Double(arguments.number("val-fraction")), seed: seed)
            let tokenizer = try Tokenizer.build(kind: kind, texts: data.training.texts, minimumFrequency: minimumFrequency)
            let maximumTokens = arguments.integer("max-len")
            let (training, cutTraining) = data.encode(data.training, tokenizer: tokenizer, maximumTokens: maximumTokens)
            let (validation, cutValidation) = data.encode(data.validation, tokenizer: tokenizer, maximumTokens: maximumTokens)
            let pooling = arguments.choice("pooling", as: ClassifierConfiguration.Pooling.self)
            let configuration = ClassifierConfiguration(
                vocabularySize: tokenizer.vocabulary.count, classCount: data.labels.count, block: block, layerCount: layers,
                maximumLength: maximumTokens + (pooling == .classToken ? 1 : 0), positionalEncoding: positional,
                pooling: pooling, specialTokens: tokenizer.specialTokens)
            let model: EncoderClassifier
            do { model = try EncoderClassifier(configuration: configuration, generator: generator) }
            catch { throw CommandFailure("configuration: \(error)", status: ExitCode.usage) }
            let task = ClassificationTask(model: model, tokenizer: tokenizer, labels: data.labels, training: training,
                                          validation: validation, batchSize: options.batchSize, seed: seed)
            var lines = ["Data: \(TextFormatting.grouped(training.count)) training and \(TextFormatting.grouped(validation.count)) "
                         + "validation texts, \(data.labels.count) classes (\(data.labels.joined(separator: ", "))), "
                         + "\(tokenizer.vocabulary.count) \(kind.rawValue) tokens in the vocabulary"]
            if cutTraining + cutValidation > 0 {
                lines.append("note: \(cutTraining + cutValidation) texts were longer than --max-len \(maximumTokens) tokens and were cut")
            }
            return try train(try prepare(task, summary: lines))
        case .lm:
            let text = try readTextData(dataPath)
            let fraction = Double(arguments.number("val-fraction"))
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
            let tokenizer = try Tokenizer.build(kind: kind, texts: [trainingText], minimumFrequency: minimumFrequency)
            let context = arguments.integer("context")
            let trainingIDs = tokenizer.encodeIDs(trainingText), validationIDs = tokenizer.encodeIDs(validationText)
            guard trainingIDs.count > context else {
                throw CommandFailure("--context: expected fewer tokens than the training text's \(trainingIDs.count), got \(context)",
                                     status: ExitCode.usage)
            }
            let configuration = LanguageModelConfiguration(
                vocabularySize: tokenizer.vocabulary.count, block: block, layerCount: layers, maximumLength: context,
                positionalEncoding: positional, tieEmbedding: arguments.flag("tie-embeddings"),
                specialTokens: tokenizer.specialTokens)
            let model: LanguageModel
            do { model = try LanguageModel(configuration: configuration, generator: generator) }
            catch { throw CommandFailure("configuration: \(error)", status: ExitCode.usage) }
            let task = LanguageModelTask(model: model, tokenizer: tokenizer, trainingIDs: trainingIDs, validationIDs: validationIDs,
                                         validationCharacters: validationText.count, context: context,
                                         batchSize: arguments.integer("batch-size"), seed: seed)
            let lines = ["Data: \(TextFormatting.grouped(trainingIDs.count)) training and \(TextFormatting.grouped(validationIDs.count)) "
                         + "validation tokens (\(validationName)), "
                         + "\(tokenizer.vocabulary.count) \(kind.rawValue) tokens in the vocabulary, context \(context)"]
            return try train(try prepare(task, summary: lines))
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

/// The classifier's data: training and validation texts and the classes.
struct ClassifierData {
    let training: LabeledTexts
    let validation: LabeledTexts
    /// The training part's labels, sorted; class k is `labels[k]`.
    let labels: [String]

    /// Reads `data` (and `validation`, or holds out `fraction` of `data` drawn with `seed`); every
    /// validation label must be a training label.
    static func read(data: String, validation: String?, fraction: Double, seed: UInt64) throws -> ClassifierData {
        func load(_ path: String) throws -> LabeledTexts {
            do { return try LabeledTexts.read(path) }
            catch { throw CommandFailure("\(error)", status: error.line == 0 ? ExitCode.noInput : ExitCode.dataError) }
        }
        let all = try load(data)
        guard all.count > 0 else { throw CommandFailure("\(data): expected label<TAB>text lines, found none", status: ExitCode.dataError) }
        var training = all, held = LabeledTexts(labels: [], texts: [])
        if let validation {
            held = try load(validation)
        } else if fraction > 0 {
            var order = Array(0..<all.count)
            var generator = SeededGenerator(seed: seed)
            order.shuffle(using: &generator)
            let heldCount = Int((Double(all.count) * fraction).rounded())
            let heldSet = Set(order.prefix(heldCount))
            training = LabeledTexts(labels: [], texts: [])
            for i in 0..<all.count {
                if heldSet.contains(i) { held.labels.append(all.labels[i]); held.texts.append(all.texts[i]) }
                else { training.labels.append(all.labels[i]); training.texts.append(all.texts[i]) }
            }
        }
        let labels = Array(Set(training.labels)).sorted()
        guard labels.count >= 2 else {
            throw CommandFailure("\(data): expected at least 2 classes in the training part, found \(labels.count) (\(labels.joined()))",
                                 status: ExitCode.dataError)
        }
        if let stray = held.labels.first(where: { !labels.contains($0) }) {
            throw CommandFailure("\(validation ?? data): validation label '\(stray)' is not a class of the training part "
                                 + "(\(labels.joined(separator: ", ")))", status: ExitCode.dataError)
        }
        return ClassifierData(training: training, validation: held, labels: labels)
    }

    /// The texts as ids (cut to `maximumTokens`) with their class indices, and how many were cut.
    func encode(_ texts: LabeledTexts, tokenizer: Tokenizer, maximumTokens: Int) -> ([LabeledExample], Int) {
        var cut = 0
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let examples = zip(texts.texts, texts.labels).map { text, label -> LabeledExample in
            var ids = tokenizer.encodeIDs(text)
            if ids.count > maximumTokens { ids = Array(ids.prefix(maximumTokens)); cut += 1 }
            return LabeledExample(ids: ids, label: index[label]!)
        }
        return (examples, cut)
    }
}
