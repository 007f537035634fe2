/// Shuffling with a ``SeededGenerator`` by a fixed, documented algorithm, so that a seed gives the same
/// order on every platform and Swift version (the standard library's `shuffle(using:)` does not promise
/// its algorithm).
extension SeededGenerator {
    /// A uniform integer in `0..<bound` by multiply-high (Lemire 2019) without rejection: the bias is
    /// below bound / 2^64, negligible for any collection that fits in memory.
    func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "nextIndex(below:) needs a positive bound, got \(bound)")
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A generator for sub-stream `stream` of `seed` (e.g. one per epoch), so that epoch k's order does
    /// not depend on how many numbers earlier epochs drew: SplitMix64's mixer over seed ^ (stream · φ).
    static func derived(seed: UInt64, stream: UInt64) -> SeededGenerator {
        var z = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return SeededGenerator(seed: z ^ (z >> 31))
    }
}

extension Array {
    /// Fisher-Yates from the back: for i = n-1 ... 1, swap element i with element j, j uniform in 0...i.
    public mutating func seededShuffle(using generator: SeededGenerator) {
        guard count > 1 else { return }
        for i in stride(from: count - 1, to: 0, by: -1) {
            swapAt(i, generator.nextIndex(below: i + 1))
        }
    }

    /// A shuffled copy (see ``seededShuffle(using:)``).
    public func seededShuffled(using generator: SeededGenerator) -> [Element] {
        var copy = self
        copy.seededShuffle(using: generator)
        return copy
    }
}
