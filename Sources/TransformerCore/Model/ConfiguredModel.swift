/// A configuration that records which attention heads pruning removed (every Transformer family's).
public protocol PrunableConfiguration: Encodable, Sendable {
    /// The removed heads; nil: none (and absent from the JSON).
    var prunedHeads: PrunedHeads? { get set }
}

/// A model built from one validated configuration value: what its checkpoint stores, what a pruned copy
/// changes. Gives every such family its ``TransformerModel/configurationJSON``,
/// ``TransformerModel/prunedHeads`` and ``TransformerModel/rebuilt(prunedHeads:)``.
public protocol ConfiguredModel: TransformerModel {
    associatedtype Configuration: PrunableConfiguration
    var configuration: Configuration { get }
    init(configuration: Configuration, generator: SeededGenerator) throws(ConfigurationError)
}

extension ConfiguredModel {
    public var configurationJSON: String { sortedJSON(configuration) }

    public var prunedHeads: PrunedHeads { configuration.prunedHeads ?? PrunedHeads() }

    public func rebuilt(prunedHeads: PrunedHeads) throws(ConfigurationError) -> Self {
        var c = configuration
        c.prunedHeads = prunedHeads.isEmpty ? nil : prunedHeads
        return try Self(configuration: c, generator: SeededGenerator(seed: 0))
    }
}
