import Foundation
import TransformerCore

/// `transformer-cli train`: reads a pairs file, builds vocabularies, trains a Transformer with Adam and
/// the paper's schedule, validates and checkpoints every epoch, logs to TensorBoard and a CSV.
///
/// This file declares the options and checks them; `TrainCommand+Run.swift` does the work,
/// `TrainCommand+Data.swift` reads and encodes the data, `TrainCommand+Resume.swift` checks a
/// `--resume` command line against its checkpoint.
struct TrainCommand: Command {
    static let name = "train"
    static let abstract = "Train a translator, a classifier or a language model."
    static let discussion = """
        Reads --data (one pair a line: source, TAB, target), builds the vocabularies from the training \
        part, and trains an encoder-decoder Transformer with Adam (beta1 0.9, beta2 0.98, eps 1e-9) and \
        the paper's learning-rate schedule. After every epoch it validates, prints a few translations and \
        saves last.safetensors (and best.safetensors when the validation loss improved) in --out. \
        TensorBoard events and metrics.csv go to --logdir: see them with 'tensorboard --logdir runs'.

        Ctrl-C (SIGINT) or SIGTERM finishes the current step, saves last.safetensors and exits with 130 \
        or 143; --resume CKPT continues from it to the same weights as a run that never stopped. With \
        --resume, the data files, vocabularies, model and training settings come from the checkpoint: \
        give --epochs or --steps to train further; a setting that differs from the checkpoint's is an error.

        --task classify trains an encoder classifier on 'label<TAB>text' lines (the classes are the \
        training part's labels; texts longer than --max-len tokens are cut); --task lm trains a \
        decoder-only language model on a plain UTF-8 text in windows of --context tokens, validating on \
        --val-data or else the last --val-fraction of the text; --task image-classify trains a Vision \
        Transformer on a directory of images: one sub-directory per class (PNG, PGM, PPM), or MNIST-layout \
        IDX files (train-images-idx3-ubyte[.gz] with train-labels-idx1-ubyte[.gz]; --val-data and evaluate \
        read the t10k-* test files of such a directory). --resume continues a run of any task (the \
        checkpoint says which).

        --architecture gru or lstm trains a recurrent encoder-decoder with attention instead of the \
        Transformer (the baseline of Bahdanau et al. 2015): --d-model is its hidden and embedding size, \
        --layers its recurrent layers (default 1), --attention its scoring (default additive) with \
        --heads heads (default 1), --bidirectional reads the source both ways. The Transformer's \
        --d-ff, --norm, --activation, --positional, --tie-embeddings and --self-attention do not apply. \
        translate, evaluate and plot-attention (its one attention: cross) read its checkpoints alike.

        --positional rope or alibi encodes positions inside every self-attention instead of adding a \
        table to the embeddings (RoPE, Su et al. 2021: queries and keys rotated by their positions; \
        ALiBi, Press et al. 2022: -m_h |i - j| added to head h's scores); cross-attention gets none. \
        docs/positions-and-length.md compares them on words longer than any seen in training.

        By default a run ends when the validation loss has not improved for --patience (10) epochs, \
        --epochs (100) at most, and the learning rate warms up over 5% of the planned steps.

        Under an MPI launcher ('mpirun -np N .build/release/transformer-cli train ...', built with \
        'swift build -c release --traits MPI') the N processes train one model, each on its share of \
        every batch: --batch-size and --batch-tokens are the global batch, rank 0 prints and writes the \
        files, and --resume works on any number of ranks (docs/distributed.md).

        The model defaults are the paper's base model (d_model 512, 6 layers: 44M parameters plus \
        embeddings), slow on a CPU. For small character-level tasks try --d-model 64 --heads 4 --layers 2 \
        --d-ff 256.
        """

    static let modelOptionNames = ["d-model", "heads", "layers", "d-ff", "dropout", "norm", "activation",
                                   "positional", "tie-embeddings", "attention", "self-attention", "cross-attention"]

