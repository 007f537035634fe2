import TransformerCore

/// The options that set every field of a ``TransformerConfiguration``, shared by the commands that
/// build a model (`model`, and later `train` and `bench`). Defaults come from the configuration's own
/// defaults (the paper's base model), so the help cannot drift from the library.
enum ConfigurationOptions {
    static let sizes = 1...TransformerConfiguration.maximumSize

    static let all: [OptionSpec] = {
        let base = TransformerConfiguration()
        return [
            .integer("d-model", in: sizes, default: base.modelDimension,
                     help: "Model dimension d_model, the width of every layer."),
            .integer("heads", in: sizes, default: base.headCount,
                     help: "Attention heads h; must divide --d-model."),
            .integer("layers", in: sizes, default: base.layerCount,
                     help: "Layers N in the encoder and the decoder."),
            .integer("d-ff", in: sizes, default: base.feedForwardDimension,
                     help: "Feed-forward inner dimension d_ff."),
            .number("dropout", .probability, default: base.dropout, help: "Dropout probability P_drop."),
            .integer("src-vocab", in: sizes, default: base.sourceVocabularySize,
                     help: "Source vocabulary size, specials included."),
            .integer("tgt-vocab", in: sizes, default: base.targetVocabularySize,
                     help: "Target vocabulary size, specials included."),
            .integer("max-len", in: sizes, default: base.maximumLength,
                     help: "Longest sequence the model accepts."),
            .choice("norm", TransformerConfiguration.NormPlacement.self, default: base.normPlacement,
                    help: "LayerNorm before each sublayer, or after the residual sum as in the paper."),
            .choice("activation", TransformerConfiguration.Activation.self, default: base.activation,
                    help: "Feed-forward non-linearity."),
            .choice("positional", TransformerConfiguration.PositionalEncodingKind.self,
                    default: base.positionalEncoding,
                    help: "Positions: fixed sinusoids added to the embeddings (the paper's), a learned table, "
                        + "the sinusoids in Marian's layout, rope (rotary query/key rotations, Su et al. 2021) or "
                        + "alibi (linear attention biases, Press et al. 2022) in every self-attention."),
            .flag("tie-embeddings",
                  help: "Share one matrix between the target embedding and the output projection (paper section 3.4)."),
        ] + attention
    }()

    /// --attention sets every attention's scoring; --self-attention and --cross-attention override one side.
    static let attention: [OptionSpec] = [
        .choice("attention", AttentionScoring.self, default: .dotProduct,
                help: "How every attention scores a query against a key: scaled dot-product (the paper's) or "
                    + "additive, v^T tanh(W_q q + W_k k) (Bahdanau et al. 2015)."),
        .choice("self-attention", AttentionScoring.self, help: "The self-attentions' scoring; default: --attention."),
        .choice("cross-attention", AttentionScoring.self,
                help: "The decoder's cross-attention scoring; default: --attention."),
    ]

    /// The self- and cross-attention kinds the three options describe.
    static func attentionKinds(from arguments: ParsedArguments) -> (selfAttention: AttentionScoring, crossAttention: AttentionScoring) {
        let all = arguments.choice("attention", as: AttentionScoring.self)
        return (arguments.optionalChoice("self-attention", as: AttentionScoring.self) ?? all,
                arguments.optionalChoice("cross-attention", as: AttentionScoring.self) ?? all)
    }

    /// ", additive attention" (every attention), ", additive self-attention" or ", additive cross-attention"
    /// (mixed); empty for the default dot-product. `crossAttention` nil: a model without cross-attention.
    static func attentionSummary(selfAttention: AttentionScoring, crossAttention: AttentionScoring?) -> String {
        switch (selfAttention, crossAttention ?? selfAttention) {
        case (.dotProduct, .dotProduct): ""
        case (.additive, .additive): ", additive attention"
        case (.additive, .dotProduct): ", additive self-attention (dot-product cross-attention)"
        case (.dotProduct, .additive): ", additive cross-attention (dot-product self-attention)"
        }
    }

