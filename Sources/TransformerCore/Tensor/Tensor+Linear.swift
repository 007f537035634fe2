
/// The affine map of a Linear layer as one op: one GEMM and the bias added in place, instead of a
/// matmul, a tiled copy of the bias and an elementwise add (and their three backward passes).
extension Tensor {
    /// y = x W^T + b over the last axis: x `[..., in]`, W `[out, in]`, b `[out]` (or none) -> y `[..., out]`.
    ///
    /// Backward, with rows the flattened leading dimensions:
    ///   dx `[rows, in]` = dy W;   dW `[out, in]` = dy^T x;   db = sum over rows of dy.
    /// Equals `matmul(W, transposingOther: true) + b`.
    func linear(weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(rank >= 1 && weight.rank == 2 && shape[rank - 1] == weight.shape[1],
                     "linear: x \(shape) does not match W \(weight.shape) (need x [..., in], W [out, in])")
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        precondition(bias == nil || bias!.shape == [outputs], "linear: bias \(bias?.shape ?? []) is not [\(outputs)]")
        let rows = count / Swift.max(inputs, 1)
        let x = scalars, w = weight.scalars, b = bias?.scalars
        let y = Tensor.linearForward(x: x, weight: weight, bias: b, rows: rows)   // [rows, out]
        let (needX, needW, needB) = (requiresGradient, weight.requiresGradient, bias?.requiresGradient ?? false)
        let inputsList = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.result(shape: Array(shape.dropLast()) + [outputs], scalars: y, inputs: inputsList) { dy in
            Tensor.linearBackward(dy, x: x, w: w, rows: rows, inputs: inputs, outputs: outputs,
                                  needX: needX, needW: needW, needB: needB, hasBias: b != nil)
        }
    }

    /// Linear, ReLU and (when `dropout` is given) inverted dropout as one op:
    ///
    ///     z = dropout(max(0, x W^T + b))
    ///
    /// Shapes as ``linear(weight:bias:)``. The ReLU and the dropout are one in-place sweep over the GEMM
    /// output, and the op keeps only z for its backward: z > 0 exactly where the pre-activation was
    /// positive and the element was kept, so
    ///
    ///     dh = z > 0 ? dz * s : 0   (s = 1 / (1 - p), or 1 without dropout),
    ///
    /// then the backward of the linear map with dh. The composed ops (linear, relu, dropout) would keep the
    /// pre-activation, the ReLU output and the mask as well as z. The dropout draws the same numbers from
    /// `generator` as ``dropout(probability:generator:)`` on the ReLU output, so the result is the same.
    func linearReLU(weight: Tensor, bias: Tensor?, dropout: (probability: Float, generator: SeededGenerator)?) -> Tensor {
        precondition(rank >= 1 && weight.rank == 2 && shape[rank - 1] == weight.shape[1],
                     "linearReLU: x \(shape) does not match W \(weight.shape) (need x [..., in], W [out, in])")
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        precondition(bias == nil || bias!.shape == [outputs], "linearReLU: bias \(bias?.shape ?? []) is not [\(outputs)]")
        let p = dropout?.probability ?? 0
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        let rows = count / Swift.max(inputs, 1)
        let x = scalars, w = weight.scalars, b = bias?.scalars
        var z = Tensor.linearForward(x: x, weight: weight, bias: b, rows: rows)   // [rows, out]
        let n = z.count
        let (threshold, scale) = p > 0 ? Tensor.dropoutParameters(p) : (0, 1)
        z.withUnsafeMutableBufferPointer { z in
            guard let base = z.baseAddress else { return }
            if let generator = dropout?.generator, p > 0 {
                var state = generator.currentState
                Kernels.dropout(state: &state, count: n, threshold: threshold, keep: scale, relu: true,
                                x: base, y: base, bits: nil)
                generator.currentState = state
            } else {
                for i in 0..<n { base[i] = Swift.max(0, base[i]) }
            }
        }
        let (needX, needW, needB) = (requiresGradient, weight.requiresGradient, bias?.requiresGradient ?? false)
        let inputsList = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.result(shape: Array(shape.dropLast()) + [outputs], scalars: z, inputs: inputsList) { [z] dz in
            // (A select and a multiply, no branch: it vectorizes, and a NaN in dz stays NaN as in g * mask.)
            let dh = Tensor.elementwise(dz, z) { dz, z, dh, n in
                Kernels.reluDropoutBackward(count: n, keep: scale, z: z, g: dz, dx: dh)
            }
            return Tensor.linearBackward(dh, x: x, w: w, rows: rows, inputs: inputs, outputs: outputs,
                                         needX: needX, needW: needW, needB: needB, hasBias: b != nil)
        }
    }

