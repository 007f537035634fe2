import TransformerCore

/// The arithmetic of one benchmark step, for the model FLOP utilisation `bench` prints: training GFLOP/s
/// and its fraction of the FMA peak measured right after the steps (``FMAPeak``).
///
/// Counted: the multiply-adds of every matrix product of one forward pass
/// (``BenchArch/forwardMultiplyAdds(_:)`` has them per family, the same count as torch_ref.py's
/// `model_flops`), 3 forward passes per training step (backward: the input and the weight gradient of
/// every product), 2 floating-point operations per multiply-add. Not counted: softmax, layer norm,
/// activations, dropout, the loss, Adam and clipping (a few percent of the work, so the utilisation is
/// slightly understated).
extension BenchCommand {
    /// Floating-point operations of one training step: 3 forward passes, 2 per multiply-add.
    static func trainingFLOPs(forwardMultiplyAdds: Double) -> Double { 3 * 2 * forwardMultiplyAdds }
}
