import Foundation

/// The length normalization of Google's NMT system (Wu et al. 2016, "Google's Neural Machine Translation
/// System", section 7):
///
///     lp(Y) = (5 + |Y|)^alpha / (5 + 1)^alpha,      score(Y, X) = log P(Y | X) / lp(Y)
///
/// (GNMT's coverage penalty is not used: beta = 0). alpha = 0 gives lp = 1, plain log-probability, which
/// favours short outputs; alpha around 0.6 to 1 counteracts that. |Y| is ``Hypothesis/length``: the number
/// of decoding steps, counting the final `<eos>`. Computed in Float32 exactly as written above.
public struct LengthPenalty: Equatable, Sendable {
    /// alpha.
    public var alpha: Float

    public init(alpha: Float) {
        self.alpha = alpha
    }

    /// lp(|Y|) for a hypothesis of `length` steps.
    public func callAsFunction(length: Int) -> Float {
        pow(5 + Float(length), alpha) / pow(6, alpha)
    }

    /// log P / lp(length).
    public func score(logProbability: Float, length: Int) -> Float {
        logProbability / self(length: length)
    }

    /// The score of a whole hypothesis.
    public func score(_ hypothesis: Hypothesis) -> Float {
        score(logProbability: hypothesis.logProbability, length: hypothesis.length)
    }

    /// An upper bound on the score of any continuation of a hypothesis whose log-probability is now
    /// `logProbability` (<= 0) and which will end after between `lengths.lowerBound` and
    /// `lengths.upperBound` steps. Log-probabilities only fall as tokens are added, so the best case is
    /// today's log P divided by the largest lp in the range; lp is monotonic in |Y|, so that largest lp
    /// sits at one end of the range.
    func bestPossibleScore(logProbability: Float, lengths: ClosedRange<Int>) -> Float {
        let largest = max(self(length: lengths.lowerBound), self(length: lengths.upperBound))
        return min(logProbability, 0) / largest
    }
}
