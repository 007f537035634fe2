/// Positions that act inside an attention rather than at the embeddings: what a ``MultiHeadAttention``
/// does with the positions of its queries and keys (RoPE or ALiBi), when it does anything.
///
/// A model with `--positional rope` or `alibi` gives one to the self-attention of every block (encoder,
/// decoder, classifier and language model alike); the positions are 0..<T in a full pass and t for the
/// new position of a cached decoding step. Cross-attention gets none: its queries are target positions and
/// its keys source positions, two sequences of different lengths with no shared origin, so a distance
/// i - j between them means nothing (in Pig Latin the output is two letters longer and its letters are
/// moved). This is also what T5's relative biases and the RoPE/ALiBi encoder-decoders in the literature do.
/// The target-to-source alignment is left to the content of the queries and keys, which carry position
/// information from the self-attentions below.
public enum AttentionPositions: Sendable, Equatable {
    /// RoPE: queries and keys rotated by their positions (``RotaryEmbedding``).
    case rotary(RotaryEmbedding)
    /// ALiBi: -m_h |i - j| added to head h's scores (``LinearBiases``).
    case linearBiases(LinearBiases)

    /// The self-attention positions of `kind` for an attention of H = `headCount` heads of width D =
    /// `headDimension`, of which `keptHeads` remain (unpruned numbering; nil: all): RoPE for `.rotary`,
    /// ALiBi with the kept heads' slopes (each head keeps the slope of its unpruned index) for
    /// `.linearBiases`; nil for the kinds that add a table to the embeddings.
    public init?(_ kind: TransformerConfiguration.PositionalEncodingKind, headCount: Int, headDimension: Int,
                 keptHeads: [Int]? = nil) {
        switch kind {
        case .rotary:
            self = .rotary(RotaryEmbedding(headDimension: headDimension))
        case .linearBiases:
            let slopes = LinearBiases.slopes(headCount: headCount)
            self = .linearBiases(LinearBiases(slopes: (keptHeads ?? Array(0..<headCount)).map { slopes[$0] }))
        case .sinusoidal, .sinusoidalHalves, .learned:
            return nil
        }
    }

    /// Whether this scheme fits an attention of `headCount` heads of width `headDimension`.
    func fits(headCount: Int, headDimension: Int) -> Bool {
        switch self {
        case .rotary(let rotary): rotary.headDimension == headDimension
        case .linearBiases(let biases): biases.headCount == headCount
        }
    }
}