    static let options: [OptionSpec] = {
        let sizes = ConfigurationOptions.sizes
        let data: [OptionSpec] = [
            .choice("task", TrainTask.self, default: .translate,
                    help: "What to train: an encoder-decoder on pairs, an encoder classifier on labelled texts, "
                        + "or a decoder-only language model on a text."),
            .text("data", default: nil,
                  help: "Training pairs, one 'source<TAB>target' a line (UTF-8); required unless --resume."),
            .text("val-data", default: nil, help: "Validation pairs; default: hold out --val-fraction of --data."),
            .number("val-fraction", .probability, default: 0.1,
                    help: "Share of --data held out for validation, drawn with --seed; 0: none."),
            .text("tokenizer", default: "character",
                  help: "How texts are cut into tokens: character, word (between whitespace), punctuation (runs of "
                      + "word characters and of punctuation, as Hugging Face's Whitespace pre-tokenizer), bpe "
                      + "(learned from the training data, --vocab-size pieces), or a tokenizer.json or SentencePiece "
                      + ".model file used as it is."),
            .text("src-tokenizer", default: nil, help: "Source tokenizer; default: --tokenizer."),
            .text("tgt-tokenizer", default: nil, help: "Target tokenizer; default: --tokenizer."),
            .integer("vocab-size", in: TokenizerChoice.vocabularySizes, default: TokenizerChoice.defaultVocabularySize,
                     help: "--tokenizer bpe: pieces in the learned vocabulary, special tokens included."),
            .integer("min-freq", in: 1...Int.max, default: 1,
                     help: "Keep tokens seen this often in the training pairs; rarer ones become <unk>."),
            .flag("shared-vocab", help: "One vocabulary for both sides (default: one per side)."),
            .integer("max-len", in: 1...(TransformerConfiguration.maximumSize - 1), default: 100,
                     help: "Most tokens on a side of a pair; longer pairs are invalid. The model gets "
                         + "--max-len + 1 positions, for <eos> and <sos>."),
            .flag("skip-invalid", help: "Leave out invalid lines (and say how many) instead of stopping with exit 65."),
            .integer("context", in: 1...(TransformerConfiguration.maximumSize - 1), default: 128,
                     help: "--task lm: tokens a training window, and the model's context."),
            .flag("lowercase", help: "--task classify or lm: lowercase texts before they are cut into tokens."),
            .choice("pooling", ClassifierConfiguration.Pooling.self, default: .classToken,
                    help: "--task classify: a learned [CLS] vector, or the mean of the encoder outputs."),
            .integer("image-size", in: 1...4096, default: nil,
                     help: "--task image-classify: the side of the square model input; other images are resized "
                         + "(bilinear); default: the side of the first training image."),
            .integer("patch-size", in: 1...4096, default: 4,
                     help: "--task image-classify: the side of a square patch; must divide --image-size."),
            .text("augment", default: "none",
                  help: "--task image-classify: training-time changes, comma-separated: flip (horizontal, p = 1/2), "
                      + "crop (shift by up to 2 pixels, padding with black) or crop:N (up to N); none: no change."),
        ]
        let training: [OptionSpec] = [
            .integer("epochs", in: 1...1_000_000, default: 100,
                     help: "Most passes over the training data (early stopping usually ends the run sooner)."),
            .integer("patience", in: 0...1_000_000, default: 10,
                     help: "Stop after this many epochs without a lower validation loss; 0: never stop early."),
            .integer("steps", in: 1...Int.max, default: nil,
                     help: "Stop after this many optimizer steps; with --epochs whichever comes first."),
            .integer("batch-size", in: sizes, default: 64, help: "Pairs per batch."),
            .integer("batch-tokens", in: sizes, default: nil,
                     help: "Batch by size instead: at most this many padded tokens a side."),
            .integer("warmup", in: 1...Int.max, default: nil,
                     help: "Warm-up steps of lr = d_model^-0.5 min(step^-0.5, step warmup^-1.5); default: 5% "
                         + "of the planned steps, from 100 to 4000."),
            .number("lr-scale", .positive, default: 1, help: "Factor on that learning rate."),
            .number("lr", .positive, default: nil,
                    help: "A constant learning rate instead of the schedule; with --schedule cosine, its peak (default 0.001)."),
            .choice("schedule", LearningRateScheduleChoice.self, default: .noam,
                    help: "The learning-rate schedule: the paper's warm-up then 1/sqrt(step) (noam), or warm-up then a "
                        + "half cosine to 0 at the last planned step (cosine)."),
            .number("label-smoothing", .probability, default: 0.1, help: "Label smoothing epsilon_ls."),
            .number("clip", .nonNegative, default: 1, help: "Clip gradients to this global norm; 0: no clipping."),
            .seed(default: 0, help: "Seed for the weights, the validation split, the batch order and dropout."),
        ]
        let architecture: [OptionSpec] = [
            .choice("architecture", ModelArchitecture.self, default: .transformer,
                    help: "--task translate: the encoder-decoder to train: the Transformer, or a recurrent GRU or LSTM "
                        + "encoder-decoder with attention (Bahdanau et al. 2015) whose hidden size is --d-model, with "
                        + "--layers (default 1) layers, --attention (default additive) with --heads (default 1) heads, "
                        + "and --dropout."),
            .flag("bidirectional", help: "--architecture gru or lstm: read the source in both directions."),
        ]
        let model = architecture + ConfigurationOptions.all.filter { modelOptionNames.contains($0.name) }
        let output: [OptionSpec] = [
            .text("logdir", default: nil,
                  help: "Directory for TensorBoard events and metrics.csv; default: runs/<date-time>, "
                      + "or the --resume checkpoint's directory."),
            .text("out", default: nil, help: "Directory for last.safetensors and best.safetensors; default: --logdir."),
            .text("resume", default: nil, help: "Continue the run that saved this checkpoint."),
            .text("init-from", default: nil,
                  help: "--task image-classify: fine-tune this Hugging Face ViTForImageClassification directory (its weights, "
                      + "image size, patches, channels and normalisation; a new head when the data's classes differ from its id2label)."),
            .integer("log-every", in: 1...Int.max, default: 50,
                     help: "Steps between logged scalars, and between progress lines when not on a terminal."),
            .integer("samples", in: 0...1000, default: 3, help: "Validation translations printed after each epoch."),
        ]
        return data + training + model + output
    }()

