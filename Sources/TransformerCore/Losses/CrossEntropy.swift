import Foundation

/// Cross-entropy between logits and target ids, with label smoothing and an ignored (padding) index.
///
/// For each counted position n with target y_n, the smoothed target distribution is
/// q = (1 - eps) onehot(y_n) + eps / V (as PyTorch's `label_smoothing`, paper §5.4), and
///
///     loss = (1 / N) sum_n -sum_j q_j log p_nj,   log p_n = logSoftmax(z_n) = z_n - logsumexp(z_n)
///
/// where N counts the positions whose target is not `ignoreIndex`. The log-sum-exp is max-subtracted,
/// so large logits are safe. Backward: dz_nj = (p_nj - q_j) / N for counted positions, 0 for ignored.
/// Shapes: logits `[..., V]` with `targets.count` positions -> a scalar. With no counted positions the
/// loss is 0.
public func crossEntropy(logits: Tensor, targets: [Int], ignoreIndex: Int? = Transformer.paddingIndex,
                         labelSmoothing: Float = 0) -> Tensor {
    let vocabulary = logits.shape.last ?? 0
    precondition(vocabulary > 0 && logits.count == targets.count * vocabulary,
                 "crossEntropy: logits \(logits.shape) do not hold \(targets.count) rows of V")
    precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "label smoothing must be in [0, 1], got \(labelSmoothing)")
    let logProbabilities = Tensor.softmaxRows(logits.scalars, width: vocabulary, logarithm: true)   // [N, V]
    let counted = targets.filter { $0 != ignoreIndex }.count
    let uniform = labelSmoothing / Float(vocabulary)
    var total: Double = 0
    for (n, target) in targets.enumerated() where target != ignoreIndex {
        precondition(target >= 0 && target < vocabulary, "target \(target) outside the vocabulary of \(vocabulary)")
        let row = n * vocabulary
        var rowSum: Float = 0
        for j in 0..<vocabulary { rowSum += logProbabilities[row + j] }
        total -= Double((1 - labelSmoothing) * logProbabilities[row + target] + uniform * rowSum)
    }
    let loss = counted > 0 ? Float(total / Double(counted)) : 0
    return Tensor.result(shape: [], scalars: [loss], inputs: [logits]) { g in
        var dz = [Float](repeating: 0, count: logProbabilities.count)
        guard counted > 0 else { return [dz] }
        let scale = g[0] / Float(counted)
        for (n, target) in targets.enumerated() where target != ignoreIndex {
            let row = n * vocabulary
            for j in 0..<vocabulary { dz[row + j] = scale * (Foundation.exp(logProbabilities[row + j]) - uniform) }
            dz[row + target] -= scale * (1 - labelSmoothing)
        }
        return [dz]
    }
}
