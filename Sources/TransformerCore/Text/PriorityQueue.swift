/// A binary heap: ``pop()`` returns the element that comes ``before`` all others. Shared by the two BPE
/// loops (the learner's merge queue and SentencePiece's merge agenda); each gives its own order.
///
/// Elements the order does not tell apart come out in the order this heap's sift-up / sift-down gives
/// (the learner's exact match with `BpeTrainer` relies on the order being total on what it compares).
struct PriorityQueue<Element> {
    private var items: [Element] = []
    /// Whether the first element comes out before the second.
    private let before: (Element, Element) -> Bool

    init(by before: @escaping (Element, Element) -> Bool) { self.before = before }

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < items.count && before(items[left], items[best]) { best = left }
            if right < items.count && before(items[right], items[best]) { best = right }
            if best == parent { break }
            items.swapAt(parent, best)
            parent = best
        }
        return top
    }
}
