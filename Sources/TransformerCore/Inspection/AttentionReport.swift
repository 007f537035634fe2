/// Every attention map of one translation: for each kind, layer and head a `[queries, keys]` matrix with
/// its token labels, ready to print, test or render (see ``AttentionMap``).
///
/// Built by ``Translator/attentionReport(for:maximumLength:)`` (greedy translation, then one
/// teacher-forced forward pass), or from any forward pass with ``init(input:sourceTokens:output:outputTokens:isComplete:unknownTokens:attention:)``.
///
/// Labels:
/// - encoder queries and keys, and cross-attention keys: the source tokens then `<eos>` (the encoder
///   sees the source followed by `<eos>`, as in training);
/// - decoder queries (both decoder kinds): row i is labelled with the token the model produced at step
///   i, so the rows read as the output, ending with `<eos>` when it was emitted;
/// - decoder self-attention keys: the decoder inputs, `<sos>` then the output tokens shifted right.
///
/// ```swift
/// let report = try translator.attentionReport(for: "shopping", maximumLength: 30)
/// let cross = report.map(kind: .decoderCross, layer: 0, head: 0)   // [T, S]: output x source
/// let rollout = report.encoderRollout()                           // [S, S]
/// ```
public struct AttentionReport: Equatable, Sendable {
    /// The text as given.
    public let input: String
    /// The source tokens as text (a token unknown to the vocabulary keeps its text here).
    public let sourceTokens: [String]
    /// The output tokens joined as the target tokenizer joins them.
    public let output: String
    /// The output tokens as text, without `<sos>` / `<eos>`.
    public let outputTokens: [String]
    /// False when decoding stopped at the maximum length before `<eos>`.
    public let isComplete: Bool
    /// Input tokens the source vocabulary lacks (read as `<unk>`), in order.
    public let unknownTokens: [String]
    public let layerCount: Int
    public let headCount: Int
    /// Every per-head map, ordered by kind (encoder, decoder, cross), then layer, then head.
    public let maps: [AttentionMap]
    /// What the rows and columns hold when they are the same tokens ("token" for a classifier, "prompt
    /// token" for a language model); nil for a translation, whose axes ``AttentionKind`` names.
    public let axisNoun: String?

    /// Splits one forward pass's weights (batch row 0) into per-head maps with the labels described on
    /// the type. `attention` must come from `source = ids(sourceTokens) + [<eos>]` and
    /// `targetInput = [<sos>] + ids(outputTokens)` (minus the last output token when incomplete).
    public init(input: String, sourceTokens: [String], output: String, outputTokens: [String], isComplete: Bool,
                unknownTokens: [String], attention: AttentionWeights) {
        let end = Vocabulary.specialTokens[Vocabulary.end], start = Vocabulary.specialTokens[Vocabulary.start]
        let sourceLabels = sourceTokens + [end]
        let queryLabels = isComplete ? outputTokens + [end] : outputTokens
        let decoderKeys = Array(([start] + outputTokens).prefix(queryLabels.count))
        let maps = Self.split(attention.encoderSelf, .encoderSelf, queries: sourceLabels, keys: sourceLabels)
            + Self.split(attention.decoderSelf, .decoderSelf, queries: queryLabels, keys: decoderKeys)
            + Self.split(attention.decoderCross, .decoderCross, queries: queryLabels, keys: sourceLabels)
        self.init(input: input, sourceTokens: sourceTokens, output: output, outputTokens: outputTokens,
                  isComplete: isComplete, unknownTokens: unknownTokens,
                  layerCount: max(attention.encoderSelf.count, attention.decoderSelf.count, attention.decoderCross.count),
                  headCount: (attention.encoderSelf + attention.decoderCross).first?.shape[1] ?? 0, maps: maps, axisNoun: nil)
    }

