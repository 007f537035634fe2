/// A max-heap of candidate merges: larger count first, then the smaller pair (Rust's `Merge` order in
/// `BpeTrainer`). Entries carry the words where their pair was seen when pushed; stale counts are corrected
/// by the caller (``BPEMergeTrainer``), as Rust's lazy queue does.
struct MergeQueue {
    struct Entry {
        var count: Int
        var pair: BPEMergeTrainer.Pair
        var positions: [Int32]
    }

    private var heap: [Entry] = []

    /// Whether `a` comes out before `b`.
    private static func before(_ a: Entry, _ b: Entry) -> Bool {
        a.count != b.count ? a.count > b.count : a.pair < b.pair
    }

    mutating func push(count: Int, pair: BPEMergeTrainer.Pair, positions: [Int32]) {
        push(Entry(count: count, pair: pair, positions: positions))
    }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let l = 2 * parent + 1, r = l + 1
            var best = parent
            if l < heap.count && Self.before(heap[l], heap[best]) { best = l }
            if r < heap.count && Self.before(heap[r], heap[best]) { best = r }
            if best == parent { break }
            heap.swapAt(parent, best)
            parent = best
        }
        return top
    }
}
