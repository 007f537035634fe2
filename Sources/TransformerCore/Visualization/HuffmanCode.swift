/// Canonical, length-limited Huffman codes for DEFLATE's dynamic blocks (RFC 1951 section 3.2.2).
///
/// Code lengths come from the classic Huffman construction (repeatedly merge the two least frequent
/// nodes). If a length exceeds the limit (15 for literals/lengths and distances, 7 for the code-length
/// alphabet), the lengths are clamped and the Kraft sum sum(2^-length) is brought back to exactly 1 by
/// lengthening the deepest codes shorter than the limit (the method of miniz's
/// `tdefl_huffman_enforce_max_code_size`), then re-assigned so more frequent symbols never get longer
/// codes. Codes are canonical: ordered by (length, symbol), so only the lengths need to be sent.
/// At least two symbols always get a code (unused ones are added when needed), so every code is
/// complete, which any inflater accepts.
enum HuffmanCode {
    /// Code length per symbol (0 = unused) for the given frequencies, none longer than `limit`.
    static func lengths(frequencies: [Int], limit: Int) -> [Int] {
        var used = frequencies.indices.filter { frequencies[$0] > 0 }
        var index = 0
        while used.count < 2 && index < frequencies.count {   // pad to two symbols
            if !used.contains(index) { used.append(index) }
            index += 1
        }
        // Leaves sorted by (frequency, symbol); a padded symbol counts as frequency 1.
        let weight = { (symbol: Int) in max(1, frequencies[symbol]) }
        used.sort { (weight($0), $0) < (weight($1), $1) }
        // Two-queue construction: leaves in order, merged nodes in creation order (also ascending).
        var parent = [Int](repeating: -1, count: 2 * used.count)
        var nodeWeight = used.map(weight)
        var leafNext = 0, mergedNext = used.count
        func takeSmallest() -> Int {
            if leafNext < used.count && (mergedNext >= nodeWeight.count || nodeWeight[leafNext] <= nodeWeight[mergedNext]) {
                leafNext += 1
                return leafNext - 1
            }
            mergedNext += 1
            return mergedNext - 1
        }
        for _ in 0..<(used.count - 1) {
            let a = takeSmallest(), b = takeSmallest()
            nodeWeight.append(nodeWeight[a] + nodeWeight[b])
            parent[a] = nodeWeight.count - 1
            parent[b] = nodeWeight.count - 1
        }
        // Depth of each leaf = its code length (nodes are created after their children).
        var depth = [Int](repeating: 0, count: nodeWeight.count)
        for node in stride(from: nodeWeight.count - 2, through: 0, by: -1) { depth[node] = depth[parent[node]] + 1 }
        // Count codes per length, clamping to the limit, then restore Kraft equality.
        var count = [Int](repeating: 0, count: limit + 1)
        for leaf in 0..<used.count { count[min(depth[leaf], limit)] += 1 }
        var kraft = 0   // in units of 2^-limit
        for length in 1...limit { kraft += count[length] << (limit - length) }
        while kraft > 1 << limit {
            count[limit] -= 1   // move one deepest code up, splitting a shorter one
            for length in stride(from: limit - 1, through: 1, by: -1) where count[length] > 0 {
                count[length] -= 1
                count[length + 1] += 2
                break
            }
            kraft -= 1
        }
        // Shortest codes to the most frequent symbols (used is ascending, so walk it backwards).
        var result = [Int](repeating: 0, count: frequencies.count)
        var leaf = used.count - 1
        for length in 1...limit {
            for _ in 0..<count[length] {
                result[used[leaf]] = length
                leaf -= 1
            }
        }
        return result
    }

    /// Canonical codes for `lengths` (section 3.2.2): codes of each length are consecutive integers,
    /// assigned in symbol order, starting where the previous length's codes ended (shifted left).
    static func codes(lengths: [Int]) -> [UInt32] {
        let longest = lengths.max() ?? 0
        var count = [Int](repeating: 0, count: longest + 2)
        for length in lengths where length > 0 { count[length] += 1 }
        var next = [UInt32](repeating: 0, count: longest + 2)
        var code: UInt32 = 0
        if longest > 0 {
            for length in 1...longest {
                code = (code + UInt32(count[length - 1])) << 1   // count[0] is 0
                next[length] = code
            }
        }
        return lengths.map { length in
            guard length > 0 else { return 0 }
            defer { next[length] += 1 }
            return next[length]
        }
    }
}
