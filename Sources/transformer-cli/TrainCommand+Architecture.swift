import TransformerCore

/// `train --architecture`: the Transformer, or a recurrent encoder-decoder with attention.
enum ModelArchitecture: String, CaseIterable {
    case transformer, gru, lstm

    /// The recurrent cell; nil for the Transformer.
    var recurrent: RecurrentArchitecture? { RecurrentArchitecture(rawValue: rawValue) }
}

/// The recurrent models' flags, checks and settings (`--architecture gru|lstm`).
extension TrainCommand {
    /// The model flags a recurrent encoder-decoder has no use for: its hidden size is --d-model, its layers
    /// --layers, its attention --attention (or --cross-attention) with --heads heads.
    static let transformerOnlyOptions = ["d-ff", "norm", "activation", "positional", "tie-embeddings", "self-attention"]

    var architecture: ModelArchitecture { arguments.choice("architecture", as: ModelArchitecture.self) }

    /// One-line errors for flags that do not fit --architecture (a new translation run).
    func validateArchitecture() throws(UsageError) {
        let task = arguments.choice("task", as: TrainTask.self)
        if task != .translate {
            for option in ["architecture", "bidirectional"] where arguments.isGiven(option) {
                throw UsageError("--\(option): only for --task translate (an encoder-decoder), not \(task.rawValue)")
            }
            return
        }
        guard architecture.recurrent != nil else {
            if arguments.isGiven("bidirectional") {
                throw UsageError("--bidirectional: only for --architecture gru or lstm (a recurrent encoder), not transformer")
            }
            return
        }
        for option in Self.transformerOnlyOptions where arguments.isGiven(option) {
            throw UsageError("--\(option): only for --architecture transformer, not \(architecture.rawValue) "
                             + "(a recurrent model has no feed-forward sublayers, layer norms, positional encoding or self-attention)")
        }
        if arguments.isGiven("attention") && arguments.isGiven("cross-attention") {
            throw UsageError("--cross-attention: cannot be combined with --attention for --architecture \(architecture.rawValue) "
                             + "(it has one attention); give one of them")
        }
        try Self.validateRecurrent(newRecurrentConfiguration(sourceVocabularySize: 10, targetVocabularySize: 10))
    }

    /// The recurrent model the flags describe: hidden size --d-model, --layers, --heads (default 1),
    /// --attention or --cross-attention (default additive, as Bahdanau et al.).
    func newRecurrentConfiguration(sourceVocabularySize: Int, targetVocabularySize: Int,
                                   specialTokens: SpecialTokens = .standard) -> RecurrentConfiguration {
        let scoring = arguments.isGiven("cross-attention") ? arguments.choice("cross-attention", as: AttentionScoring.self)
            : arguments.isGiven("attention") ? arguments.choice("attention", as: AttentionScoring.self) : .additive
        return RecurrentConfiguration(
            architecture: architecture.recurrent ?? .gru, sourceVocabularySize: sourceVocabularySize,
            targetVocabularySize: targetVocabularySize, hiddenSize: arguments.integer("d-model"),
            layerCount: arguments.isGiven("layers") ? arguments.integer("layers") : 1,
            bidirectional: arguments.flag("bidirectional"), attention: scoring,
            headCount: arguments.isGiven("heads") ? arguments.integer("heads") : 1,
            dropout: arguments.number("dropout"), maximumLength: arguments.integer("max-len") + 1,
            specialTokens: specialTokens)
    }

    /// The library's checks, reported against the flag that set the field.
    static func validateRecurrent(_ c: RecurrentConfiguration) throws(UsageError) {
        do {
            try c.validate()
        } catch {
            if error.field == .headCount {
                throw .invalidValue(option: "heads", expected: "a divisor of --d-model (\(c.hiddenSize), the hidden size)",
                                    found: "\(c.headCount)")
            }
            guard let option = ConfigurationOptions.option(for: error.field) else { throw UsageError("configuration: \(error)") }
            throw .invalidValue(option: option, expected: error.expected, found: error.found)
        }
    }

    /// The model a new run trains, of --architecture.
    func newModel(tokenizers: TokenizerPair, generator: SeededGenerator) throws -> any SequenceToSequenceModel {
        let (source, target) = (tokenizers.source.vocabularySize, tokenizers.target.vocabularySize)
        if architecture.recurrent != nil {
            let configuration = newRecurrentConfiguration(sourceVocabularySize: source, targetVocabularySize: target,
                                                          specialTokens: tokenizers.target.specialTokens)
            try Self.validateRecurrent(configuration)
            return try RecurrentEncoderDecoder(configuration: configuration, generator: generator)
        }
        let configuration = newConfiguration(sourceVocabularySize: source, targetVocabularySize: target,
                                             specialTokens: tokenizers.target.specialTokens)
        try ConfigurationOptions.validate(configuration)
        return try Transformer(configuration: configuration, generator: generator)
    }

    /// The model settings of `model` (stored) and of the flags read as that architecture's (given), as
    /// text by flag name, for --resume's conflict check.
    func modelSettingTexts(_ model: any SequenceToSequenceModel) -> (stored: [String: String], given: [String: String]) {
        let (source, target) = (model.sourceVocabularySize, model.targetVocabularySize)
        var given: [String: String]
        let stored: [String: String]
        if let recurrent = model as? RecurrentEncoderDecoder {
            stored = Self.settingText(recurrent.configuration)
            given = Self.settingText(newRecurrentConfiguration(sourceVocabularySize: source, targetVocabularySize: target))
        } else {
            stored = Self.settingText((model as! Transformer).configuration)
            given = Self.settingText(newConfiguration(sourceVocabularySize: source, targetVocabularySize: target))
        }
        given["architecture"] = architecture.rawValue
        return (stored, given)
    }

    static func settingText(_ c: RecurrentConfiguration) -> [String: String] {
        ["architecture": c.architecture.rawValue, "bidirectional": "\(c.bidirectional)",
         "d-model": "\(c.hiddenSize)", "heads": "\(c.headCount)", "layers": "\(c.layerCount)",
         "dropout": "\(c.dropout)", "max-len": "\(c.maximumLength - 1)",
         "attention": c.attention.rawValue, "cross-attention": c.attention.rawValue]
    }

    static func settingText(_ c: TransformerConfiguration) -> [String: String] {
        ["architecture": ModelArchitecture.transformer.rawValue, "bidirectional": "false",
                "d-model": "\(c.modelDimension)", "heads": "\(c.headCount)", "layers": "\(c.layerCount)",
                "d-ff": "\(c.feedForwardDimension)", "dropout": "\(c.dropout)", "norm": c.normPlacement.rawValue,
                "activation": c.activation.rawValue, "positional": c.positionalEncoding.rawValue,
                "tie-embeddings": "\(c.tieTargetEmbedding)", "max-len": "\(c.maximumLength - 1)",
                "self-attention": c.selfAttention.rawValue, "cross-attention": c.crossAttention.rawValue,
                "attention": c.selfAttention == c.crossAttention ? c.selfAttention.rawValue
                    : "\(c.selfAttention.rawValue) self-attention and \(c.crossAttention.rawValue) cross-attention"]
    }
}
