/// One decoded output sequence and how probable the model finds it.
///
/// With y_1 ... y_n the emitted ids and x the source, the model's log-probability of the hypothesis is
///
///     log P(Y | X) = sum_t log p(y_t | y_<t, X)
///
/// where the sum runs over every decoding step, including the final `<eos>` when one was emitted.
public struct Hypothesis: Equatable, Sendable, CustomStringConvertible {
    /// The emitted ids, without the leading `<sos>` and without the final `<eos>`.
    public var tokens: [Int]
    /// log p(y_t | y_<t, X) for each decoding step: one entry per element of ``tokens``, then one more
    /// for the `<eos>` when ``isComplete``. Natural logarithms, each <= 0.
    public var tokenLogProbabilities: [Float]
    /// The sum of ``tokenLogProbabilities`` (accumulated left to right in Float32).
    public var logProbability: Float
    /// True when the hypothesis ended by emitting `<eos>`; false when decoding stopped at the maximum length.
    public var isComplete: Bool

    public init(tokens: [Int], tokenLogProbabilities: [Float], logProbability: Float, isComplete: Bool) {
        self.tokens = tokens
        self.tokenLogProbabilities = tokenLogProbabilities
        self.logProbability = logProbability
        self.isComplete = isComplete
    }

    /// The empty hypothesis before the first step.
    static let empty = Hypothesis(tokens: [], tokenLogProbabilities: [], logProbability: 0, isComplete: false)

    /// |Y|, the number of decoding steps taken: `tokens.count`, plus 1 for the `<eos>` when complete.
    /// This is the length the ``LengthPenalty`` sees.
    public var length: Int { tokenLogProbabilities.count }

    /// The hypothesis extended by one step that emitted `token` with log-probability `logProbability`.
    func extended(by token: Int, logProbability stepLogProbability: Float, isEnd: Bool) -> Hypothesis {
        Hypothesis(tokens: isEnd ? tokens : tokens + [token],
                   tokenLogProbabilities: tokenLogProbabilities + [stepLogProbability],
                   logProbability: logProbability + stepLogProbability, isComplete: isEnd)
    }

    public var description: String {
        "Hypothesis(tokens: \(tokens), logProbability: \(logProbability)\(isComplete ? "" : ", incomplete"))"
    }
}
