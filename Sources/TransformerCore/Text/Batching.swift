/// One training example as token ids, **without** special tokens (``Batch`` adds them).
public struct Example: Equatable, Sendable {
    public var source: [Int]
    public var target: [Int]

    public init(source: [Int], target: [Int]) {
        self.source = source
        self.target = target
    }

    /// Encodes `pair` with the two tokenizers. Tokens missing from a vocabulary become `<unk>`; how
    /// many (both sides together) is returned so the caller can report them.
    public static func encoding(_ pair: TextPair, source: some TextTokenizer,
                                target: some TextTokenizer) -> (example: Example, unknownCount: Int) {
        let sourceIDs = source.encodeIDs(pair.source), targetIDs = target.encodeIDs(pair.target)
        let unknown = sourceIDs.filter { $0 == source.specialTokens.unknown }.count
            + targetIDs.filter { $0 == target.specialTokens.unknown }.count
        return (Example(source: sourceIDs, target: targetIDs), unknown)
    }

    /// S for this example alone: the source ids plus `<eos>`.
    public var paddedSourceLength: Int { source.count + 1 }
    /// T for this example alone: `<sos>` plus the target ids (the same count as target plus `<eos>`).
    public var paddedTargetLength: Int { target.count + 1 }
}

/// A padded batch of examples, ready for ``Transformer`` and ``crossEntropy(logits:targets:ignoreIndex:labelSmoothing:)``.
///
/// The layout, for examples `x` (source ids) and `y` (target ids), with the ``SpecialTokens`` given
/// (``SpecialTokens/standard``: `<pad>` = 0, `<sos>` = 1, `<eos>` = 2):
///
///     source        [B, S]   x + <eos>, then <pad>      S = max(|x| + 1)
///     targetInput   [B, T]   <sos> + y, then <pad>      T = max(|y| + 1)
///     targetOutput  [B * T]  y + <eos>, then <pad>      row-major, the loss's targets
///
/// The source gets an `<eos>` so the encoder sees where the sentence ends (as in most NMT toolkits) and a
/// source is never empty. `targetOutput` is `targetInput` shifted left by one: position t of the decoder
/// reads `targetInput[b][t]` and must predict `targetOutput[b * T + t]`. Padding is exactly where the
/// example has no token, so ``AttentionMask/keyPadding(_:paddingIndex:)`` masks padding only, and the loss
/// with `ignoreIndex: 0` averages over ``tokenCount`` tokens.
///
/// Because of the added `<eos>` / `<sos>`, S and T are one more than the longest sequence: examples read
/// with `maximumLength` n need a model whose positional encoding covers n + 1 positions.
public struct Batch: Equatable, Sendable {
    /// [B, S] source ids + `<eos>`, padded with 0.
    public let source: [[Int]]
    /// [B, T] `<sos>` + target ids, padded with 0.
    public let targetInput: [[Int]]
    /// [B * T] target ids + `<eos>`, padded with 0, flattened row-major.
    public let targetOutput: [Int]
    /// The non-padding entries of ``targetOutput``: Σ (|y| + 1).
    public let tokenCount: Int
    /// The non-padding entries of ``source``: Σ (|x| + 1).
    public let sourceTokenCount: Int

    /// Pads `examples` (at least one) into a batch with the ids of `specialTokens`.
    public init(examples: [Example], specialTokens: SpecialTokens) {
        let (padding, start, end) = (specialTokens.padding, specialTokens.start, specialTokens.end)
        precondition(!examples.isEmpty, "a Batch needs at least one example")
        let sourceLength = examples.map(\.paddedSourceLength).max()!    // S
        let targetLength = examples.map(\.paddedTargetLength).max()!    // T
        func padded(_ ids: [Int], to length: Int) -> [Int] {
            ids + [Int](repeating: padding, count: length - ids.count)
        }
        source = examples.map { padded($0.source + [end], to: sourceLength) }
        targetInput = examples.map { padded([start] + $0.target, to: targetLength) }
        targetOutput = examples.flatMap { padded($0.target + [end], to: targetLength) }
        tokenCount = examples.reduce(0) { $0 + $1.paddedTargetLength }
        sourceTokenCount = examples.reduce(0) { $0 + $1.paddedSourceLength }
    }

    /// B.
    public var size: Int { source.count }
    /// S.
    public var sourceLength: Int { source.first?.count ?? 0 }
    /// T.
    public var targetLength: Int { targetInput.first?.count ?? 0 }
}