    /// A report of the given maps (the other families' reports, see `AttentionReport+Families.swift`).
    init(input: String, sourceTokens: [String], output: String, outputTokens: [String], isComplete: Bool,
         unknownTokens: [String], layerCount: Int, headCount: Int, maps: [AttentionMap], axisNoun: String?) {
        self.input = input
        self.sourceTokens = sourceTokens
        self.output = output
        self.outputTokens = outputTokens
        self.isComplete = isComplete
        self.unknownTokens = unknownTokens
        self.layerCount = layerCount
        self.headCount = max(headCount, (maps.compactMap(\.head).max() ?? -1) + 1)   // the most heads of any layer (pruned layers have fewer)
        self.maps = maps
        self.axisNoun = axisNoun
    }

    /// The row and column titles of `kind`'s pictures.
    func axisTitles(_ kind: AttentionKind) -> (rows: String, columns: String) {
        axisNoun.map { ("query: \($0)", "key: \($0)") } ?? (kind.queryAxisTitle, kind.keyAxisTitle)
    }

    /// One `[1, H, Q, K]` tensor per layer -> H maps of `[Q, K]` per layer, labelled.
    static func split(_ tensors: [Tensor], _ kind: AttentionKind, queries: [String], keys: [String]) -> [AttentionMap] {
        var maps: [AttentionMap] = []
        for (layer, tensor) in tensors.enumerated() {
            precondition(tensor.rank == 4 && tensor.shape[0] >= 1 && tensor.shape[2] == queries.count
                         && tensor.shape[3] == keys.count,
                         "\(kind.title) layer \(layer): expected [1, H, \(queries.count), \(keys.count)], got \(tensor.shape)")
            let size = queries.count * keys.count
            for head in 0..<tensor.shape[1] {
                let values = Array(tensor.scalars[(head * size)..<((head + 1) * size)])
                maps.append(AttentionMap(kind: kind, layer: layer, content: .head(head), queryLabels: queries,
                                         keyLabels: keys, values: values))
            }
        }
        return maps
    }

    /// The maps of one kind and layer (0-based), one per head in head order.
    public func maps(kind: AttentionKind, layer: Int) -> [AttentionMap] {
        maps.filter { $0.kind == kind && $0.layer == layer }
    }

    /// One head's map (layer and head 0-based). Precondition: both in range.
    public func map(kind: AttentionKind, layer: Int, head: Int) -> AttentionMap {
        guard let found = maps.first(where: { $0.kind == kind && $0.layer == layer && $0.head == head }) else {
            preconditionFailure("no \(kind.name) map of layer \(layer), head \(head) (0-based) in \(layerCount) layers")
        }
        return found
    }

    /// The mean over the heads of one kind and layer, (1/H) Σ_h A_h.
    public func meanOfHeads(kind: AttentionKind, layer: Int) -> AttentionMap {
        let heads = maps(kind: kind, layer: layer)
        precondition(!heads.isEmpty, "no \(kind.name) maps in layer \(layer) (0-based) of \(layerCount)")
        return AttentionMap(kind: kind, layer: layer, content: .meanOfHeads, queryLabels: heads[0].queryLabels,
                            keyLabels: heads[0].keyLabels, values: AttentionMap.mean(heads))
    }

    /// The encoder's attention rollout through all its layers (see ``AttentionRollout``): `[S, S]`, row i
    /// the share of the top encoder output at source position i that flows from each input position.
    public func encoderRollout() -> AttentionMap {
        AttentionRollout.rollout(of: (0..<layerCount).map { maps(kind: .encoderSelf, layer: $0) })
    }

    /// "shopping -> oppingshay", each side cut to `limit` characters with "...", for figure titles (ASCII
    /// arrows, so the PNG bitmap font can draw them).
    public func caption(limit: Int = 32) -> String {
        func cut(_ text: String) -> String { text.count > limit ? String(text.prefix(limit - 3)) + "..." : text }
        if axisNoun != nil && output.isEmpty { return cut(input) }   // a language model's prompt: no output
        return "\(cut(input)) -> \(cut(output))" + (isComplete ? "" : " (no <eos>)")
    }
}
