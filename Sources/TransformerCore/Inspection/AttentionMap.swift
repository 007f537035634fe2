/// One attention matrix with its labels: the weights a set of queries put on a set of keys.
///
/// Row `i` is query `i`'s distribution over the keys, softmax(q_i K^T / sqrt(d_k) + M), so each row sums
/// to 1 (up to Float32 rounding) and entries are in [0, 1]. For the masked decoder self-attention the
/// entries above the diagonal are exactly 0 (the mask adds -inf before the softmax, and exp(-inf) = 0).
///
/// Layers and heads are **0-based** here, as in Swift arrays and the parameter names
/// (`encoder.layers.0...`); titles, file names and the command line count from 1.
///
/// ```swift
/// let map = report.map(kind: .decoderCross, layer: 1, head: 0)   // [T, S]
/// for (i, query) in map.queryLabels.enumerated() {
///     print(query, map.row(i).map { String(format: "%.2f", $0) })
/// }
/// ```
public struct AttentionMap: Equatable, Sendable {
    /// What the matrix is: one head's weights, the mean over a layer's heads, or a rollout through layers.
    public enum Content: Hashable, Sendable {
        /// The weights of one head (0-based).
        case head(Int)
        /// The mean over the layer's heads, (1/H) Σ_h A_h.
        case meanOfHeads
        /// The attention rollout through layers 0...layer (see ``AttentionRollout``).
        case rollout
    }

    public let kind: AttentionKind
    /// The layer, 0-based; for a rollout, the last layer rolled through.
    public let layer: Int
    public let content: Content
    /// One label per row (query position).
    public let queryLabels: [String]
    /// One label per column (key position).
    public let keyLabels: [String]
    /// `[queries, keys]`, row-major: the weight of query i on key j is `values[i * keyCount + j]`.
    public let values: [Float]

    /// Precondition: `values.count == queryLabels.count * keyLabels.count`.
    public init(kind: AttentionKind, layer: Int, content: Content, queryLabels: [String], keyLabels: [String],
                values: [Float]) {
        precondition(values.count == queryLabels.count * keyLabels.count,
                     "AttentionMap needs \(queryLabels.count) x \(keyLabels.count) values, got \(values.count)")
        self.kind = kind
        self.layer = layer
        self.content = content
        self.queryLabels = queryLabels
        self.keyLabels = keyLabels
        self.values = values
    }

    public var queryCount: Int { queryLabels.count }
    public var keyCount: Int { keyLabels.count }

    /// The head, 0-based, when the map is one head's.
    public var head: Int? {
        if case .head(let index) = content { return index }
        return nil
    }

    /// The weight of query `query` on key `key`.
    public subscript(query: Int, key: Int) -> Float {
        precondition((0..<queryCount).contains(query) && (0..<keyCount).contains(key),
                     "AttentionMap index [\(query), \(key)] outside [\(queryCount), \(keyCount)]")
        return values[query * keyCount + key]
    }

    /// Query `query`'s weights over the keys (indexed from 0, like the keys).
    public func row(_ query: Int) -> [Float] {
        Array(values[(query * keyCount)..<((query + 1) * keyCount)])
    }

    /// The matrix as rows.
    public var rows: [[Float]] { (0..<queryCount).map(row) }

    /// For a picture: "Decoder cross-attention, layer 1, head 2" (1-based), "Encoder self-attention,
    /// layer 2, mean of heads", "Encoder attention rollout, layers 1-2".
    public var title: String {
        switch content {
        case .head(let head): "\(kind.title), layer \(layer + 1), head \(head + 1)"
        case .meanOfHeads: "\(kind.title), layer \(layer + 1), mean of heads"
        case .rollout: (kind == .encoderSelf ? "Encoder " : "Decoder self-") + "attention rollout, layers 1-\(layer + 1)"
        }
    }

    /// The largest difference |Σ_j A[i, j] - 1| over the rows (0 for a map without rows).
    public var largestRowSumError: Float {
        (0..<queryCount).map { abs(row($0).reduce(0, +) - 1) }.max() ?? 0
    }
}
