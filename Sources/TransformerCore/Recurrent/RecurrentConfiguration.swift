/// Every hyperparameter of the ``RecurrentEncoderDecoder`` (GRU or LSTM sequence-to-sequence model with
/// attention), in one validated value. It is the checkpoint's `configuration` JSON; its `architecture`
/// key (`gru` or `lstm`) tells it from a ``TransformerConfiguration`` (which has none) under the same
/// `encoder-decoder` family.
public struct RecurrentConfiguration: Codable, Equatable, Sendable {
    /// The cell of the encoder and the decoder.
    public var architecture: RecurrentArchitecture
    /// V_src and V (target), special tokens included.
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    /// H: the width of every cell's state, and E, the embedding size.
    public var hiddenSize: Int
    /// L: recurrent layers in the encoder, and in the decoder.
    public var layerCount: Int
    /// Whether the encoder reads the source in both directions (its states are then 2 H wide).
    public var bidirectional: Bool
    /// How the decoder's attention scores its state against the encoder states.
    public var attention: AttentionScoring
    /// Heads of that attention (1 is Bahdanau's and Luong's single attention); must divide H.
    public var headCount: Int
    /// Dropout on the embeddings, between stacked layers and before the output projection.
    public var dropout: Float
    /// The longest source (with its `<eos>`) the model accepts, and the most decoding steps.
    public var maximumLength: Int
    public var specialTokens: SpecialTokens

    public init(architecture: RecurrentArchitecture = .gru, sourceVocabularySize: Int, targetVocabularySize: Int,
                hiddenSize: Int = 64, layerCount: Int = 1, bidirectional: Bool = false,
                attention: AttentionScoring = .additive, headCount: Int = 1, dropout: Float = 0.1,
                maximumLength: Int = 101, specialTokens: SpecialTokens = .standard) {
        self.architecture = architecture
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.bidirectional = bidirectional
        self.attention = attention
        self.headCount = headCount
        self.dropout = dropout
        self.maximumLength = maximumLength
        self.specialTokens = specialTokens
    }

    /// A, the width of the encoder states the attention reads: 2 H when bidirectional, else H.
    public var encoderOutputSize: Int { (bidirectional ? 2 : 1) * hiddenSize }

    /// Trainable parameters in closed form: embeddings (V_src + V) H; encoder cells (layer 1 reads H,
    /// later layers A); decoder cells (layer 1 reads [embedding; context] = 2 H, later layers H); the
    /// bidirectional bridges L (2 H H + H); the attention (queries H, keys and values A, output H, see
    /// ``AdditiveAttention/parameterCount(querySize:keySize:valueSize:headCount:headSize:outputSize:)``
    /// and ``MultiHeadAttention``); the projection [V, 2 H] + V.
    public var parameterCount: Int {
        let (h, a, l) = (hiddenSize, encoderOutputSize, layerCount)
        let cell = architecture.cellParameterCount
        let directions = bidirectional ? 2 : 1
        let encoder = checkedSum([(directions, cell(h, h)), (directions * (l - 1), cell(a, h))])
        let decoder = checkedSum([(1, cell(2 * h, h)), (l - 1, cell(h, h))])
        let bridges = bidirectional ? checkedSum([(l, 2 * h * h + h)]) : 0
        let headSize = h / max(1, headCount), inner = headCount * headSize
        let attention = switch self.attention {
        case .additive: AdditiveAttention.parameterCount(querySize: h, keySize: a, valueSize: a, headCount: headCount,
                                                         headSize: headSize, outputSize: h)
        case .dotProduct: checkedSum([(inner, h + 1), (inner, a + 1), (inner, a + 1), (h, inner + 1)])
        }
        return checkedSum([(sourceVocabularySize + targetVocabularySize, h), (encoder, 1), (decoder, 1), (bridges, 1),
                           (attention, 1), (targetVocabularySize, 2 * h + 1)])
    }

    /// Checks every field; throws the first problem found.
    public func validate() throws(ConfigurationError) {
        let positive = ConfigurationError.checkSize
        try positive(sourceVocabularySize, .sourceVocabularySize)
        try positive(targetVocabularySize, .targetVocabularySize)
        try positive(hiddenSize, .modelDimension)
        try positive(layerCount, .layerCount)
        try positive(headCount, .headCount)
        try positive(maximumLength, .maximumLength)
        guard hiddenSize % headCount == 0 else {
            throw ConfigurationError(field: .headCount, expected: "a divisor of the hidden size \(hiddenSize)",
                                     found: "\(headCount) (\(hiddenSize) / \(headCount) is not a whole number)")
        }
        guard dropout.isFinite && dropout >= 0 && dropout < 1 else {
            throw ConfigurationError(field: .dropout, expected: "a probability in [0, 1)", found: "\(dropout)")
        }
        guard parameterCount <= TransformerConfiguration.maximumStoredScalars else {
            throw ConfigurationError(field: .modelSize, expected: "at most \(TransformerConfiguration.maximumStoredScalars) parameters",
                                     found: "\(parameterCount)")
        }
        try specialTokens.validate()
    }
}
