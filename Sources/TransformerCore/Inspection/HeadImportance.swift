import Foundation

/// How much each attention head matters, measured two ways (Michel et al. 2019, "Are Sixteen Heads Really
/// Better than One?"):
///
/// - Ablation: the task's validation (loss and headline metric, ``TaskMetric``) with that head alone
///   masked (its gate ξ_h = 0; ``MultiHeadAttention/headGate``), against the unmasked baseline.
/// - Gradient proxy (the paper's eq. 2): I_h = E_x |dL(x)/dξ_h|, the expected absolute derivative of the
///   loss with respect to the head's gate at ξ = 1. Deviation stated: the expectation is taken over
///   batches (the loss of a batch is its mean over targets), not single examples, as the paper's own code
///   does. ``Head/normalizedGradient`` divides by the l2 norm of the scores of the head's attention, the
///   paper's per-layer normalisation, which makes scores comparable across layers when pruning globally.
///
/// Heads are numbered as in the unpruned model (``AttentionSite/keptHeads``), 0-based.
public struct HeadImportance: Sendable {
    public struct Head: Sendable, Equatable {
        public let kind: AttentionKind
        public let layer: Int
        /// The head's index in the unpruned model.
        public let head: Int
        /// Validation loss with this head masked.
        public let ablatedLoss: Float
        /// The task's metric with this head masked.
        public let ablatedMetric: Double
        /// E |dL/dξ_h| over the batches.
        public let gradient: Double
        /// ``gradient`` / the l2 norm of the gradients of the same attention's heads.
        public let normalizedGradient: Double
        /// Whether ``TransformerModel/pruning(_:)`` can remove the head (dot-product attention; additive
        /// attention is measured but not pruned).
        public let isPrunable: Bool
    }

    /// Validation loss and metric of the model as it is.
    public let baselineLoss: Float
    public let baselineMetric: TaskMetric
    /// One entry per head, in the order of ``TransformerModel/attentionSites``, heads in order.
    public let heads: [Head]
    /// Batches the gradient proxy averaged over.
    public let gradientBatchCount: Int

    /// Measures every head of `task.model`: an ablation validation per head (`task.validate`) and the
    /// gradient proxy over `task.batches(epoch: 0)` (at most `gradientBatches` of them). Runs in evaluation
    /// mode (no dropout); the model's gates and training mode are restored afterwards. `progress` is told
    /// each ablation as it finishes (done, total). Without `ablation` only the gradient proxy is measured
    /// (the ablated loss and metric are then the baseline's): what iterative pruning needs.
    public static func measure<T: TrainingTask>(_ task: T, gradientBatches: Int? = nil, ablation: Bool = true,
                                                progress: (Int, Int) -> Void = { _, _ in }) throws -> HeadImportance {
        let model = task.model
        let sites = model.attentionSites
        let wasTraining = model.isInTrainingMode
        model.setTraining(false)
        defer {
            for site in sites { site.attention.headGate = nil }
            model.setTraining(wasTraining)
        }
        guard let baseline = try task.validate(sampleCount: 0) else {
            throw HeadImportanceError.noValidationData
        }
        // Gradient proxy: gates of 1 that record their gradient, accumulated as |dL/dξ| per batch.
        let gates = sites.map { Tensor(shape: [$0.keptHeads.count], scalars: [Float](repeating: 1, count: $0.keptHeads.count),
                                       requiresGradient: true) }
        for (site, gate) in zip(sites, gates) { site.attention.headGate = gate }
        var sums = sites.map { [Double](repeating: 0, count: $0.keptHeads.count) }
        let batches = Array(task.batches(epoch: 0).prefix(gradientBatches ?? .max))
        for batch in batches {
            for gate in gates { gate.zeroGradient() }
            let (loss, _) = task.loss(on: batch, labelSmoothing: 0)
            loss.backward()
            for (s, gate) in gates.enumerated() {
                for (h, g) in (gate.gradientScalars ?? []).enumerated() { sums[s][h] += Double(abs(g)) }
            }
        }
        for parameter in model.parameters { parameter.zeroGradient() }
        // Ablation: one head of one attention masked at a time.
        for site in sites { site.attention.headGate = nil }
        let total = sites.reduce(0) { $0 + $1.keptHeads.count }
        var heads: [Head] = []
        for (s, site) in sites.enumerated() {
            let count = max(1, batches.count)
            let scores = sums[s].map { $0 / Double(count) }
            let norm = scores.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for (h, original) in site.keptHeads.enumerated() {
                var (loss, metric) = (baseline.loss, baseline.metric.value)
                if ablation {
                    var mask = [Float](repeating: 1, count: site.keptHeads.count)
                    mask[h] = 0
                    site.attention.headGate = Tensor(shape: [mask.count], scalars: mask)
                    guard let ablated = try task.validate(sampleCount: 0) else { throw HeadImportanceError.noValidationData }
                    site.attention.headGate = nil
                    (loss, metric) = (ablated.loss, ablated.metric.value)
                }
                heads.append(Head(kind: site.kind, layer: site.layer, head: original, ablatedLoss: loss,
                                  ablatedMetric: metric, gradient: scores[h],
                                  normalizedGradient: norm > 0 ? scores[h] / norm : 0,
                                  isPrunable: site.attention is MultiHeadAttention))
                progress(heads.count, total)
            }
        }
        return HeadImportance(baselineLoss: baseline.loss, baselineMetric: baseline.metric, heads: heads,
                              gradientBatchCount: batches.count)
    }

