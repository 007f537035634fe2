/// Additive attention masks: 0 where a query may attend to a key, -inf where it may not. They are added
/// to the scores before the softmax, so a masked key gets weight exactly 0.
public enum AttentionMask {
    /// Key padding mask `[B, 1, 1, S]`: -inf at the keys whose token is `paddingIndex`.
    public static func keyPadding(_ tokens: [[Int]], paddingIndex: Int) -> Tensor {
        let length = tokens.first?.count ?? 0
        let values = tokens.flatMap { row in row.map { $0 == paddingIndex ? -Float.infinity : 0 } }
        return Tensor(shape: [tokens.count, 1, 1, length], scalars: values)
    }

    /// Causal mask `[1, 1, T, T]`: query t may attend to keys 0...t only (-inf above the diagonal).
    public static func causal(_ length: Int) -> Tensor {
        var values = [Float](repeating: 0, count: length * length)
        for query in 0..<length {
            for key in (query + 1)..<Swift.max(length, query + 1) { values[query * length + key] = -.infinity }
        }
        return Tensor(shape: [1, 1, length, length], scalars: values)
    }

    /// Decoder self-attention mask `[B, 1, T, T]`: causal, and padded target keys masked.
    public static func target(_ tokens: [[Int]], paddingIndex: Int) -> Tensor {
        keyPadding(tokens, paddingIndex: paddingIndex) + causal(tokens.first?.count ?? 0)
    }
}
