/// The affine map of a Linear layer as one op: one GEMM with the bias as its starting C, instead of a
/// matmul, a tiled copy of the bias and an elementwise add (and their three backward passes).
extension Tensor {
    /// y = x W^T + b over the last axis: x `[..., in]`, W `[out, in]`, b `[out]` (or none) -> y `[..., out]`.
    ///
    /// Backward, with rows the flattened leading dimensions:
    ///   dx `[rows, in]` = dy W;   dW `[out, in]` = dy^T x;   db = sum over rows of dy.
    /// Equals `matmul(W, transposingOther: true) + b` up to rounding (the bias is added before the
    /// products of a k block instead of after the last; with in <= 256 there is one block and it is exact).
    func linear(weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(rank >= 1 && weight.rank == 2 && shape[rank - 1] == weight.shape[1],
                     "linear: x \(shape) does not match W \(weight.shape) (need x [..., in], W [out, in])")
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        precondition(bias == nil || bias!.shape == [outputs], "linear: bias \(bias?.shape ?? []) is not [\(outputs)]")
        let rows = count / Swift.max(inputs, 1)
        let x = scalars, w = weight.scalars, b = bias?.scalars
        // Without a graph for W (inference), W^T is packed once and reused by every later call.
        let packed = GradientMode.isEnabled && weight.requiresGradient
            ? nil : weight.packedGEMMOperand(transposed: true, m: rows)
        let y = Kernels.uninitializedArray(rows * outputs) { y in   // [rows, out]
            if let b {
                b.withUnsafeBufferPointer { b in
                    for r in 0..<rows { (y + r * outputs).update(from: b.baseAddress!, count: outputs) }
                }
            }
            x.withUnsafeBufferPointer { x in w.withUnsafeBufferPointer { w in
                Kernels.gemm(transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs,
                             a: x.baseAddress!, lda: inputs, b: w.baseAddress!, ldb: inputs,
                             c: y, ldc: outputs, accumulate: b != nil, packedB: packed)
            } }
        }
        let (needX, needW, needB, hasBias) = (requiresGradient, weight.requiresGradient, bias?.requiresGradient ?? false, bias != nil)
        let inputsList = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.result(shape: Array(shape.dropLast()) + [outputs], scalars: y, inputs: inputsList) { dy in
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
}