    /// The `count` prunable heads with the lowest ``Head/normalizedGradient`` (ties: earlier heads first),
    /// never the last head of an attention: the next step of iterative pruning. Fewer when every
    /// attention is down to one head (or the rest are additive).
    public func leastImportant(_ count: Int) -> PrunedHeads {
        var remaining = Dictionary(grouping: heads, by: { "\($0.kind.name) \($0.layer)" }).mapValues(\.count)
        var chosen = PrunedHeads()
        let order = heads.indices.sorted { (heads[$0].normalizedGradient, $0) < (heads[$1].normalizedGradient, $1) }
        var taken = 0
        for index in order where taken < count && heads[index].isPrunable {
            let head = heads[index], key = "\(head.kind.name) \(head.layer)"
            guard remaining[key, default: 0] > 1 else { continue }
            remaining[key, default: 0] -= 1
            chosen.remove([head.head], kind: head.kind, layer: head.layer)
            taken += 1
        }
        return chosen
    }
}

/// Why head importance could not be measured.
public enum HeadImportanceError: Error, Equatable, CustomStringConvertible {
    /// The task has no validation examples to measure on.
    case noValidationData

    public var description: String {
        switch self {
        case .noValidationData: "head importance needs validation data: the task has none"
        }
    }
}

extension TransformerModel {
    /// Iterative pruning (Michel et al. 2019, §4): repeatedly measure ``HeadImportance`` on the task built
    /// for the current model and remove the `stepHeads` least important heads, until at most
    /// `keepFraction` of the unpruned model's heads remain (never the last head of an attention). Returns
    /// the pruned model. `makeTask` builds the measuring task for each intermediate model.
    public func pruningIteratively<T: TrainingTask>(keepFraction: Double, stepHeads: Int, makeTask: (Self) -> T,
                                                    onStep: (Self, HeadImportance) -> Void = { _, _ in }) throws -> Self
    where T.Model == Self {
        precondition(keepFraction > 0 && keepFraction <= 1 && stepHeads >= 1,
                     "keep fraction in (0, 1] and at least one head a step, got \(keepFraction), \(stepHeads)")
        let sites = attentionSites
        let unpruned = sites.reduce(0) { $0 + $1.keptHeads.count } + prunedHeads.count
        let target = max(sites.count, Int((keepFraction * Double(unpruned)).rounded(.up)))
        var model = self
        while true {
            let kept = model.attentionSites.reduce(0) { $0 + $1.keptHeads.count }
            guard kept > target else { break }
            let importance = try HeadImportance.measure(makeTask(model), ablation: false)
            onStep(model, importance)
            let step = importance.leastImportant(min(stepHeads, kept - target))
            guard !step.isEmpty else { break }
            model = try model.pruning(step)
        }
        return model
    }
}
