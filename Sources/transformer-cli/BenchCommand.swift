import TransformerCore

/// `transformer-cli bench`: the synthetic training and decoding work of ../shared/bench/torch_ref.py, timed
/// the same way, so the two can be compared side by side (Scripts/bench-vs-pytorch.sh). `--arch lm` and
/// `--arch classify` time the other two model families the same way (against
/// Scripts/bench_families_torch.py). With `--gemm`, the GFLOP/s of the matrix-multiply kernel instead.
///
/// This file declares the options; `BenchCommand+Run.swift` measures training and decoding,
/// `BenchCommand+Families.swift` the language model and the classifier, `BenchCommand+GEMM.swift` the
/// kernel, `BenchCommand+Report.swift` prints the results.
struct BenchCommand: Command {
    static let name = "bench"
    static let abstract = "Time training and decoding (compare with PyTorch)."
    static let discussion = """
        Trains a pre-norm model of --config on seeded copy-task batches (4 batches used in turn, tokens \
        uniform in [3, vocab), decoder input <sos> + target[:-1], no padding) with dropout 0.1, label \
        smoothing 0.1, Adam (0.9, 0.98, 1e-9) at a constant lr 1e-3 and clipping at norm 1.0, timing \
        --steps full steps after --warmup untimed ones. Then it decodes the first batch greedily for \
        exactly tgt_len steps, with the key/value cache and without it (the decoder re-run over the whole \
        prefix every step). The work and the JSON fields are those of ../shared/bench/torch_ref.py: \
        quote ratios against it, measured on the same machine in the same run, in release builds.

        --arch lm trains the decoder-only LanguageModel instead (the config's tgt vocab, d_model, heads, \
        layers, d_ff; context tgt_len) on seeded random sequences of tgt_len + 1 tokens in [3, vocab), \
        predicting each next token, with the same step; it then generates tgt_len tokens greedily from \
        each row's first token, with the key/value cache and without it. --arch classify trains the \
        EncoderClassifier (src vocab, [CLS] pooling, the library's default; 2 classes) on seeded random \
        src_len-token texts and labels, then times forward passes of one batch (infer_* fields). \
        tokens_per_step and the rates count target tokens (translate, lm: B x tgt_len) or input tokens \
        (classify: B x src_len). Compare lm and classify with Scripts/bench_families_torch.py; their JSON \
        adds an "arch" field.

        Configs (src/tgt vocab, d_model, heads, layers, d_ff, batch, src_len, tgt_len): \
        tiny 32/32 32 4 2 128 64 16 16; small 32/32 64 4 2 256 64 16 16; \
        medium 1000/1000 256 8 4 1024 32 64 64; base 8000/8000 512 8 6 2048 8 64 64.

        --gemm instead prints the GFLOP/s of the GEMM kernel for square sizes 64 to --gemm-max and the \
        training shapes of every config (the linear layers' forward A B^T, input gradient A B and weight \
        gradient A^T B, and the vocabulary projections) and the 8-row products of base's KV-cached decoding. \
        Progress goes to stderr.

        Each model run also reports train_gflops_per_s (3 forward passes of the matrix products a step, \
        2 operations per multiply-add; docs/speed.md) and its fraction of the FMA peak measured right \
        after it on the same threads; --peak prints that peak for every kernel backend this CPU runs \
        (TRANSFORMERCORE_KERNELS=avx512|avx2|portable picks the backend of every other run).
        """

    static let options: [OptionSpec] = [
        .choice("config", BenchConfig.self, default: .tiny, help: "Model and batch size, as in torch_ref.py."),
        .choice("arch", BenchArch.self, default: .translate,
                help: "Model family: the encoder-decoder, the decoder-only LM or the encoder classifier."),
        .integer("steps", in: 1...1_000_000, default: 20, help: "Timed training steps."),
        .integer("warmup", in: 0...1_000_000, default: 3, help: "Untimed training steps before them."),
        .integer("threads", in: 1...1024, default: nil, help: "Most threads a kernel uses; default: all cores."),
        .integer("infer-reps", in: 1...1000, default: 3,
                 help: "Timed greedy decodings per method (classify: forward passes), after one untimed."),
        .flag("no-infer", help: "Skip the decoding (classify: inference) benchmark."),
        .seed(default: 0, help: "Seed for the weights and dropout; the batches use seed+1."),
        .flag("json", help: "Print one JSON line with torch_ref.py's field names instead of a table."),
        .flag("gemm", help: "Time the GEMM kernel instead of a model."),
        .flag("peak", help: "Measure the FMA peak (GFLOP/s) of each kernel backend instead."),
        .integer("gemm-max", in: 1...4096, default: 1024,
                 help: "Largest square size for --gemm; below 1024 the training shapes are skipped."),
    ]

