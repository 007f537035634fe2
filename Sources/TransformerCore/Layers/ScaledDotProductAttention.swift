/// Scaled dot-product attention (paper §3.2.1, equation 1):
///
///     Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k) + M) V
///
/// with M an additive mask (0 or -inf, see ``AttentionMask``).
/// Shapes: Q `[B, H, T, D]`, K and V `[B, H, S, D]`, M broadcastable to `[B, H, T, S]`;
/// returns the output `[B, H, T, D]` and the attention weights `[B, H, T, S]` (each row sums to 1).
/// If `dropout` is given, it is applied to the weights before they multiply V (the weights returned are
/// those before dropout).
public func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor?,
                                      dropout: Dropout? = nil) -> (output: Tensor, weights: Tensor) {
    let headDimension = query.shape[query.rank - 1]
    let scores = query.matmul(key, transposingOther: true)                                      // [B, H, T, S]
    // softmax(scores / sqrt(d_k) + M) in one fused op (see Tensor.scaledMaskedSoftmax).
    let weights = scores.scaledMaskedSoftmax(scale: 1 / Float(headDimension).squareRoot(), mask: mask)   // [B, H, T, S]
    let output = (dropout.map { $0(weights) } ?? weights).matmul(value)                          // [B, H, T, D]
    return (output, weights)
}