    /// y `[rows, out]` = x `[rows, in]` W^T + b: one GEMM, then the bias added to each row while the rows
    /// are still in cache. (Filling C with the bias first and accumulating into it cost a copy into fresh
    /// memory: memmove was 4.1% of a small 1-thread training step, the add is ~2.2%.)
    static func linearForward(x: [Float], weight: Tensor, bias b: [Float]?, rows: Int) -> [Float] {
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        let w = weight.scalars
        // Without a graph for W (inference), W^T is packed once and reused by every later call.
        let packed = GradientMode.isEnabled && weight.requiresGradient
            ? nil : weight.packedGEMMOperand(transposed: true, m: rows)
        return Kernels.uninitializedArray(rows * outputs) { y in   // [rows, out]
            x.withUnsafeBufferPointer { x in w.withUnsafeBufferPointer { w in
                Kernels.gemm(transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs,
                             a: x.baseAddress!, lda: inputs, b: w.baseAddress!, ldb: inputs,
                             c: y, ldc: outputs, accumulate: false, packedB: packed)
            } }
            if let b {
                b.withUnsafeBufferPointer { b in
                    for r in 0..<rows {
                        let row = y + r * outputs
                        for j in 0..<outputs { row[j] += b[j] }
                    }
                }
            }
        }
    }

    /// The backward of y = x W^T + b from dy `[rows, out]`: [dx, dW, db] (or [dx, dW] without a bias),
    /// nil where not needed:
    ///   dx `[rows, in]` = dy W;   dW `[out, in]` = dy^T x;   db = sum over rows of dy.
    static func linearBackward(_ dy: [Float], x: [Float], w: [Float], rows: Int, inputs: Int, outputs: Int,
                               needX: Bool, needW: Bool, needB: Bool, hasBias: Bool) -> [[Float]?] {
        var dx: [Float]? = nil, dw: [Float]? = nil, db: [Float]? = nil
        dy.withUnsafeBufferPointer { dy in
            let g = dy.baseAddress!
            if needX {   // dx [rows, in] = dy [rows, out] W [out, in]
                dx = Kernels.uninitializedArray(rows * inputs) { dx in
                    w.withUnsafeBufferPointer { w in
                        Kernels.gemm(transposeA: false, transposeB: false, m: rows, n: inputs, k: outputs,
                                     a: g, lda: outputs, b: w.baseAddress!, ldb: inputs,
                                     c: dx, ldc: inputs, accumulate: false)
                    }
                }
            }
            if needW {   // dW [out, in] = dy^T [out, rows] x [rows, in]
                dw = Kernels.uninitializedArray(outputs * inputs) { dw in
                    x.withUnsafeBufferPointer { x in
                        Kernels.gemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: rows,
                                     a: g, lda: outputs, b: x.baseAddress!, ldb: inputs,
                                     c: dw, ldc: inputs, accumulate: false)
                    }
                }
            }
            if needB {   // db [out] = column sums of dy
                db = Kernels.uninitializedArray(outputs) { db in
                    Kernels.columnSums(g, rows: rows, columns: outputs, into: db)
                }
            }
        }
        return hasBias ? [dx, dw, db] : [dx, dw]
    }
}
