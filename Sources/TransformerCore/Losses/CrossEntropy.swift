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
    // Per row, only the max m and log(sum_j exp(z_j - m)) are kept: log p_j = z_j - m - logTotal is
    // recomputed from the logits (which the graph holds anyway) instead of keeping a [N, V] array.
    let rows = targets.count
    let z = logits.scalars
    var maxima = [Float](repeating: 0, count: rows), logTotals = [Float](repeating: 0, count: rows)
    let counted = targets.filter { $0 != ignoreIndex }.count
    let uniform = labelSmoothing / Float(vocabulary)
    var total: Double = 0
    z.withUnsafeBufferPointer { z in
        for (n, target) in targets.enumerated() where target != ignoreIndex {
            precondition(target >= 0 && target < vocabulary, "target \(target) outside the vocabulary of \(vocabulary)")
            let row = z.baseAddress! + n * vocabulary
            var m = -Float.infinity
            for j in 0..<vocabulary { m = Swift.max(m, row[j]) }
            var sum: Float = 0
            if m != -.infinity {   // (a fully masked row: log p = -inf everywhere, p = 0)
                for j in 0..<vocabulary { sum += Foundation.exp(row[j] - m) }
            }
            let logTotal = Foundation.log(sum)
            (maxima[n], logTotals[n]) = (m, logTotal)
            var rowSum: Float = 0
            for j in 0..<vocabulary { rowSum += row[j] - m - logTotal }
            total -= Double((1 - labelSmoothing) * (row[target] - m - logTotal) + uniform * rowSum)
        }
    }
    let loss = counted > 0 ? Float(total / Double(counted)) : 0
    return Tensor.result(shape: [], scalars: [loss], inputs: [logits]) { g in
        var dz = [Float](repeating: 0, count: z.count)
        guard counted > 0 else { return [dz] }
        let scale = g[0] / Float(counted)
        z.withUnsafeBufferPointer { z in dz.withUnsafeMutableBufferPointer { dz in
            for (n, target) in targets.enumerated() where target != ignoreIndex {
                let row = z.baseAddress! + n * vocabulary, out = dz.baseAddress! + n * vocabulary
                let (m, logTotal) = (maxima[n], logTotals[n])
                for j in 0..<vocabulary { out[j] = scale * (Foundation.exp(row[j] - m - logTotal) - uniform) }
                out[target] -= scale * (1 - labelSmoothing)
            }
        } }
        return [dz]
    }
}
