import Foundation

/// A small, fast, seeded random number generator (SplitMix64), shared by reference.
///
/// All randomness in TransformerCore (initialization, dropout, shuffling) comes from a generator passed
/// in by the caller, so the same seed gives the same numbers, bit for bit, on the same machine.
/// It is a class so that several layers can draw from one stream in a fixed order.
public final class SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// SplitMix64 (Steele, Lea, Flood 2014): a Weyl sequence passed through a 64-bit mixer.
    public func next() -> UInt64 {
        Self.splitMix(&state)
    }

    /// One SplitMix64 step on `state`; hot loops (dropout) run it on a local copy of ``currentState``.
    @inline(__always)
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal sample (Box-Muller transform).
    public func nextNormal() -> Float {
        // u1 in (0, 1] so that log(u1) is finite.
        let u1 = 1.0 - Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2))
    }

    /// The internal state, for checkpointing a training run.
    public var currentState: UInt64 {
        get { state }
        set { state = newValue }
    }
}
