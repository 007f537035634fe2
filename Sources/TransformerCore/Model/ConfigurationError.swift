/// A configuration value that cannot build a model: which field, what it accepts, what it got.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The field at fault, named as in ``TransformerConfiguration``.
    public enum Field: String, Sendable, CaseIterable {
        case sourceVocabularySize, targetVocabularySize, modelDimension, headCount, layerCount
        case feedForwardDimension, dropout, maximumLength, layerNormEpsilon
        case vocabularySize, classCount, specialTokens
        /// The image models' sizes and pixel normalisation (``VisionConfiguration``).
        case imageSize, patchSize, channelCount, pixelNormalization
        /// The heads pruning removed (``PrunedHeads``).
        case prunedHeads
        /// How positions are encoded (``TransformerConfiguration/PositionalEncodingKind``).
        case positionalEncoding
        /// The sizes together describe a model too large to allocate.
        case modelSize
    }

    public let field: Field
    public let expected: String
    public let found: String

    public var description: String {
        "\(field.rawValue): expected \(expected), got \(found)"
    }
}

extension ConfigurationError {
    /// Throws unless `value` is a size from 1 to ``TransformerConfiguration/maximumSize``.
    static func checkSize(_ value: Int, _ field: Field) throws(ConfigurationError) {
        guard value >= 1 && value <= TransformerConfiguration.maximumSize else {
            throw ConfigurationError(field: field, expected: "an integer from 1 to \(TransformerConfiguration.maximumSize)",
                                     found: "\(value)")
        }
    }
}

extension ConfigurationError {
    /// The checks every single-stack model (classifier, language model) shares: vocabulary, block, layers,
    /// positions, special ids, and the parameter budget of ``TransformerConfiguration/maximumStoredScalars``.
    static func validateStackModel(vocabularySize: Int, block: BlockConfiguration, layerCount: Int, maximumLength: Int,
                                   positionalEncoding: TransformerConfiguration.PositionalEncodingKind,
                                   specialTokens: SpecialTokens, parameterCount: Int) throws(ConfigurationError) {
        try checkSize(vocabularySize, .vocabularySize)
        try block.validate()
        try positionalEncoding.validate(block: block)
        try checkSize(layerCount, .layerCount)
        try checkSize(maximumLength, .maximumLength)
        try specialTokens.validate()
        guard parameterCount <= TransformerConfiguration.maximumStoredScalars else {
            throw ConfigurationError(field: .modelSize, expected: "at most \(TransformerConfiguration.maximumStoredScalars) parameters",
                                     found: "\(parameterCount)")
        }
    }
}