    let arguments: ParsedArguments
    let dataPath: String?
    let validationDataPath: String?
    let resumePath: String?
    /// --src-tokenizer and --tgt-tokenizer (each defaulting to --tokenizer), parsed.
    let sourceTokenizer: TokenizerChoice
    let targetTokenizer: TokenizerChoice

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        self.arguments = arguments
        dataPath = arguments.text("data")
        validationDataPath = arguments.text("val-data")
        resumePath = arguments.text("resume")
        let general = try TokenizerChoice(parsing: arguments.text("tokenizer") ?? "character", option: "tokenizer")
        sourceTokenizer = try arguments.text("src-tokenizer").map { text throws(UsageError) in
            try TokenizerChoice(parsing: text, option: "src-tokenizer") } ?? general
        targetTokenizer = try arguments.text("tgt-tokenizer").map { text throws(UsageError) in
            try TokenizerChoice(parsing: text, option: "tgt-tokenizer") } ?? general
    }

    func validate() throws(UsageError) {
        if dataPath == nil && resumePath == nil {
            throw .invalidValue(option: "data", expected: "a file of source<TAB>target pairs (required unless --resume)",
                                found: "nothing")
        }
        let task = arguments.choice("task", as: TrainTask.self)
        let text: [TrainTask] = [.translate, .classify, .lm]
        for (option, tasks) in [("lowercase", [TrainTask.classify, .lm]), ("pooling", [.classify]), ("context", [.lm]),
                                ("image-size", [.imageClassify]), ("patch-size", [.imageClassify]), ("augment", [.imageClassify]),
                                ("tokenizer", text), ("vocab-size", text), ("min-freq", text),
                                ("batch-tokens", [.translate, .classify]), ("shared-vocab", [.translate]),
                                ("src-tokenizer", [.translate]), ("tgt-tokenizer", [.translate]), ("skip-invalid", [.translate]),
                                ("max-len", [.translate, .classify]), ("tie-embeddings", [.translate, .lm]),
                                ("cross-attention", [.translate]), ("positional", text)]
        where arguments.isGiven(option) && !tasks.contains(task) && resumePath == nil {
            throw UsageError("--\(option): only for --task " + tasks.map(\.rawValue).joined(separator: " or ")
                             + ", not \(task.rawValue)")
        }
        if arguments.isGiven("vocab-size") && resumePath == nil && sourceTokenizer != .bpe && targetTokenizer != .bpe {
            throw UsageError("--vocab-size: only with --tokenizer bpe (the size of the learned vocabulary), not "
                             + "\(sourceTokenizer == targetTokenizer ? sourceTokenizer.description : "\(sourceTokenizer) / \(targetTokenizer)")")
        }
        if arguments.isGiven("init-from") {
            if resumePath != nil { throw UsageError("--init-from: cannot be combined with --resume (the checkpoint holds the weights)") }
            if task != .imageClassify { throw UsageError("--init-from: only for --task image-classify, not \(task.rawValue)") }
            for option in Self.modelOptionNames + ["image-size", "patch-size"] where option != "dropout" && arguments.isGiven(option) {
                throw UsageError("--\(option): with --init-from the model comes from the directory; leave it out")
            }
        }
        if arguments.isGiven("augment") { _ = try Self.augmentation(parsing: arguments.text("augment") ?? "") }
        let cosine = arguments.choice("schedule", as: LearningRateScheduleChoice.self) == .cosine
        if cosine && arguments.isGiven("lr-scale") { throw UsageError("--lr-scale: not with --schedule cosine; give its peak with --lr") }
        for (option, other) in (cosine ? [] : [("lr", "warmup"), ("lr", "lr-scale")]) + [("batch-tokens", "batch-size"),
                                ("val-data", "val-fraction")]
        where arguments.isGiven(option) && arguments.isGiven(other) {
            throw UsageError("--\(option): cannot be combined with --\(other); give one of them")
        }
        for path in [("data", dataPath), ("val-data", validationDataPath), ("resume", resumePath),
                     ("logdir", arguments.text("logdir")), ("out", arguments.text("out"))] {
            if let value = path.1, value.isEmpty {
                throw .invalidValue(option: path.0, expected: "a path", found: "''")
            }
        }
        if resumePath == nil {
            try validateArchitecture()
            if architecture == .transformer {
                try ConfigurationOptions.validate(newConfiguration(sourceVocabularySize: 10, targetVocabularySize: 10))
            }
        }
    }

    // MARK: - Settings from the command line (a new run)

    /// The model the flags describe, with the vocabulary sizes of the data.
    func newConfiguration(sourceVocabularySize: Int, targetVocabularySize: Int,
                          specialTokens: SpecialTokens = .standard) -> TransformerConfiguration {
        let kinds = ConfigurationOptions.attentionKinds(from: arguments)
        return TransformerConfiguration(
            sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize,
            modelDimension: arguments.integer("d-model"), headCount: arguments.integer("heads"),
            layerCount: arguments.integer("layers"), feedForwardDimension: arguments.integer("d-ff"),
            dropout: arguments.number("dropout"), maximumLength: arguments.integer("max-len") + 1,
            normPlacement: arguments.choice("norm", as: TransformerConfiguration.NormPlacement.self),
            activation: arguments.choice("activation", as: TransformerConfiguration.Activation.self),
            positionalEncoding: arguments.choice("positional", as: TransformerConfiguration.PositionalEncodingKind.self),
            tieTargetEmbedding: arguments.flag("tie-embeddings"), specialTokens: specialTokens,
            selfAttention: kinds.selfAttention, crossAttention: kinds.crossAttention)
    }

    /// The training options the flags describe (epochs without --steps' adjustment, see `TrainCommand+Run`).
    func newOptions(modelDimension: Int) -> TrainingOptions {
        if arguments.choice("schedule", as: LearningRateScheduleChoice.self) == .cosine {
            // The total is the planned steps: filled in by sizingWarmup once the batches are known.
            return options(schedule: .cosine(peak: arguments.optionalNumber("lr") ?? 1e-3,
                                             warmupSteps: arguments.optionalInteger("warmup") ?? 4000, totalSteps: Int.max))
        }
        let schedule: LearningRateSchedule = arguments.optionalNumber("lr").map { .constant($0) }
            ?? .inverseSquareRoot(modelDimension: modelDimension, warmupSteps: arguments.optionalInteger("warmup") ?? 4000,
                                  scale: arguments.number("lr-scale"))
        return options(schedule: schedule)
    }

    func options(schedule: LearningRateSchedule) -> TrainingOptions {
        let clip = arguments.number("clip")
        return TrainingOptions(epochs: arguments.integer("epochs"), maximumSteps: arguments.optionalInteger("steps"),
                               batchSentences: arguments.integer("batch-size"),
                               batchTokens: arguments.optionalInteger("batch-tokens"), schedule: schedule,
                               labelSmoothing: arguments.number("label-smoothing"),
                               maximumGradientNorm: clip > 0 ? clip : nil, seed: arguments.unsignedInteger("seed"),
                               logInterval: arguments.integer("log-every"), sampleCount: arguments.integer("samples"),
                               maximumDecodeLength: arguments.integer("max-len") + 1,
                               patience: arguments.integer("patience") > 0 ? arguments.integer("patience") : nil)
    }

    /// Without --warmup (and --lr), the schedule's warm-up is sized from the steps the run plans
    /// (``TrainingOptions/defaultWarmup(plannedSteps:)``).
    func sizingWarmup(_ options: TrainingOptions, batchesPerEpoch: Int) -> TrainingOptions {
        let planned = min(options.maximumSteps ?? Int.max, options.epochs * max(1, batchesPerEpoch))
        if case let .cosine(peak, warmup, _) = options.schedule {
            var sized = options
            sized.schedule = .cosine(peak: peak, warmupSteps: arguments.isGiven("warmup") ? warmup : TrainingOptions.defaultWarmup(plannedSteps: planned),
                                     totalSteps: planned)
            return sized
        }
        guard !arguments.isGiven("warmup"), case let .inverseSquareRoot(dimension, _, scale) = options.schedule else { return options }
        var sized = options
        sized.schedule = .inverseSquareRoot(modelDimension: dimension, warmupSteps: TrainingOptions.defaultWarmup(plannedSteps: planned),
                                            scale: scale)
        return sized
    }

    /// The data settings the flags describe (pair counts filled in once the data is read).
    var newDataOptions: TrainDataOptions {
        TrainDataOptions(data: dataPath.map(Self.absolute) ?? "", validationData: validationDataPath.map(Self.absolute),
                         validationFraction: Double("\(arguments.number("val-fraction"))") ?? 0.1,
                         minimumFrequency: arguments.integer("min-freq"), sharedVocabulary: arguments.flag("shared-vocab"),
                         sourceTokenizer: sourceTokenizer, targetTokenizer: targetTokenizer,
                         vocabularySize: arguments.integer("vocab-size"),
                         maximumLength: arguments.integer("max-len"), skipInvalid: arguments.flag("skip-invalid"),
                         trainingPairs: 0, validationPairs: 0)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// `--schedule` of `train`.
enum LearningRateScheduleChoice: String, CaseIterable {
    /// The paper's: warm-up, then 1/sqrt(step) (``LearningRateSchedule/inverseSquareRoot(modelDimension:warmupSteps:scale:)``).
    case noam
    /// Warm-up, then a half cosine to 0 (``LearningRateSchedule/cosine(peak:warmupSteps:totalSteps:)``).
    case cosine
}
