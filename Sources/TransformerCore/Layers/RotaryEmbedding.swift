import Foundation

/// Rotary position embedding (RoPE; Su et al. 2021, "RoFormer: Enhanced Transformer with Rotary Position
/// Embedding", §3.4.2, equation 34). A self-attention rotates each query and key by its own position
/// before the scores are taken; nothing is added to the embeddings and nothing is trained.
///
/// For head dimension D and pair i = 0..<D/2, with
///
///     θ_i = 10000^(-2i / D)
///
/// the features (2i, 2i+1) of a query or key at position m are rotated by the angle m θ_i:
///
///     R_m x = ( x_2i cos mθ_i - x_2i+1 sin mθ_i ,  x_2i sin mθ_i + x_2i+1 cos mθ_i )   for every i
///
/// Since R_m^T R_n = R_{n-m}, the score (R_m q) . (R_n k) = q . R_{n-m} k depends on the positions only
/// through m - n (the relative-position property the tests check).
///
/// Pairing, stated: the paper's interleaved pairs (2i, 2i+1) of each head, as in RoFormer and
/// ``PositionalEncoding/sinusoids(length:dimension:)``'s columns; not GPT-NeoX's / Hugging Face Llama's
/// "rotate_half" pairs (i, i + D/2). The two are the same model up to a fixed permutation of the rows of
/// W^Q and W^K, so it matters only when loading weights trained with the other layout. The rotation is
/// applied to every feature (no partial "rotary_pct"); angles are computed in Double and rounded once.
///
/// Shapes: x `[B, T, H D]` (the projected queries or keys, heads side by side) -> `[B, T, H D]`; row t is
/// at position `offset + t`.
public struct RotaryEmbedding: Sendable, Equatable {
    /// D, the width of each head (even).
    public let headDimension: Int
    /// The base of the frequencies, 10000 in the paper.
    public let base: Double

    public init(headDimension: Int, base: Double = 10000) {
        precondition(headDimension > 0 && headDimension % 2 == 0, "RoPE needs an even head dimension, got \(headDimension)")
        self.headDimension = headDimension
        self.base = base
    }

    /// θ_i = base^(-2i / D) for i = 0..<D/2.
    public var frequencies: [Double] {
        (0..<(headDimension / 2)).map { pow(base, -Double(2 * $0) / Double(headDimension)) }
    }

    /// cos(m θ_i) and sin(m θ_i) for the positions m in `positions` (rows) and i = 0..<D/2: two `[T, D/2]` tables.
    public func tables(positions: Range<Int>) -> (cosines: [Float], sines: [Float]) {
        let theta = frequencies
        var cosines: [Float] = [], sines: [Float] = []
        cosines.reserveCapacity(positions.count * theta.count)
        sines.reserveCapacity(positions.count * theta.count)
        for m in positions {
            for frequency in theta {
                let angle = Double(m) * frequency
                cosines.append(Float(cos(angle)))
                sines.append(Float(sin(angle)))
            }
        }
        return (cosines, sines)
    }

    /// R_m x for every row: x `[B, T, H D]`, row t at position m = `offset + t`. Differentiable
    /// (``Tensor/rotatingPairs(cosines:sines:headDimension:)``).
    public func callAsFunction(_ x: Tensor, offset: Int = 0) -> Tensor {
        precondition(x.rank == 3 && x.shape[2] % headDimension == 0,
                     "RoPE needs [B, T, H \(headDimension)], got \(x.shape)")
        let (cosines, sines) = tables(positions: offset..<(offset + x.shape[1]))
        return x.rotatingPairs(cosines: cosines, sines: sines, headDimension: headDimension)
    }
}
