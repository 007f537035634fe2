/// The merge loop of ``BPELearner``: Rust `BpeTrainer::do_train` over counted words (no prefix, suffix,
/// alphabet limit or maximum token length).
enum BPEMergeTrainer {
    /// A pair of symbol ids as one key: `left << 32 | right`; its natural order is Rust's `(u32, u32)` order.
    typealias Pair = UInt64

    static func pair(_ a: Int32, _ b: Int32) -> Pair { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    /// Returns the vocabulary and the merges in rank order.
    static func train(words counted: [(scalars: [Unicode.Scalar], count: Int)], specialTokens: [String],
                      initialAlphabet: [Unicode.Scalar], vocabularySize: Int, minimumFrequency: Int)
    -> (HFVocabulary, [(String, String)]) {
        var vocabulary = HFVocabulary()
        var tokens: [String] = []   // id -> token
        func add(_ token: String) {
            if vocabulary.insert(token, id: tokens.count) { tokens.append(token) }
        }
        // 1. special tokens, 2. the alphabet sorted by code point
        specialTokens.forEach(add)
        var alphabet = Set(initialAlphabet.map(\.value))
        for w in counted { for s in w.scalars { alphabet.insert(s.value) } }
        for value in alphabet.sorted() { add(String(Unicode.Scalar(value)!)) }
        // 3. words as symbol ids
        var words: [[Int32]] = counted.map { w in w.scalars.map { Int32(vocabulary.id(String($0))!) } }
        let counts = counted.map(\.count)
        // 4. pair counts and where each pair occurs
        var pairCounts: [Pair: Int] = [:]
        var whereToUpdate: [Pair: [Int32]] = [:]
        for (i, word) in words.enumerated() where word.count > 1 {
            for k in 0..<(word.count - 1) {
                let p = pair(word[k], word[k + 1])
                pairCounts[p, default: 0] += counts[i]
                if whereToUpdate[p]?.last != Int32(i) { whereToUpdate[p, default: []].append(Int32(i)) }
            }
        }
        var queue = MergeQueue()
        for (p, positions) in whereToUpdate where pairCounts[p]! > 0 { queue.push(count: pairCounts[p]!, pair: p, positions: positions) }
        whereToUpdate = [:]
        // 5. merges
        var merges: [(pair: Pair, id: Int32)] = []
        while tokens.count < vocabularySize, var top = queue.pop() {
            let current = pairCounts[top.pair] ?? 0
            if top.count != current {
                top.count = current
                queue.push(top)
                continue
            }
            if top.count < 1 || minimumFrequency > top.count { break }
            let left = Int32(top.pair >> 32), right = Int32(truncatingIfNeeded: top.pair & 0xFFFF_FFFF)
            let newToken = tokens[Int(left)] + tokens[Int(right)]
            let newID: Int32
            if let existing = vocabulary.id(newToken) { newID = Int32(existing) } else { newID = Int32(tokens.count); add(newToken) }
            merges.append((top.pair, newID))
            for w in top.positions {
                let i = Int(w)
                let changes = merge(&words[i], left, right, newID)
                for (p, change) in changes {
                    pairCounts[p, default: 0] += change * counts[i]
                    if change > 0, whereToUpdate[p]?.last != w { whereToUpdate[p, default: []].append(w) }
                }
            }
            for (p, positions) in whereToUpdate {
                let count = pairCounts[p] ?? 0
                if count > 0 { queue.push(count: count, pair: p, positions: positions) }
            }
            whereToUpdate.removeAll(keepingCapacity: true)
        }
        // A pair merged twice keeps its last rank (Rust stores the merges in a map, then sorts by rank).
        var lastRank: [Pair: Int] = [:]
        for (rank, m) in merges.enumerated() { lastRank[m.pair] = rank }
        let ordered = merges.enumerated().filter { lastRank[$0.element.pair] == $0.offset }.map { m in
            (tokens[Int(m.element.pair >> 32)], tokens[Int(m.element.pair & 0xFFFF_FFFF)])
        }
        return (vocabulary, ordered)
    }

    /// Rust `Word::merge`: replaces each `left right` (left to right, not overlapping) by `replacement`,
    /// returning the pair count changes (`-1` for the broken neighbour pairs, `+1` for the new ones).
    static func merge(_ symbols: inout [Int32], _ left: Int32, _ right: Int32, _ replacement: Int32) -> [(Pair, Int)] {
        var changes: [(Pair, Int)] = []
        var i = 0
        while i < symbols.count {
            if symbols[i] == left && i + 1 < symbols.count && symbols[i + 1] == right {
                if i > 0 {
                    changes.append((pair(symbols[i - 1], left), -1))
                    changes.append((pair(symbols[i - 1], replacement), 1))
                }
                symbols[i] = replacement
                symbols.remove(at: i + 1)
                if i < symbols.count - 1 {
                    changes.append((pair(right, symbols[i + 1]), -1))
                    changes.append((pair(replacement, symbols[i + 1]), 1))
                }
            }
            i += 1
        }
        return changes
    }
}
