/// Choosing tokens from a row of log-probabilities `[V]` inside a flattened `[R, V]` array. Both helpers
/// skip tokens that may not be emitted and break ties towards the lower id, so beam width 1 and greedy
/// decoding choose identically.

/// The index of the largest allowed value in `values[offset ..< offset + count]` (lowest index on ties).
func bestToken(_ values: [Float], offset: Int, count: Int, allowed: [Bool]) -> Int {
    var best = -1
    var bestValue = -Float.infinity
    for v in 0..<count where allowed[v] && (best < 0 || values[offset + v] > bestValue) {
        best = v
        bestValue = values[offset + v]
    }
    return best
}

/// The `k` allowed indices with the largest values in `values[offset ..< offset + count]`, largest first,
/// lower index first on ties: one pass with a small sorted buffer.
func topTokens(_ values: [Float], offset: Int, count: Int, allowed: [Bool], k: Int) -> [Int] {
    var best: [(value: Float, index: Int)] = []
    best.reserveCapacity(k + 1)
    for v in 0..<count where allowed[v] {
        let value = values[offset + v]
        if best.count == k && !(value > best[k - 1].value) { continue }
        // Insert after every entry >= value, so equal values keep index order.
        var position = best.count
        while position > 0 && !(best[position - 1].value >= value) { position -= 1 }
        best.insert((value, v), at: position)
        if best.count > k { best.removeLast() }
    }
    return best.map(\.index)
}