    /// ``attentionSummary(selfAttention:crossAttention:)`` of a model without cross-attention (a classifier
    /// or language model), read from its layers: ", additive attention" when they are additive.
    static func attentionSummary(of model: any Layer) -> String {
        func kinds(_ layer: any Layer) -> [AttentionScoring] {
            ((layer as? any AttentionLayer).map { [$0.scoring] } ?? []) + layer.children.flatMap { kinds($0.layer) }
        }
        return kinds(model).contains(.additive) ? ", additive attention" : ""
    }

    /// The configuration the parsed options describe (not yet validated).
    static func configuration(from arguments: ParsedArguments) -> TransformerConfiguration {
        let kinds = attentionKinds(from: arguments)
        return TransformerConfiguration(
            sourceVocabularySize: arguments.integer("src-vocab"),
            targetVocabularySize: arguments.integer("tgt-vocab"),
            modelDimension: arguments.integer("d-model"),
            headCount: arguments.integer("heads"),
            layerCount: arguments.integer("layers"),
            feedForwardDimension: arguments.integer("d-ff"),
            dropout: arguments.number("dropout"),
            maximumLength: arguments.integer("max-len"),
            normPlacement: arguments.choice("norm", as: TransformerConfiguration.NormPlacement.self),
            activation: arguments.choice("activation", as: TransformerConfiguration.Activation.self),
            positionalEncoding: arguments.choice("positional", as: TransformerConfiguration.PositionalEncodingKind.self),
            tieTargetEmbedding: arguments.flag("tie-embeddings"),
            selfAttention: kinds.selfAttention, crossAttention: kinds.crossAttention)
    }

    /// Runs the library's checks and reports the first problem against the option that set it.
    static func validate(_ configuration: TransformerConfiguration) throws(UsageError) {
        do {
            try configuration.validate()
        } catch {
            throw usageError(for: error, in: configuration)
        }
    }

    /// `ConfigurationError` -> `error: --flag: expected ..., got ...`.
    static func usageError(for error: ConfigurationError, in c: TransformerConfiguration) -> UsageError {
        if error.field == .headCount, c.headCount > 0, c.modelDimension % c.headCount != 0 {
            return .invalidValue(option: "heads", expected: "a divisor of --d-model (\(c.modelDimension))",
                                 found: "\(c.headCount)")
        }
        if error.field == .positionalEncoding {   // error: --positional rope: expected an even head dimension, got 5 (...)
            return UsageError("--positional \(c.positionalEncoding.rawValue): expected \(error.expected), got \(error.found)")
        }
        guard let option = option(for: error.field) else {
            return UsageError("configuration: \(error)")
        }
        return .invalidValue(option: option, expected: error.expected, found: error.found)
    }

    /// The option that sets a configuration field; nil for fields the command line does not expose.
    static func option(for field: ConfigurationError.Field) -> String? {
        switch field {
        case .sourceVocabularySize: "src-vocab"
        case .targetVocabularySize: "tgt-vocab"
        case .modelDimension: "d-model"
        case .headCount: "heads"
        case .layerCount: "layers"
        case .feedForwardDimension: "d-ff"
        case .dropout: "dropout"
        case .maximumLength: "max-len"
        case .modelSize: "d-model"
        case .positionalEncoding: "positional"
        // Not options of the encoder-decoder's commands: the epsilon, and fields of other model families.
        case .layerNormEpsilon, .specialTokens, .vocabularySize, .classCount, .prunedHeads: nil
        // The image model's fields (train --task image-classify names its own options).
        case .imageSize, .patchSize, .channelCount, .pixelNormalization: nil
        }
    }

    /// Each option with the configuration's value, in table order, for printing.
    static func summary(of c: TransformerConfiguration) -> [(option: String, value: String)] {
        [("d-model", "\(c.modelDimension)"), ("heads", "\(c.headCount)"), ("layers", "\(c.layerCount)"),
         ("d-ff", "\(c.feedForwardDimension)"), ("dropout", "\(c.dropout)"),
         ("src-vocab", "\(c.sourceVocabularySize)"), ("tgt-vocab", "\(c.targetVocabularySize)"),
         ("max-len", "\(c.maximumLength)"), ("norm", c.normPlacement.rawValue),
         ("activation", c.activation.rawValue), ("positional", c.positionalEncoding.rawValue),
         ("tie-embeddings", "\(c.tieTargetEmbedding)"), ("self-attention", c.selfAttention.rawValue),
         ("cross-attention", c.crossAttention.rawValue)]
    }
}
