/// The keys and values one attention layer has already computed, passed to the layer itself
/// (``MultiHeadAttention/callAsFunction(_:_:mask:cache:)``, as `past_key_values` in Hugging Face models)
/// so that incremental decoding runs the real block code. ``AdditiveAttention`` stores its projected keys
/// W_k k_j (what the tanh layer adds to each query) and values in the same layout.
///
/// Two roles, for rows r = 0..<R (the sequences being decoded: batch entries or beams):
///
///     self-attention:  K[r, h, j] = (x_j W_K + b_K)[h],  V likewise,  j = 0..<t     each [D], appended per step
///     cross-attention: K[b, h, s] = (memory_s W_K + b_K)[h], V likewise, s = 0..<S  projected once, on first use;
///                      row r attends memory row ``memoryRows``[r]
///
/// Storage is head-major, `[rows, H, capacity, D]`, as PyTorch's preallocated buffers: the keys of head
/// (r, h) are contiguous, which is what a step's attention reads. A self-attention cache's capacity
/// (positions per head) starts small and doubles when full, so a step appends in place and a short
/// output does not pay for the longest possible one. (A position-major layout made each head's keys
/// R*H*D floats apart: one cache line per key, and a medium-sized decode ran ~3x slower.) Reordering rows
/// (beam search) copies whole self-attention rows and remaps the cross-attention rows.
public final class AttentionCache {
    public enum Role: Sendable {
        /// Keys and values of the positions fed so far; each call appends the new position's.
        case selfAttention
        /// Keys and values of a fixed memory (the encoder output), projected once.
        case crossAttention
    }

    public let role: Role
    public let headCount: Int
    public let headDimension: Int
    /// R, the number of rows decoded.
    public private(set) var rowCount: Int
    /// Positions cached: t for self-attention, S for cross-attention (0 before its first use).
    public private(set) var length = 0
    /// Positions each (row, head) slot holds before the storage grows.
    public private(set) var capacity: Int
    /// Keys `[rows, H, capacity, D]` (rows = R for self-attention, B memory rows for cross-attention).
    private(set) var keyStorage: [Float] = []
    /// Values, laid out as ``keyStorage``.
    private(set) var valueStorage: [Float] = []
    /// Cross-attention only: the memory row each decoded row attends to (0..<B).
    public private(set) var memoryRows: [Int]

    /// An empty cache for R = `rowCount` rows; a self-attention cache has room for `capacity` positions
    /// before it grows.
    public init(role: Role, headCount: Int, headDimension: Int, rowCount: Int, capacity: Int = 16) {
        self.role = role
        self.headCount = headCount
        self.headDimension = headDimension
        self.rowCount = rowCount
        self.capacity = role == .selfAttention ? Swift.max(1, capacity) : 0
        memoryRows = Array(0..<rowCount)
        if role == .selfAttention {
            keyStorage = [Float](repeating: 0, count: rowCount * headCount * self.capacity * headDimension)
            valueStorage = keyStorage
        }
    }

    /// Whether a cross-attention cache holds its memory's keys and values.
    public var isFilled: Bool { role == .selfAttention || length > 0 }

    /// Where head `head` of storage row `row` starts; its positions follow, D floats apart.
    @inline(__always)
    func slotOffset(row: Int, head: Int) -> Int { (row * headCount + head) * capacity * headDimension }

    /// Self-attention: stores the keys and values `[R, H, D]` of position ``length`` and advances it.
    func append(keys newKeys: [Float], values newValues: [Float]) {
        precondition(role == .selfAttention, "append is for self-attention caches")
        let positionStride = rowCount * headCount * headDimension
        precondition(newKeys.count == positionStride && newValues.count == positionStride,
                     "AttentionCache.append needs [R, H, D] = \(positionStride) floats, got \(newKeys.count) and \(newValues.count)")
        if length == capacity { grow(to: 2 * capacity) }
        let (d, slots, position, slotSize) = (headDimension, rowCount * headCount, length, capacity * headDimension)
        func store(_ new: [Float], into storage: inout [Float]) {
            new.withUnsafeBufferPointer { new in storage.withUnsafeMutableBufferPointer { storage in
                for slot in 0..<slots {
                    (storage.baseAddress! + slot * slotSize + position * d).update(from: new.baseAddress! + slot * d, count: d)
                }
            } }
        }
        store(newKeys, into: &keyStorage)
        store(newValues, into: &valueStorage)
        length += 1
    }

    /// Cross-attention: stores the memory's projected keys and values, each `[B, S, C]` with C = H D.
    func fill(keys: Tensor, values: Tensor) {
        precondition(role == .crossAttention && !isFilled, "fill is for an empty cross-attention cache")
        length = keys.shape[1]
        capacity = length
        keyStorage = keys.splittingHeads(headCount).scalars        // [B, H, S, D]
        valueStorage = values.splittingHeads(headCount).scalars
    }

    /// Keeps rows `rows` in that order: new row i continues old row `rows[i]` (a row may repeat or vanish).
    public func selectRows(_ rows: [Int]) {
        precondition(rows.allSatisfy { $0 >= 0 && $0 < rowCount }, "selectRows: rows \(rows) outside 0..<\(rowCount)")
        if rows == Array(0..<rowCount) { return }
        rowCount = rows.count
        switch role {
        case .crossAttention:
            memoryRows = rows.map { memoryRows[$0] }
        case .selfAttention:
            let rowSize = headCount * capacity * headDimension   // one row: [H, capacity, D]
            func gather(_ old: [Float]) -> [Float] {
                var new = [Float](repeating: 0, count: rows.count * rowSize)
                old.withUnsafeBufferPointer { old in new.withUnsafeMutableBufferPointer { new in
                    for (newRow, oldRow) in rows.enumerated() {
                        (new.baseAddress! + newRow * rowSize).update(from: old.baseAddress! + oldRow * rowSize, count: rowSize)
                    }
                } }
                return new
            }
            keyStorage = gather(keyStorage)
            valueStorage = gather(valueStorage)
            memoryRows = Array(0..<rowCount)
        }
    }

    /// Doubles (or more) the positions per slot, keeping the positions cached.
    private func grow(to newCapacity: Int) {
        let (d, slots, oldCapacity) = (headDimension, rowCount * headCount, capacity)
        func regrown(_ old: [Float]) -> [Float] {
            var new = [Float](repeating: 0, count: slots * newCapacity * d)
            old.withUnsafeBufferPointer { old in new.withUnsafeMutableBufferPointer { new in
                for slot in 0..<slots {
                    (new.baseAddress! + slot * newCapacity * d).update(from: old.baseAddress! + slot * oldCapacity * d,
                                                                       count: oldCapacity * d)
                }
            } }
            return new
        }
        keyStorage = regrown(keyStorage)
        valueStorage = regrown(valueStorage)
        capacity = newCapacity
    }

    /// The cached keys in position-major order `[t, R, H, D]` (a copy; for tests).
    var keys: [Float] { positionMajor(keyStorage) }
    /// The cached values `[t, R, H, D]` (a copy; for tests).
    var values: [Float] { positionMajor(valueStorage) }

    private func positionMajor(_ storage: [Float]) -> [Float] {
        var result: [Float] = []
        for position in 0..<length {
            for row in 0..<rowCount {
                for head in 0..<headCount {
                    let start = slotOffset(row: role == .crossAttention ? memoryRows[row] : row, head: head) + position * headDimension
                    result.append(contentsOf: storage[start..<(start + headDimension)])
                }
            }
        }
        return result
    }
}
