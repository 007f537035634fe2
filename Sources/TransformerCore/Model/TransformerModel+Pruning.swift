/// Head pruning (Michel et al. 2019): a genuinely smaller model without some attention heads.
///
/// Removing head h of an attention removes rows h D..<(h+1) D of W^Q, W^K, W^V (and their biases) and the
/// same columns of W^O; W^O's bias and every other parameter stay. The pruned model computes exactly what
/// the unpruned one computes with those heads' gates at 0 (``MultiHeadAttention/headGate``), since a
/// masked head contributes nothing to Concat(...) W^O. Only dot-product attentions (``MultiHeadAttention``)
/// can be pruned; naming a head of an additive attention is a ``ConfigurationError``.
extension TransformerModel {
    /// A copy of this model without `heads` (unpruned numbering; heads already pruned may be named again).
    /// Throws when a head or layer does not exist or an attention would keep no head.
    public func pruning(_ heads: PrunedHeads) throws(ConfigurationError) -> Self {
        let smaller = try rebuilt(prunedHeads: prunedHeads.union(heads))
        var attentionTensors = Set<ObjectIdentifier>()
        for (old, new) in zip(attentionSites, smaller.attentionSites) {
            precondition(old.kind == new.kind && old.layer == new.layer, "attention sites out of step")
            // Additive attentions cannot be pruned (rebuilt(prunedHeads:) refuses), so they keep their
            // shapes and are copied by name below with everything else.
            guard let oldAttention = old.attention as? MultiHeadAttention,
                  let newAttention = new.attention as? MultiHeadAttention else { continue }
            let d = oldAttention.headDimension
            let rows = new.keptHeads.map { old.keptHeads.firstIndex(of: $0)! }   // new head i = old head rows[i]
            for (from, to) in [(oldAttention.query, newAttention.query), (oldAttention.key, newAttention.key),
                               (oldAttention.value, newAttention.value)] {
                to.weight.withMutableScalars { $0 = Self.headRows(from.weight, rows, width: d) }
                if let b = from.bias, let nb = to.bias { nb.withMutableScalars { $0 = Self.headRows(b, rows, width: d) } }
            }
            newAttention.output.weight.withMutableScalars { $0 = Self.headColumns(oldAttention.output.weight, rows, width: d) }
            if let b = oldAttention.output.bias, let nb = newAttention.output.bias { nb.withMutableScalars { $0 = b.scalars } }
            for layer in [newAttention.query, newAttention.key, newAttention.value, newAttention.output] {
                for p in layer.ownParameters { attentionTensors.insert(ObjectIdentifier(p.tensor)) }
            }
        }
        let old = Dictionary(namedParameters.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        for p in smaller.namedParameters where !attentionTensors.contains(ObjectIdentifier(p.tensor)) {
            guard let source = old[p.name], source.shape == p.tensor.shape else {
                preconditionFailure("pruning: parameter \(p.name) has no counterpart of shape \(p.tensor.shape)")
            }
            p.tensor.withMutableScalars { $0 = source.scalars }
        }
        smaller.setTraining(isInTrainingMode)
        return smaller
    }

    /// Rows `heads[i] * width ..< (heads[i] + 1) * width` of a `[H D]` or `[H D, C]` tensor, in order.
    static func headRows(_ t: Tensor, _ heads: [Int], width: Int) -> [Float] {
        let rowLength = t.rank == 2 ? t.shape[1] : 1, chunk = width * rowLength
        var result: [Float] = []
        result.reserveCapacity(heads.count * chunk)
        for h in heads { result += t.scalars[(h * chunk)..<((h + 1) * chunk)] }
        return result
    }

    /// Columns `heads[i] * width ..< (heads[i] + 1) * width` of a `[C, H D]` matrix, in order.
    static func headColumns(_ t: Tensor, _ heads: [Int], width: Int) -> [Float] {
        let (rowCount, columns) = (t.shape[0], t.shape[1])
        var result: [Float] = []
        result.reserveCapacity(rowCount * heads.count * width)
        for r in 0..<rowCount {
            for h in heads { result += t.scalars[(r * columns + h * width)..<(r * columns + (h + 1) * width)] }
        }
        return result
    }
}
