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
public func crossEntropy(logits: Tensor, targets: [Int], ignoreIndex: Int?,
                         labelSmoothing: Float = 0) -> Tensor {
    let vocabulary = logits.shape.last ?? 0
    precondition(vocabulary > 0 && logits.count == targets.count * vocabulary,
                 "crossEntropy: logits \(logits.shape) do not hold \(targets.count) rows of V")
    precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "label smoothing must be in [0, 1], got \(labelSmoothing)")
    // Per row, only the max m and log(sum_j exp(z_j - m)) are kept: log p_j = z_j - m - logTotal is
    // recomputed from the logits (which the graph holds anyway) instead of keeping a [N, V] array.
    // Rows are independent: large problems (medium's and base's vocabularies) split them over threads,
    // each row's loss kept apart and the losses added in order, so the result does not depend on the split.
    let rows = targets.count
    let z = logits.scalars
    for target in targets where target != ignoreIndex {
        precondition(target >= 0 && target < vocabulary, "target \(target) outside the vocabulary of \(vocabulary)")
    }
    var maxima = [Float](repeating: 0, count: rows), logTotals = [Float](repeating: 0, count: rows)
    var rowLosses = [Float](repeating: 0, count: rows)
    let counted = targets.filter { $0 != ignoreIndex }.count
    let uniform = labelSmoothing / Float(vocabulary)
    let threads = ComputeThreads.count(work: rows * vocabulary, workPerThread: crossEntropyWorkPerThread)
    let backend = KernelBackend.current
    z.withUnsafeBufferPointer { z in
        maxima.withUnsafeMutableBufferPointer { maxima in logTotals.withUnsafeMutableBufferPointer { logTotals in
            rowLosses.withUnsafeMutableBufferPointer { rowLosses in
                let io = CrossEntropyBuffers(z: z.baseAddress!, maxima: maxima.baseAddress!,
                                             logTotals: logTotals.baseAddress!, out: rowLosses.baseAddress!)
                Kernels.forEachPairShare(pairs: rows, threads: threads) { range in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: vocabulary) { scratch in
                        for n in range where targets[n] != ignoreIndex {
                            let row = io.z + n * vocabulary
                            let m = Kernels.maximum(row, count: vocabulary)
                            // (A fully masked row: log p = -inf everywhere, p = 0.)
                            let sum = m == -.infinity ? 0
                                : Kernels.shiftedExponentials(row, shift: m, count: vocabulary, into: scratch.baseAddress!,
                                                              backend: backend)
                            let logTotal = Foundation.log(sum)
                            (io.maxima[n], io.logTotals[n]) = (m, logTotal)
                            // sum_j log p_j, in 8 lanes.
                            let rowSum = Kernels.sumOfDifferences(row, minus: m, minus: logTotal, count: vocabulary)
                            io.out[n] = -((1 - labelSmoothing) * (row[targets[n]] - m - logTotal) + uniform * rowSum)
                        }
                    }
                }
            }
        } }
    }
    var total: Double = 0
    for loss in rowLosses { total += Double(loss) }
    let loss = counted > 0 ? Float(total / Double(counted)) : 0
    return Tensor.result(shape: [], scalars: [loss], inputs: [logits]) { [maxima, logTotals] g in
        var dz = [Float](repeating: 0, count: z.count)
        guard counted > 0 else { return [dz] }
        let scale = g[0] / Float(counted)
        z.withUnsafeBufferPointer { z in dz.withUnsafeMutableBufferPointer { dz in
            maxima.withUnsafeBufferPointer { maxima in logTotals.withUnsafeBufferPointer { logTotals in
                let io = CrossEntropyBuffers(z: z.baseAddress!, maxima: UnsafeMutablePointer(mutating: maxima.baseAddress!),
                                             logTotals: UnsafeMutablePointer(mutating: logTotals.baseAddress!),
                                             out: dz.baseAddress!)
                Kernels.forEachPairShare(pairs: rows, threads: threads) { range in
                    for n in range where targets[n] != ignoreIndex {
                        let row = io.z + n * vocabulary, out = io.out + n * vocabulary
                        // dz_j = scale * (p_j - q_j), p_j = exp(z_j - (m + logTotal)).
                        _ = Kernels.shiftedExponentials(row, shift: io.maxima[n] + io.logTotals[n], count: vocabulary,
                                                        into: out, backend: backend)
                        for j in 0..<vocabulary { out[j] = scale * (out[j] - uniform) }
                        out[targets[n]] -= scale * (1 - labelSmoothing)
                    }
                }
            } }
        } }
        return [dz]
    }
}

/// Logits times rows a thread must get before cross-entropy's rows are split over threads (medium's
/// 2048 x 1000 and base's 512 x 8000 split; tiny's and small's 1024 x 32 do not).
let crossEntropyWorkPerThread = 1 << 17

/// Cross-entropy's buffers, handed to the workers (each writes its own rows).
private struct CrossEntropyBuffers: @unchecked Sendable {
    let z: UnsafePointer<Float>
    let maxima: UnsafeMutablePointer<Float>, logTotals: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
}
