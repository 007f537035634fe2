import Foundation
import TransformerCore

extension TrainCommand {
    /// The whole run (of this rank, with `parallel`; see `TrainCommand+Distributed.swift`). Everything that
    /// can be wrong with the command line, the data or the output directories is reported before the
    /// first training step.
    func runRank(_ parallel: DataParallel?) throws -> Int32 {
        if let resumePath {   // the checkpoint says which task it continues
            switch try FamilyCheckpoint.family(resumePath) {
            case .encoderClassifier: return try runTask(.classify, parallel)
            case .decoderLanguageModel: return try runTask(.lm, parallel)
            case .visionTransformer: return try runTask(.imageClassify, parallel)
            case .encoderDecoder: break
            }
        }
        let task = arguments.choice("task", as: TrainTask.self)
        if task != .translate { return try runTask(task, parallel) }
        let signals = StopSignals { number in
            printError("\n\(StopSignals.name(number)): finishing the current step, then saving last.safetensors "
                       + "(send it again to quit at once without saving)")
        }
        defer { signals.restore() }

        // 1. Settings, from the flags or the checkpoint; output directories checked (not created yet).
        let generator = SeededGenerator(seed: arguments.unsignedInteger("seed"))
        let checkpoint = try resumePath.map { try TrainedCheckpoint.load($0, generator: generator) }
        var settings = try settings(resuming: checkpoint, generator: generator)
        let (logDirectory, outDirectory) = try outputDirectories(resuming: checkpoint?.path)

        // 2. Data: read, check, split; vocabularies from the training part (or the checkpoint's).
        var data = try readData(settings)
        let tokenizers = try checkpoint?.tokenizers ?? buildTokenizers(settings, training: data.training)
        try checkLengths(&data, settings: settings, tokenizers: tokenizers)
        let training = PairReading.encode(data.training, with: tokenizers)
        let validation = PairReading.encode(data.validation, with: tokenizers)
        if let stored = settings.resumed?.checkpoint.dataOptions, stored.trainingPairs != training.examples.count {
            printError("warning: the checkpoint was trained on \(TextFormatting.grouped(stored.trainingPairs)) pairs, the data "
                       + "now gives \(TextFormatting.grouped(training.examples.count)): the resumed run will not match one "
                       + "that never stopped")
        }
        settings.data.trainingPairs = training.examples.count
        settings.data.validationPairs = validation.examples.count

        // 3. How long: --steps alone means as many epochs as it takes.
        let planner = BatchPlanner(examples: training.examples, size: settings.options.batchSize, seed: settings.options.seed)
        if let steps = settings.options.maximumSteps, !arguments.isGiven("epochs"),
           settings.resumed == nil || arguments.isGiven("steps") {
            settings.options.epochs = Self.epochs(toReach: steps, planner: planner)
        }
        if let resume = settings.resumed?.resume { try checkWorkLeft(state: resume.state, options: settings.options) }
        if settings.resumed == nil {
            settings.options = sizingWarmup(settings.options, batchesPerEpoch: planner.plan(epoch: 0).count)
        }

        // 4. The model and the optimizer: new, or restored (the generator behind dropout too, above).
        let model: any SequenceToSequenceModel
        let optimizer: Adam
        if let (checkpoint, resume) = settings.resumed {
            model = checkpoint.model
            optimizer = resume.optimizer
        } else {
            try tokenizers.requireSameSpecialTokens()
            model = try newModel(tokenizers: tokenizers, generator: generator)
            optimizer = Adam(parameters: model.parameters, learningRate: settings.options.schedule.rate(at: 1),
                             beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
        }

        // 5. Say what is about to happen, then create the directories and train.
        printSummary(settings: settings, data: data, tokenizers: tokenizers, training: training, validation: validation,
                     model: model, batchesPerEpoch: planner.plan(epoch: settings.resumed?.resume.state.completedEpochs ?? 0).count,
                     logDirectory: logDirectory, outDirectory: outDirectory)
        if let number = signals.received { return stoppedBeforeTraining(number) }
        let isRoot = Self.beforeWriting(parallel)
        if isRoot {
            try logDirectory.create()
            try outDirectory.create()
        }
        let logger = isRoot ? try TrainingLogger(logDirectory: logDirectory.path) : nil
        defer { try? logger?.close() }
        return try train(model, optimizer: optimizer, tokenizers: tokenizers, training: training.examples,
                         validation: validation.examples, settings: settings, generator: generator,
                         logger: logger, logDirectory: logDirectory, outDirectory: outDirectory, signals: signals,
                         parallel: parallel)
    }

    /// Trains a translation task of either architecture (step 5 of ``runRank(_:)``, once everything is
    /// checked); `logger` is rank 0's (nil on the other ranks).
    func train<Model: SequenceToSequenceModel>(_ model: Model, optimizer: Adam, tokenizers: TokenizerPair,
                                               training: [Example], validation: [Example], settings: TrainSettings,
                                               generator: SeededGenerator, logger: TrainingLogger?, logDirectory: OutputDirectory,
                                               outDirectory: OutputDirectory, signals: StopSignals,
                                               parallel: DataParallel?) throws -> Int32 {
        let isRoot = parallel?.isRoot ?? true
        let task = TranslationTask(model: model, tokenizers: tokenizers, training: training, validation: validation,
                                   batchSize: settings.options.batchSize, seed: settings.options.seed,
                                   maximumDecodeLength: settings.options.maximumDecodeLength)
        let trainer = Trainer(task: task, optimizer: optimizer, options: settings.options,
                              state: settings.resumed?.resume.state ?? TrainingState(), generator: generator,
                              checkpointDirectory: outDirectory.url, logger: logger,
                              progress: isRoot ? ProgressReporter(lineInterval: settings.options.logInterval) : nil,
                              shouldStop: { signals.received != nil },
                              extraMetadata: [TrainDataOptions.metadataKey: settings.data.json()], dataParallel: parallel)
        let summary = try runTrainer(trainer)
        try logger?.close()
        if isRoot { writeLossPlot(logDirectory: logDirectory) }
        return finish(summary, trainer: trainer, settings: settings, signal: signals.received)
    }

    /// --logdir and --out, checked; a directory holding another run's checkpoints or metrics is refused,
    /// except the directory of the checkpoint being resumed.
    func outputDirectories(resuming checkpoint: String?) throws -> (log: OutputDirectory, out: OutputDirectory) {
        let resumedDirectory = checkpoint.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
        let logPath = arguments.text("logdir") ?? resumedDirectory.map(Self.relativeIfInside)
            ?? OutputDirectory.timestamped(under: "runs")
        let log = OutputDirectory(option: "logdir", path: logPath)
        // Without --out the checkpoints go to the log directory, and problems are reported against --logdir.
        let out = OutputDirectory(option: arguments.isGiven("out") ? "out" : "logdir", path: arguments.text("out") ?? logPath)
        for (directory, files) in [(out, ["last.safetensors", "best.safetensors"]), (log, [MetricsCSVWriter.defaultFileName])] {
            try directory.check()
            let isResumed = resumedDirectory.map { Self.absolute(directory.path) == Self.absolute($0) } ?? false
            if !isResumed, let existing = files.first(where: directory.contains) {
                let hint = existing.hasSuffix(".safetensors")
                    ? "pass --resume \((directory.url.appendingPathComponent(existing)).relativePath) to continue that run"
                    : "that run's metrics would mix with this one's"
                throw directory.fail("holds \(existing) of another run; \(hint), or choose another --\(directory.option)")
            }
        }
        return (log, out)
    }

    /// `path` relative to the working directory when it lies inside it (shorter messages), else as is.
    static func relativeIfInside(_ path: String) -> String {
        let here = FileManager.default.currentDirectoryPath
        let absolute = Self.absolute(path)
        return absolute.hasPrefix(here + "/") ? String(absolute.dropFirst(here.count + 1)) : absolute
    }

    /// The epochs needed for `steps` optimizer steps (planning each epoch: token batching varies).
    static func epochs(toReach steps: Int, planner: BatchPlanner) -> Int {
        if case .sentences(let size) = planner.size {
            let perEpoch = max(1, (planner.exampleCount + size - 1) / size)
            return max(1, (steps + perEpoch - 1) / perEpoch)
        }
        var total = 0, epoch = 0
        while total < steps && epoch < 1_000_000 {
            total += max(1, planner.plan(epoch: epoch).count)
            epoch += 1
        }
        return max(1, epoch)
    }

    /// A resumed run must have epochs or steps left.
    func checkWorkLeft(state: TrainingState, options: TrainingOptions) throws(UsageError) {
        if let steps = options.maximumSteps, state.step >= steps {
            throw .invalidValue(option: "steps", expected: "more than the \(state.step) steps the checkpoint has trained",
                                found: arguments.isGiven("steps") ? "\(steps)" : "\(steps) (the checkpoint's)")
        }
        if state.completedEpochs >= options.epochs {
            throw .invalidValue(option: "epochs",
                                expected: "more than the \(state.completedEpochs) epochs the checkpoint has completed",
                                found: arguments.isGiven("epochs") ? "\(options.epochs)" : "\(options.epochs) (the checkpoint's)")
        }
    }

    func stoppedBeforeTraining(_ number: Int32) -> Int32 {
        printError("\(StopSignals.name(number)) before training started: nothing was trained or saved")
        return StopSignals.exitStatus(number)
    }

    /// Runs `trainer` once everything is checked (so errors stay one line), a divergence becoming the
    /// one-line error of ``divergenceFailure(_:trainer:)``.
    func runTrainer<Task>(_ trainer: Trainer<Task>) throws -> TrainingSummary {
        #if DEBUG
        // Unoptimized loops train many times slower.
        printError("note: this is a debug build, which trains many times slower than a release build; "
                   + "for real runs use 'swift run -c release transformer-cli train ...'")
        #endif
        // Freed arrays stay in the process for the next step instead of being unmapped and faulted in again.
        MemoryReuse.keepFreedMemoryForReuse()
        do {
            let secondsBefore = trainer.state.trainingSeconds
            let summary = try trainer.run()
            Self.reportRanks(trainer.dataParallel, parameters: trainer.optimizer.parameters,
                             trainingSeconds: summary.state.trainingSeconds - secondsBefore)
            return summary
        } catch let error as DivergenceError {
            throw divergenceFailure(error, trainer: trainer)
        }
    }

    /// The one-line error for a diverged run, naming the step and the last good checkpoint.
    func divergenceFailure<Task>(_ error: DivergenceError, trainer: Trainer<Task>) -> CommandFailure {
        let last = trainer.lastCheckpoint
        var kept = "no checkpoint was saved before it"
        if let summary = try? Checkpoint.inspect(last),
           let state = try? TrainingRecord(metadata: summary.metadata, file: last.path).state {
            kept = "the last good checkpoint is \(last.relativePath) (epoch \(state.completedEpochs), step \(state.step))"
        }
        return CommandFailure("\(error); \(kept); try a lower --lr-scale or --lr, a longer --warmup, or --clip",
                              status: ExitCode.failure)
    }
}
