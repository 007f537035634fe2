/// A max-heap of candidate merges: larger count first, then the smaller pair (Rust's `Merge` order in
/// `BpeTrainer`). Entries carry the words where their pair was seen when pushed; stale counts are corrected
/// by the caller (``BPEMergeTrainer``), as Rust's lazy queue does.
struct MergeQueue {
    struct Entry {
        var count: Int
        var pair: BPEMergeTrainer.Pair
        var positions: [Int32]
    }

    private var heap = PriorityQueue<Entry> { a, b in a.count != b.count ? a.count > b.count : a.pair < b.pair }

    mutating func push(count: Int, pair: BPEMergeTrainer.Pair, positions: [Int32]) {
        heap.push(Entry(count: count, pair: pair, positions: positions))
    }

    mutating func push(_ entry: Entry) { heap.push(entry) }

    mutating func pop() -> Entry? { heap.pop() }
}
