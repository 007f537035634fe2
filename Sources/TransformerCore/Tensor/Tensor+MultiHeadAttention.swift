/// Multi-head scaled dot-product attention as one differentiable op, on the `[B, T, C]` projections.
extension Tensor {
    /// For every batch entry b and head h (columns h*D..<(h+1)*D, D = C / H):
    ///
    ///     W_bh = softmax(Q_bh K_bh^T / sqrt(D) + M_bh)          [T, S]
    ///     O_bh = dropout(W_bh) V_bh                             [T, D]
    ///
    /// with Q `[B, T, C]` (self), K and V `[B, S, C]`, M broadcastable to `[B, H, T, S]`. Returns O with
    /// the heads concatenated, `[B, T, C]`, and the weights W `[B, H, T, S]` (before dropout).
    ///
    /// The same values as splitting heads, ``scaledDotProductAttention(query:key:value:mask:dropout:)``
    /// and merging heads (to rounding: the sums may be ordered differently), and the same dropout masks
    /// from the same generator state, without the head permute copies: see ``Kernels/attentionForward``.
    /// Backward (one node, inputs Q, K, V): see ``Kernels/attentionBackward``. The weights are returned
    /// for inspection and carry no gradient. A mask that needs a gradient, or whose last axis is broadcast,
    /// takes the composed path (``composedMultiHeadAttention``).
    func multiHeadAttention(key: Tensor, value: Tensor, headCount: Int, mask: Tensor?,
                            dropout: Dropout?) -> (output: Tensor, weights: Tensor) {
        precondition(rank == 3 && key.rank == 3 && value.shape == key.shape && shape[0] == key.shape[0]
                     && shape[2] == key.shape[2] && headCount > 0 && shape[2] % headCount == 0,
                     "multiHeadAttention needs Q [B, T, C], K = V [B, S, C], C divisible by H; got \(shape), \(key.shape), \(value.shape), H \(headCount)")
        let (batch, queries, width, keys) = (shape[0], shape[1], shape[2], key.shape[1])
        let headShape = [batch, headCount, queries, keys]
        var maskStrides = (b: 0, h: 0, t: 0)
        if let mask {
            guard mask.rank <= 4, mask.shape.last == keys, !(mask.requiresGradient && GradientMode.isEnabled),
                  Broadcast.shape(headShape, mask.shape) == headShape else {
                return composedMultiHeadAttention(key: key, value: value, headCount: headCount, mask: mask,
                                                  dropout: dropout)
            }
            let padded = [Int](repeating: 1, count: 4 - mask.rank) + mask.shape
            let strides = Tensor.strides(of: padded)
            func axis(_ i: Int) -> Int { padded[i] == 1 ? 0 : strides[i] }
            maskStrides = (axis(0), axis(1), axis(2))
        }
        let headDimension = width / headCount
        let scale = 1 / Float(headDimension).squareRoot()
        let active = dropout.flatMap { $0.isTraining && $0.probability > 0 ? $0 : nil }
        let count = batch * headCount * queries * keys
        let (q, k, v) = (scalars, key.scalars, value.scalars)
        let maskScalars = mask?.scalars ?? []
        func operands(_ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
                      _ m: UnsafePointer<Float>?) -> Kernels.AttentionOperands {
            Kernels.AttentionOperands(batch: batch, heads: headCount, queries: queries, keys: keys,
                                      headDimension: headDimension, scale: scale, q: q, k: k, v: v,
                                      mask: mask == nil ? nil : m, maskStrides: maskStrides)
        }
        // The draw of Tensor.dropout on the [B, H, T, S] weights, made pair by pair (and again backward).
        let draw = active.map { active in
            let (threshold, keep) = Tensor.dropoutParameters(active.probability)
            return Kernels.AttentionDropout(state: active.generator.currentState, threshold: threshold, keep: keep)
        }
        if let active, let draw {
            active.generator.currentState = Kernels.splitMixState(draw.state, advancedBy: Kernels.dropoutNumbers(count))
        }
        var weights: [Float] = []
        let output = Kernels.uninitializedArray(batch * queries * width) { output in
            weights = Kernels.uninitializedArray(count) { weights in
                q.withUnsafeBufferPointer { q in k.withUnsafeBufferPointer { k in v.withUnsafeBufferPointer { v in
                    maskScalars.withUnsafeBufferPointer { m in
                        Kernels.attentionForward(operands(q.baseAddress!, k.baseAddress!, v.baseAddress!, m.baseAddress),
                                                 dropout: draw, weights: weights, output: output)
                    }
                } } }
            }
        }
        let (needQ, needK, needV) = (requiresGradient, key.requiresGradient, value.requiresGradient)
        let result = Tensor.result(shape: shape, scalars: output, inputs: [self, key, value]) {
            [weights, maskScalars] dO in
            var dQ: [Float]? = nil, dK: [Float]? = nil, dV: [Float]? = nil
            func run(_ dQ: UnsafeMutablePointer<Float>?, _ dK: UnsafeMutablePointer<Float>?,
                     _ dV: UnsafeMutablePointer<Float>?) {
                q.withUnsafeBufferPointer { q in k.withUnsafeBufferPointer { k in v.withUnsafeBufferPointer { v in
                    maskScalars.withUnsafeBufferPointer { m in weights.withUnsafeBufferPointer { w in
                        dO.withUnsafeBufferPointer { dO in
                            Kernels.attentionBackward(operands(q.baseAddress!, k.baseAddress!, v.baseAddress!,
                                                               m.baseAddress),
                                                      outputGradient: dO.baseAddress!, weights: w.baseAddress!,
                                                      dropout: draw, dQ: dQ, dK: dK, dV: dV)
                        }
                    } }
                } } }
            }
            // Each gradient is written in full by the kernel, so the buffers start uninitialized.
            let qCount = batch * queries * width, kCount = batch * keys * width
            func buffer(_ needed: Bool, _ count: Int, _ body: (UnsafeMutablePointer<Float>?) -> Void) -> [Float]? {
                guard needed else { body(nil); return nil }
                return Kernels.uninitializedArray(count) { body($0) }
            }
            dQ = buffer(needQ, qCount) { dQ in
                dK = buffer(needK, kCount) { dK in
                    dV = buffer(needV, kCount) { dV in run(dQ, dK, dV) }
                }
            }
            return [dQ, dK, dV]
        }
        return (result, Tensor(shape: headShape, scalars: weights))
    }

    /// The composed path that ``multiHeadAttention(key:value:headCount:mask:dropout:)`` replaces, and its
    /// test oracle: split heads, ``scaledDotProductAttention(query:key:value:mask:dropout:)``, merge heads.
    func composedMultiHeadAttention(key: Tensor, value: Tensor, headCount: Int, mask: Tensor?,
                                    dropout: Dropout?) -> (output: Tensor, weights: Tensor) {
        let (heads, weights) = scaledDotProductAttention(query: splittingHeads(headCount),
                                                         key: key.splittingHeads(headCount),
                                                         value: value.splittingHeads(headCount), mask: mask,
                                                         dropout: dropout)
        return (heads.mergingHeads(), weights)
    }
}
