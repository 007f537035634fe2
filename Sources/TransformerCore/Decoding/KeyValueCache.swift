/// The decoder self-attention keys and values of every position decoded so far, one pair per layer,
/// so that step t projects only the new position instead of re-running the whole prefix.
///
/// For decoder layer l and rows r = 0..<R (the sequences being decoded: batch entries or beams), with
/// x_j the normalized input of that layer's self-attention at position j:
///
///     K^l[j, r] = x_j W_K + b_K,   V^l[j, r] = x_j W_V + b_V,   j = 0..<t          each [H, D]
///
/// Storage is position-major, `[t, R, H, D]` per layer, so a step appends one `[R, H, D]` block (amortized
/// O(1) growth, no preallocation for the longest possible output) and head (r, h) reads its keys with a
/// fixed stride of R*H*D floats between positions. Reordering rows (beam search) gathers every position.
public struct KeyValueCache: Sendable {
    public let layerCount: Int
    public let headCount: Int
    public let headDimension: Int
    /// R, the number of rows (sequences) cached.
    public private(set) var rowCount: Int
    /// t, the number of positions cached.
    public private(set) var length = 0
    /// Per layer, `[t, R, H, D]`.
    private(set) var keys: [[Float]]
    /// Per layer, `[t, R, H, D]`.
    private(set) var values: [[Float]]

    public init(layerCount: Int, headCount: Int, headDimension: Int, rowCount: Int) {
        self.layerCount = layerCount
        self.headCount = headCount
        self.headDimension = headDimension
        self.rowCount = rowCount
        keys = Array(repeating: [], count: layerCount)
        values = Array(repeating: [], count: layerCount)
    }

    /// Floats in one position's block: R * H * D.
    var positionStride: Int { rowCount * headCount * headDimension }

    /// Stores layer `layer`'s keys and values `[R, H, D]` for position ``length`` (the one being decoded).
    /// Call once per layer, then ``commitPosition()``.
    mutating func append(layer: Int, keys newKeys: [Float], values newValues: [Float]) {
        precondition(newKeys.count == positionStride && newValues.count == positionStride,
                     "KeyValueCache.append needs [R, H, D] = \(positionStride) floats, got \(newKeys.count) and \(newValues.count)")
        precondition(keys[layer].count == length * positionStride, "layer \(layer) already holds position \(length)")
        keys[layer].append(contentsOf: newKeys)
        values[layer].append(contentsOf: newValues)
    }

    /// Marks position ``length`` as complete in every layer.
    mutating func commitPosition() {
        precondition(keys.allSatisfy { $0.count == (length + 1) * positionStride },
                     "commitPosition before every layer appended position \(length)")
        length += 1
    }

    /// Keeps rows `rows` in that order: new row i is old row `rows[i]` (a row may repeat or vanish).
    /// Beam search calls it with each surviving beam's parent; greedy decoding with the unfinished rows.
    public mutating func selectRows(_ rows: [Int]) {
        precondition(rows.allSatisfy { $0 >= 0 && $0 < rowCount }, "selectRows: rows \(rows) outside 0..<\(rowCount)")
        if rows == Array(0..<rowCount) { return }
        let block = headCount * headDimension   // one row of one position: [H, D]
        let (oldStride, newStride) = (positionStride, rows.count * block)
        func gather(_ old: [Float]) -> [Float] {
            var new = [Float](repeating: 0, count: length * newStride)
            old.withUnsafeBufferPointer { old in new.withUnsafeMutableBufferPointer { new in
                for position in 0..<length {
                    for (newRow, oldRow) in rows.enumerated() {
                        let source = old.baseAddress! + position * oldStride + oldRow * block
                        (new.baseAddress! + position * newStride + newRow * block).update(from: source, count: block)
                    }
                }
            } }
            return new
        }
        keys = keys.map(gather)
        values = values.map(gather)
        rowCount = rows.count
    }
}
