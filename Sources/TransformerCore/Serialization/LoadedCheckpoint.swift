/// A checkpoint's configuration, decoded and validated, and how to build its model.
struct StoredConfiguration {
    let family: ModelFamily
    /// The configuration re-encoded with sorted keys (what the model's ``TransformerModel/configurationJSON`` gives).
    let json: String
    let parameterCount: Int
    let build: (SeededGenerator) throws(ConfigurationError) -> any TransformerModel
}

/// A checkpoint read back: the model rebuilt from its configuration with every parameter restored.
public struct LoadedCheckpoint {
    /// The path it was read from (for error messages of later checks, such as ``adamMoments()``).
    public let file: String
    /// The model, of whichever family the file holds, in training mode; call `setTraining(false)` before
    /// evaluation. ``model(_:)`` gives it as a concrete family.
    public let model: any TransformerModel
    /// Every metadata entry, including `format`, `format_version`, `model_family` and `configuration`.
    public let metadata: [String: String]
    /// Tensors stored besides the parameters (under ``Checkpoint/extraTensorPrefixes``), by name.
    public let extraTensors: [String: Tensor]

    /// The family of the model held.
    public var family: ModelFamily { model.family }

    /// The model as `type` (``Transformer``, ``EncoderClassifier``, ``LanguageModel``), or
    /// ``CheckpointError/Kind/wrongFamily`` naming both families.
    public func model<M: TransformerModel>(_ type: M.Type) throws(CheckpointError) -> M {
        guard let typed = model as? M else {
            // The same family in another architecture (a recurrent encoder-decoder asked for as a Transformer)
            // names both architectures; otherwise both families.
            if model.family == M.family, let held = model as? any SequenceToSequenceModel {
                throw CheckpointError(file: file, kind: .wrongFamily,
                                      detail: "holds a \(held.architectureName) encoder-decoder, but a \(M.self) encoder-decoder is needed")
            }
            throw CheckpointError(file: file, kind: .wrongFamily,
                                  detail: "holds \(model.family.description), but \(M.family.description) is needed")
        }
        return typed
    }

    /// The encoder-decoder model (a ``Transformer`` or ``RecurrentEncoderDecoder``), nil for other families.
    public var sequenceToSequenceModel: (any SequenceToSequenceModel)? { model as? any SequenceToSequenceModel }

    /// The Transformer encoder-decoder's configuration (nil for other families and recurrent models).
    public var configuration: TransformerConfiguration? { (model as? Transformer)?.configuration }
}

/// What ``Checkpoint/inspect(_:)`` reads from the header alone.
public struct CheckpointSummary: Sendable {
    public let family: ModelFamily
    /// The parameter values the stored configuration needs.
    public let parameterCount: Int
    public let metadata: [String: String]
    /// Every stored tensor (parameters and extras), in data order.
    public let tensors: [SafeTensorsHeader.Entry]
}
