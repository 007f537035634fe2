import Foundation

/// Knobs of the seeded fuzz tests, for longer runs than the default `swift test` (`Scripts/fuzz-long.sh`):
///
/// - `TRANSFORMERCORE_FUZZ_SCALE=N` multiplies every fuzz test's case count (default 1);
/// - `TRANSFORMERCORE_FUZZ_SEED=S` is added to every fuzz test's seed (default 0), to explore other inputs.
///
/// A failure message names the seed and the case number, so `SEED` and a scale reproduce it.
enum FuzzSettings {
    static let scale: Int = max(1, Int(ProcessInfo.processInfo.environment["TRANSFORMERCORE_FUZZ_SCALE"] ?? "") ?? 1)
    static let seedOffset: UInt64 = UInt64(ProcessInfo.processInfo.environment["TRANSFORMERCORE_FUZZ_SEED"] ?? "") ?? 0

    /// `count` cases, scaled.
    static func cases(_ count: Int) -> Int { count * scale }

    /// `seed`, offset.
    static func seed(_ seed: UInt64) -> UInt64 { seed &+ seedOffset }

    /// One line for the log of a long run: what ran.
    static func report(_ name: String, cases: Int, seed: UInt64, _ outcome: String) {
        if scale > 1 || seedOffset != 0 { print("fuzz \(name): \(cases) cases, seed \(seed): \(outcome)") }
    }
}
