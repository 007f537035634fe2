import Foundation

/// Which kind of model a checkpoint holds; stored as its `model_family` metadata.
public enum ModelFamily: String, Codable, Sendable, CaseIterable {
    /// ``Transformer``: the paper's encoder-decoder, for sequence-to-sequence tasks (translation).
    case encoderDecoder = "encoder-decoder"
    /// ``EncoderClassifier``: an encoder and a classification head (text classification).
    case encoderClassifier = "encoder-classifier"
    /// ``LanguageModel``: a decoder-only stack of causal blocks (next-token prediction, generation).
    case decoderLanguageModel = "decoder-lm"
    /// ``VisionTransformer``: image patches through an encoder and a classification head.
    case visionTransformer = "vision-transformer"

    /// What the family is for, for messages ("holds a decoder-only language model").
    public var description: String {
        switch self {
        case .encoderDecoder: "an encoder-decoder (translation) model"
        case .encoderClassifier: "an encoder classifier"
        case .decoderLanguageModel: "a decoder-only language model"
        case .visionTransformer: "a Vision Transformer (image classifier)"
        }
    }
}

/// What every model family shares: parameters by name (``Layer``), an encoding of its configuration for
/// checkpoints, its attention sites, and inference mode. (Special tokens belong to the text families'
/// configurations, not to this protocol: an image model has none.) The families are ``Transformer`` (or,
/// for the same encoder-decoder family, the recurrent ``RecurrentEncoderDecoder``), ``EncoderClassifier``,
/// ``LanguageModel`` and ``VisionTransformer``; the Transformers share ``TransformerBlock`` and ``TransformerStack``.
public protocol TransformerModel: Layer {
    /// The family, as stored in checkpoints.
    static var family: ModelFamily { get }
    /// The configuration as JSON with sorted keys (the checkpoint's `configuration` metadata).
    var configurationJSON: String { get }
    /// Every attention layer with its place in the model (see ``AttentionSite``).
    var attentionSites: [AttentionSite] { get }
    /// The heads the configuration says were pruned (empty for an unpruned model).
    var prunedHeads: PrunedHeads { get }
    /// A model of the same configuration with `prunedHeads` instead, with fresh random weights (see
    /// ``pruning(_:)`` for a copy that keeps the weights).
    func rebuilt(prunedHeads: PrunedHeads) throws(ConfigurationError) -> Self
}

extension TransformerModel {
    /// The family of this model.
    public var family: ModelFamily { Self.family }

    /// Whether the model is in training mode (dropout on), read from its first ``Dropout`` layer (every
    /// model has one: the positional encoding's in a Transformer, the embeddings' in a recurrent model).
    /// ``Layer/setTraining(_:)`` always switches the whole tree, so one layer tells.
    var isInTrainingMode: Bool {
        func firstDropout(_ layer: any Layer) -> Dropout? {
            if let dropout = layer as? Dropout { return dropout }
            for child in layer.children { if let found = firstDropout(child.layer) { return found } }
            return nil
        }
        return firstDropout(self)?.isTraining ?? false
    }

    /// Runs `body` as inference: dropout off (``Layer/setTraining(_:)`` false) and no graph recorded
    /// (``Tensor/withoutGradients(_:)``). The training flag is restored afterwards, so decoding a
    /// validation set in the middle of training leaves the model as it was.
    public func inferring<R>(_ body: () throws -> R) rethrows -> R {
        let wasTraining = isInTrainingMode
        if wasTraining { setTraining(false) }
        defer { if wasTraining { setTraining(true) } }
        return try Tensor.withoutGradients(body)
    }
}

/// JSON with sorted keys for a configuration (plain Ints, Floats, Bools, Strings: encoding cannot fail).
func sortedJSON<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try! encoder.encode(value), as: UTF8.self)
}
