import TransformerCore

/// `transformer-cli model`: builds a Transformer with seeded random weights, runs one forward pass on a
/// random batch, and prints the logits shape, the configuration and the parameter count per component.
struct ModelCommand: Command {
    static let name = "model"
    static let abstract = "Build a random-weight model and run one forward pass."
    static let discussion = """
        Builds a Transformer with weights drawn from --seed, feeds it --batch random source and target \
        sequences of --seq-len token ids, and prints the output size [batch, seq-len, tgt-vocab], the \
        configuration and the number of parameters in each component. The defaults are the base model \
        of "Attention Is All You Need". --positional rope or alibi builds no position table: every \
        self-attention rotates its queries and keys (RoPE) or adds linear distance biases (ALiBi).
        """

    static let options: [OptionSpec] = ConfigurationOptions.all + [
        .integer("batch", in: ConfigurationOptions.sizes, default: 2, help: "Sequences in the random batch."),
        .integer("seq-len", in: ConfigurationOptions.sizes, default: 5,
                 help: "Source and target length; at most --max-len."),
        .seed(default: 0, help: "Seed for the weights and the token ids."),
    ]

    let configuration: TransformerConfiguration
    let batchSize: Int
    let sequenceLength: Int
    let seed: UInt64

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        configuration = ConfigurationOptions.configuration(from: arguments)
        batchSize = arguments.integer("batch")
        sequenceLength = arguments.integer("seq-len")
        seed = arguments.unsignedInteger("seed")
    }

    func validate() throws(UsageError) {
        try ConfigurationOptions.validate(configuration)
        guard sequenceLength <= configuration.maximumLength else {
            throw .invalidValue(option: "seq-len", expected: "at most --max-len (\(configuration.maximumLength))",
                                found: "\(sequenceLength)")
        }
    }

    func run() throws -> Int32 {
        let generator = SeededGenerator(seed: seed)
        let model = try Transformer(configuration: configuration, generator: generator)
        model.setTraining(false)
        print("Initialized model with random weights.")

        // Token ids drawn after the weights, from the same stream: [B, S] and [B, T] with S = T = seq-len.
        let source = randomTokens(vocabularySize: configuration.sourceVocabularySize, generator: generator)
        let target = randomTokens(vocabularySize: configuration.targetVocabularySize, generator: generator)
        let logits = Tensor.withoutGradients { model(source: source, targetInput: target) }   // [B, T, V]
        print("Final output size: \(logits.shape)")

        print("\nConfiguration:")
        let settings = ConfigurationOptions.summary(of: configuration)
            + [("batch", "\(batchSize)"), ("seq-len", "\(sequenceLength)"), ("seed", "\(seed)")]
        print(TextFormatting.table(settings.map { ["--" + $0.option, $0.value] }))

        print("\nParameters:")
        print(TextFormatting.table(parameterRows(model), rightAligned: [1]))
        return ExitCode.success
    }

    /// `[B, L]` ids drawn uniformly from 0..<vocabularySize.
    func randomTokens(vocabularySize: Int, generator: SeededGenerator) -> [[Int]] {
        var generator = generator
        return (0..<batchSize).map { _ in
            // Ids from 1 up: 0 is padding, and a row of padding only would have nothing to attend to.
            (0..<sequenceLength).map { _ in Int.random(in: min(1, vocabularySize - 1)..<vocabularySize, using: &generator) }
        }
    }

    /// One row per top-level component, then the total. A tensor shared by two components (tied
    /// embeddings) is counted in the first one only, so the rows add up to the total; the later
    /// component notes how much it shares.
    func parameterRows(_ model: Transformer) -> [[String]] {
        let unique = model.namedParameters
        var rows: [[String]] = []
        for (name, layer) in model.children {
            let own = unique.filter { $0.name.hasPrefix(name + ".") }.reduce(0) { $0 + $1.tensor.count }
            let shared = layer.parameterCount - own
            rows.append([name, TextFormatting.grouped(own)]
                        + (shared > 0 ? ["(+ \(TextFormatting.grouped(shared)) shared, counted above)"] : []))
        }
        let topLevel = unique.filter { !$0.name.contains(".") }.reduce(0) { $0 + $1.tensor.count }
        if topLevel > 0 { rows.append(["(model)", TextFormatting.grouped(topLevel)]) }
        rows.append(["total", TextFormatting.grouped(model.parameterCount)])
        return rows
    }
}