    let config: BenchConfig
    let arch: BenchArch
    let steps: Int
    let warmup: Int
    let threads: Int?
    let inferenceRepetitions: Int
    let runsInference: Bool
    let seed: UInt64
    let json: Bool
    let gemm: Bool
    let gemmMaximum: Int
    let peak: Bool
    let arguments: ParsedArguments

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        self.arguments = arguments
        config = arguments.choice("config", as: BenchConfig.self)
        arch = arguments.choice("arch", as: BenchArch.self)
        steps = arguments.integer("steps")
        warmup = arguments.integer("warmup")
        threads = arguments.optionalInteger("threads")
        inferenceRepetitions = arguments.integer("infer-reps")
        runsInference = !arguments.flag("no-infer")
        seed = arguments.unsignedInteger("seed")
        json = arguments.flag("json")
        gemm = arguments.flag("gemm")
        gemmMaximum = arguments.integer("gemm-max")
        peak = arguments.flag("peak")
    }

    func validate() throws(UsageError) {
        if peak {
            for option in ["config", "steps", "warmup", "infer-reps", "no-infer", "seed", "gemm", "gemm-max"]
            where arguments.isGiven(option) {
                throw UsageError("--\(option): cannot be combined with --peak; give one of them")
            }
        }
        if gemm {
            for option in ["config", "arch", "steps", "warmup", "infer-reps", "no-infer", "seed"] where arguments.isGiven(option) {
                throw UsageError("--\(option): cannot be combined with --gemm; give one of them")
            }
        } else if arguments.isGiven("gemm-max") {
            throw UsageError("--gemm-max: only applies with --gemm")
        }
    }

    func run() throws -> Int32 {
        // Freed arrays stay in the process for the next step instead of being unmapped and faulted in
        // again (see MemoryReuse; `train` does the same).
        MemoryReuse.keepFreedMemoryForReuse()
        return try ComputeThreads.$limit.withValue(threads) {
            if peak {
                runPeak()
            } else if gemm {
                runGEMM()
            } else if arch == .translate {
                try runModel()
            } else {
                try runFamily()
            }
            return ExitCode.success
        }
    }
}

/// The benchmark configurations of torch_ref.py.
enum BenchConfig: String, CaseIterable, Sendable {
    case tiny, small, medium, base

    /// (src vocab, tgt vocab, d_model, heads, layers, d_ff, batch, src_len, tgt_len)
    var sizes: (sourceVocabulary: Int, targetVocabulary: Int, modelDimension: Int, heads: Int, layers: Int,
                feedForward: Int, batch: Int, sourceLength: Int, targetLength: Int) {
        switch self {
        case .tiny: (32, 32, 32, 4, 2, 128, 64, 16, 16)
        case .small: (32, 32, 64, 4, 2, 256, 64, 16, 16)
        case .medium: (1000, 1000, 256, 8, 4, 1024, 32, 64, 64)
        case .base: (8000, 8000, 512, 8, 6, 2048, 8, 64, 64)
        }
    }

    /// Pre-norm, ReLU, sinusoidal positions, untied embeddings, dropout 0.1; positions for
    /// max(src_len, tgt_len) + 1 tokens, as torch_ref.py.
    var configuration: TransformerConfiguration {
        let s = sizes
        return TransformerConfiguration(
            sourceVocabularySize: s.sourceVocabulary, targetVocabularySize: s.targetVocabulary,
            modelDimension: s.modelDimension, headCount: s.heads, layerCount: s.layers,
            feedForwardDimension: s.feedForward, dropout: 0.1,
            maximumLength: max(s.sourceLength, s.targetLength) + 1, normPlacement: .pre, activation: .relu,
            positionalEncoding: .sinusoidal, tieTargetEmbedding: false)
    }
}
