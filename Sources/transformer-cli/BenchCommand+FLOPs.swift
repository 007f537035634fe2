import TransformerCore

/// The arithmetic of one benchmark step, for the model FLOP utilisation `bench` prints (training GFLOP/s
/// and its fraction of the measured FMA peak, ``FMAPeak``).
///
/// Counted: the multiply-adds of every matrix product of the forward pass, B rows at a time (S source,
/// T target positions, C = d_model, F = d_ff, V = target vocabulary, L layers):
///
///     encoder layer:   4 S C^2 (Q, K, V, O) + 2 S^2 C (scores, weighted values) + 2 S C F (feed-forward)
///     decoder layer:   4 T C^2 + 2 T^2 C (self-attention) + 2 T C^2 + 2 S C^2 + 2 T S C (cross-attention:
///                      Q and O on the targets, K and V on the memory, scores and values) + 2 T C F
///     output:          T C V
///
/// A training step is counted as 3 forward passes (backward: the input and the weight gradient of every
/// product), 2 floating-point operations per multiply-add: the usual 6 x parameters x tokens rule with
/// the attention products added. Not counted: softmax, layer norm, activations, dropout, the loss, Adam
/// and clipping (a few percent of the work; they make the utilisation slightly understated).
extension BenchConfig {
    /// Multiply-adds of one forward pass of the encoder-decoder on one batch.
    var translationForwardMultiplyAdds: Double {
        let s = sizes
        let (b, src, tgt) = (Double(s.batch), Double(s.sourceLength), Double(s.targetLength))
        let (c, f, v, l) = (Double(s.modelDimension), Double(s.feedForward), Double(s.targetVocabulary), Double(s.layers))
        let encoder = 4 * src * c * c + 2 * src * src * c + 2 * src * c * f
        let decoder = 4 * tgt * c * c + 2 * tgt * tgt * c + 2 * tgt * c * c + 2 * src * c * c + 2 * tgt * src * c
            + 2 * tgt * c * f
        return b * (l * (encoder + decoder) + tgt * c * v)
    }
}

extension BenchCommand {
    /// Floating-point operations of one training step counted as above: 3 forward passes, 2 per multiply-add.
    static func trainingFLOPs(forwardMultiplyAdds: Double) -> Double { 3 * 2 * forwardMultiplyAdds }
}
