extension Transformer {
    /// Whether the model is in training mode (dropout on), read from its positional-encoding dropout, which
    /// every model has. ``Layer/setTraining(_:)`` always switches the whole tree, so one layer tells.
    var isInTrainingMode: Bool { positionalEncoding.dropout.isTraining }

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
