/// Adam's moments in a checkpoint: `optimizer.m.<parameter name>` and `optimizer.v.<parameter name>`,
/// each with its parameter's shape. The step count t belongs in the caller's training-state metadata.
extension Checkpoint {
    /// The prefix of Adam's first-moment (m) tensors.
    public static let firstMomentPrefix = "optimizer.m."
    /// The prefix of Adam's second-moment (v) tensors.
    public static let secondMomentPrefix = "optimizer.v."

    /// Adam's m and v as extra tensors for ``save(model:extraTensors:metadata:to:)``, named after `model`'s
    /// parameters. Precondition: `adam` optimizes exactly `model.parameters`, in that order.
    public static func optimizerTensors(_ adam: Adam, model: any TransformerModel) -> [NamedParameter] {
        let named = model.namedParameters
        precondition(named.count == adam.parameters.count && zip(named, adam.parameters).allSatisfy { $0.tensor === $1 },
                     "Adam must optimize model.parameters in order (\(adam.parameters.count) vs \(named.count) parameters)")
        let first = zip(named, adam.firstMoments).map { parameter, m in
            (name: firstMomentPrefix + parameter.name, tensor: Tensor(shape: parameter.tensor.shape, scalars: m))
        }
        let second = zip(named, adam.secondMoments).map { parameter, v in
            (name: secondMomentPrefix + parameter.name, tensor: Tensor(shape: parameter.tensor.shape, scalars: v))
        }
        return first + second
    }
}

extension LoadedCheckpoint {
    /// Adam's m and v, one array per parameter in the order of `model.parameters`, or nil when the
    /// checkpoint holds no optimizer state (a model saved for inference). Throws when the state is
    /// partial or a moment's shape differs from its parameter's.
    public func adamMoments() throws(CheckpointError) -> (first: [[Float]], second: [[Float]])? {
        guard extraTensors.keys.contains(where: { $0.hasPrefix(Checkpoint.firstMomentPrefix) || $0.hasPrefix(Checkpoint.secondMomentPrefix) })
        else { return nil }
        let named = model.namedParameters
        func moments(_ prefix: String) throws(CheckpointError) -> [[Float]] {
            var result: [[Float]] = []
            for (name, parameter) in named {
                guard let tensor = extraTensors[prefix + name] else {
                    throw CheckpointError(file: file, kind: .missingTensor,
                                          detail: "missing optimizer tensor \"\(prefix + name)\" (the checkpoint "
                                              + "holds optimizer state for some parameters only)")
                }
                guard tensor.shape == parameter.shape else {
                    throw CheckpointError(file: file, kind: .shapeMismatch,
                                          detail: "optimizer tensor \"\(prefix + name)\" has shape "
                                              + "\(tensor.shape), expected \(parameter.shape) like its parameter")
                }
                result.append(tensor.scalars)
            }
            return result
        }
        let expected = Set(named.flatMap { [Checkpoint.firstMomentPrefix + $0.name, Checkpoint.secondMomentPrefix + $0.name] })
        if let stray = extraTensors.keys.sorted().first(where: {
            ($0.hasPrefix(Checkpoint.firstMomentPrefix) || $0.hasPrefix(Checkpoint.secondMomentPrefix)) && !expected.contains($0)
        }) {
            throw CheckpointError(file: file, kind: .unexpectedTensor,
                                  detail: "unexpected optimizer tensor \"\(stray)\": it names no parameter of this model")
        }
        return (try moments(Checkpoint.firstMomentPrefix), try moments(Checkpoint.secondMomentPrefix))
    }
}
