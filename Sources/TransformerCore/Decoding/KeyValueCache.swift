/// The decoder self-attention keys and values of every position decoded so far, one pair per layer,
/// so that step t projects only the new position instead of re-running the whole prefix.
///
/// For decoder layer l and rows r = 0..<R (the sequences being decoded: batch entries or beams), with
/// x_j the normalized input of that layer's self-attention at position j:
///
///     K^l[r, h, j] = (x_j W_K + b_K)[h],   V^l[r, h, j] = (x_j W_V + b_V)[h],   j = 0..<t     each [D]
///
/// Storage is head-major, `[R, H, capacity, D]` per layer, as PyTorch's preallocated buffers: the keys of
/// head (r, h) are contiguous (row j at `slotOffset(row: r, head: h) + j * D`), which is what a step's
/// attention reads. The capacity (positions per head) starts small (the decoder asks for
/// min(64, maximum length)) and doubles when full, so a step appends in place and a short output does not pay for the longest possible one.
/// (A position-major layout made each head's keys R*H*D floats apart: one cache line per key, and the
/// attention of a medium-sized decode ran ~3x slower.) Reordering rows (beam search) copies whole rows.
public struct KeyValueCache: Sendable {
    public let layerCount: Int
    public let headCount: Int
    public let headDimension: Int
    /// R, the number of rows (sequences) cached.
    public private(set) var rowCount: Int
    /// t, the number of positions cached.
    public private(set) var length = 0
    /// Positions each (row, head) slot holds before the storage grows.
    public private(set) var capacity: Int
    /// Per layer, keys `[R, H, capacity, D]`; positions past ``length`` are unspecified.
    private(set) var keyStorage: [[Float]]
    /// Per layer, values `[R, H, capacity, D]`.
    private(set) var valueStorage: [[Float]]
    /// Per layer, the positions appended (``length``, or ``length`` + 1 between append and commit).
    private var layerLengths: [Int]

    /// An empty cache for R = `rowCount` rows, with room for `capacity` positions before it grows.
    public init(layerCount: Int, headCount: Int, headDimension: Int, rowCount: Int, capacity: Int = 16) {
        self.layerCount = layerCount
        self.headCount = headCount
        self.headDimension = headDimension
        self.rowCount = rowCount
        self.capacity = Swift.max(1, capacity)
        let count = rowCount * headCount * self.capacity * headDimension
        keyStorage = Array(repeating: [Float](repeating: 0, count: count), count: layerCount)
        valueStorage = keyStorage
        layerLengths = Array(repeating: 0, count: layerCount)
    }

    /// Floats in one position's block of new keys: R * H * D.
    var positionStride: Int { rowCount * headCount * headDimension }

    /// Where head `head` of row `row` starts in a layer's storage; its positions follow, D floats apart.
    @inline(__always)
    func slotOffset(row: Int, head: Int) -> Int {
        (row * headCount + head) * capacity * headDimension
    }

    /// Stores layer `layer`'s keys and values `[R, H, D]` for position ``length`` (the one being decoded).
    /// Call once per layer, then ``commitPosition()``.
    mutating func append(layer: Int, keys newKeys: [Float], values newValues: [Float]) {
        precondition(newKeys.count == positionStride && newValues.count == positionStride,
                     "KeyValueCache.append needs [R, H, D] = \(positionStride) floats, got \(newKeys.count) and \(newValues.count)")
        precondition(layerLengths[layer] == length, "layer \(layer) already holds position \(length)")
        if length == capacity { grow(to: 2 * capacity) }
        let (d, slots, position) = (headDimension, rowCount * headCount, length)
        let slotSize = capacity * d
        func store(_ new: [Float], into storage: inout [Float]) {
            new.withUnsafeBufferPointer { new in storage.withUnsafeMutableBufferPointer { storage in
                for slot in 0..<slots {
                    (storage.baseAddress! + slot * slotSize + position * d).update(from: new.baseAddress! + slot * d, count: d)
                }
            } }
        }
        store(newKeys, into: &keyStorage[layer])
        store(newValues, into: &valueStorage[layer])
        layerLengths[layer] += 1
    }

    /// Marks position ``length`` as complete in every layer.
    mutating func commitPosition() {
        precondition(layerLengths.allSatisfy { $0 == length + 1 },
                     "commitPosition before every layer appended position \(length)")
        length += 1
    }

    /// Keeps rows `rows` in that order: new row i is old row `rows[i]` (a row may repeat or vanish).
    /// Beam search calls it with each surviving beam's parent; greedy decoding with the unfinished rows.
    public mutating func selectRows(_ rows: [Int]) {
        precondition(rows.allSatisfy { $0 >= 0 && $0 < rowCount }, "selectRows: rows \(rows) outside 0..<\(rowCount)")
        if rows == Array(0..<rowCount) { return }
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
        keyStorage = keyStorage.map(gather)
        valueStorage = valueStorage.map(gather)
        rowCount = rows.count
    }

    /// Doubles (or more) the positions per slot, keeping the positions cached.
    private mutating func grow(to newCapacity: Int) {
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
        keyStorage = keyStorage.map(regrown)
        valueStorage = valueStorage.map(regrown)
        capacity = newCapacity
    }

    /// Layer by layer, the cached keys in position-major order `[t, R, H, D]` (a copy; for tests).
    var keys: [[Float]] { keyStorage.map(positionMajor) }
    /// Layer by layer, the cached values `[t, R, H, D]` (a copy; for tests).
    var values: [[Float]] { valueStorage.map(positionMajor) }

    private func positionMajor(_ storage: [Float]) -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(length * positionStride)
        for position in 0..<length {
            for slot in 0..<(rowCount * headCount) {
                let start = slot * capacity * headDimension + position * headDimension
                result.append(contentsOf: storage[start..<(start + headDimension)])
            }
        }
        return result
    }
}
