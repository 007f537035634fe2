import Foundation

/// Corpus BLEU (Papineni et al. 2002) computed as sacreBLEU 2.x computes it with its defaults
/// (`BLEU()`: tokenize '13a', mixed case, smooth_method 'exp', max n-gram order 4, effective_order False),
/// so scores are comparable with published sacreBLEU numbers. Signature of that setting:
/// `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.x`.
///
/// Per segment: hypothesis and references are right-stripped (Python whitespace) and tokenized
/// (``Tokenizer13a``); for n = 1...4, hypothesis n-gram counts are clipped by the largest count of that
/// n-gram in any single reference:
///
///     correct_n += sum_g min(count_hyp(g), max_ref count_ref(g)),   total_n += max(0, |hyp| - n + 1)
///     c += |hyp|,   r += |closest reference| (closest in length; on a tie the shorter one)
///
/// Over the corpus (sums of those statistics):
///
///     BP  = 1 if c >= r, exp(1 - r / c) if 0 < c < r, 0 if c = 0
///     p_n = 100 correct_n / total_n                     when correct_n > 0
///     p_n = 100 / (2^k total_n)                         when correct_n = 0, for the k-th such order ('exp' smoothing)
///     BLEU = BP exp((1/4) sum_{n=1..4} log p_n)         in 0...100
///
/// with sacreBLEU's edge cases: BLEU = 0 when no n-gram of any order matches; if some total_n = 0 (every
/// hypothesis shorter than n tokens) the precisions of that order and above stay 0 and log 0 is taken as
/// -9999999999, so BLEU is 0. Arithmetic is Float64 in sacreBLEU's order of operations.
/// Not implemented: lowercasing, other tokenizers than 13a and 'none', other smoothing methods.
public struct BLEU: Equatable, Sendable, CustomStringConvertible {
    /// How segments are split into words before counting n-grams.
    public enum Tokenization: String, Sendable, CaseIterable {
        /// sacreBLEU's default ``Tokenizer13a``.
        case thirteenA = "13a"
        /// sacreBLEU's 'none': the line as given, split on whitespace (for pre-tokenized text).
        case none
    }

    /// The maximum n-gram order, N = 4.
    public static let maximumOrder = 4

    /// BLEU in 0...100.
    public let score: Double
    /// correct_n for n = 1...4, summed over the corpus.
    public let matches: [Int]
    /// total_n for n = 1...4.
    public let totals: [Int]
    /// p_n in percent, after smoothing.
    public let precisions: [Double]
    public let brevityPenalty: Double
    /// c, the number of hypothesis tokens.
    public let hypothesisLength: Int
    /// r, the number of (closest) reference tokens.
    public let referenceLength: Int

    public var description: String {
        func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
        let p = precisions.map { fixed($0, 1) }.joined(separator: "/")
        let ratio = referenceLength == 0 ? 0 : Double(hypothesisLength) / Double(referenceLength)
        return "BLEU = \(fixed(score, 2)) \(p) (BP = \(fixed(brevityPenalty, 3)) ratio = \(fixed(ratio, 3)) "
            + "hyp_len = \(hypothesisLength) ref_len = \(referenceLength))"
    }

    /// Corpus BLEU with one reference per hypothesis (`references[i]` for `hypotheses[i]`).
    public static func corpus(hypotheses: [String], references: [String],
                              tokenization: Tokenization = .thirteenA) throws(EvaluationError) -> BLEU {
        guard hypotheses.count == references.count else {
            throw .countMismatch(hypotheses: hypotheses.count, references: references.count)
        }
        return try corpus(hypotheses: hypotheses, referenceSets: references.map { [$0] }, tokenization: tokenization)
    }

    /// Corpus BLEU with several references per hypothesis: `referenceSets[i]` are the references of
    /// `hypotheses[i]` (sacreBLEU's `refs` argument transposed: it takes one list per reference stream).
    public static func corpus(hypotheses: [String], referenceSets: [[String]],
                              tokenization: Tokenization = .thirteenA) throws(EvaluationError) -> BLEU {
        guard hypotheses.count == referenceSets.count else {
            throw .countMismatch(hypotheses: hypotheses.count, references: referenceSets.count)
        }
        var counter = NGramCounter()
        var matches = [Int](repeating: 0, count: maximumOrder), totals = matches
        var hypothesisLength = 0, referenceLength = 0
        for (segment, (hypothesis, references)) in zip(hypotheses, referenceSets).enumerated() {
            guard !references.isEmpty else { throw .noReferences(segment: segment) }
            let hypothesisTokens = counter.ids(words(hypothesis, tokenization))
            let referenceTokens = references.map { counter.ids(words($0, tokenization)) }
            // Largest count of each n-gram in any one reference.
            var referenceCounts: [[Int]: Int] = [:]
            for tokens in referenceTokens {
                for (gram, count) in NGramCounter.counts(tokens) {
                    referenceCounts[gram] = max(referenceCounts[gram] ?? 0, count)
                }
            }
            for (gram, count) in NGramCounter.counts(hypothesisTokens) {
                totals[gram.count - 1] += count
                matches[gram.count - 1] += min(count, referenceCounts[gram] ?? 0)
            }
            hypothesisLength += hypothesisTokens.count
            referenceLength += closestLength(hypothesisTokens.count, referenceTokens.map(\.count))
        }
        return BLEU(matches: matches, totals: totals, hypothesisLength: hypothesisLength, referenceLength: referenceLength)
    }

    /// The score from corpus statistics (sacreBLEU's `compute_bleu` with smooth_method 'exp').
    public init(matches: [Int], totals: [Int], hypothesisLength: Int, referenceLength: Int) {
        precondition(matches.count == Self.maximumOrder && totals.count == Self.maximumOrder,
                     "BLEU needs \(Self.maximumOrder) match and total counts, got \(matches.count) and \(totals.count)")
        self.matches = matches
        self.totals = totals
        self.hypothesisLength = hypothesisLength
        self.referenceLength = referenceLength
        var brevityPenalty = 1.0
        if hypothesisLength < referenceLength {
            brevityPenalty = hypothesisLength > 0 ? Foundation.exp(1 - Double(referenceLength) / Double(hypothesisLength)) : 0
        }
        self.brevityPenalty = brevityPenalty
        var precisions = [Double](repeating: 0, count: Self.maximumOrder)
        guard matches.contains(where: { $0 != 0 }) else {
            self.precisions = precisions
            score = 0
            return
        }
        var smoothing = 1.0
        for n in 0..<Self.maximumOrder {
            if totals[n] == 0 { break }
            if matches[n] == 0 {
                smoothing *= 2
                precisions[n] = 100 / (smoothing * Double(totals[n]))
            } else {
                precisions[n] = 100 * Double(matches[n]) / Double(totals[n])
            }
        }
        self.precisions = precisions
        // sacreBLEU's my_log: log 0 is floored to -9999999999.
        let logSum = precisions.reduce(0.0) { $0 + ($1 == 0 ? -9_999_999_999 : Foundation.log($1)) }
        score = brevityPenalty * Foundation.exp(logSum / Double(Self.maximumOrder))
    }

    /// The words of one segment: right-stripped, then tokenized.
    static func words(_ segment: String, _ tokenization: Tokenization) -> [String] {
        var scalars = Array(segment.unicodeScalars)
        while let last = scalars.last, isPythonWhitespace(last) { scalars.removeLast() }
        let stripped = String(String.UnicodeScalarView(scalars))
        switch tokenization {
        case .thirteenA: return Tokenizer13a.tokens(stripped)
        case .none: return splitOnWhitespace(stripped)
        }
    }

    /// The reference length closest to the hypothesis length; the shorter one on a tie.
    static func closestLength(_ hypothesisLength: Int, _ referenceLengths: [Int]) -> Int {
        var best = referenceLengths[0]
        for length in referenceLengths.dropFirst() {
            let (difference, bestDifference) = (abs(hypothesisLength - length), abs(hypothesisLength - best))
            if difference < bestDifference || (difference == bestDifference && length < best) { best = length }
        }
        return best
    }
}

/// Maps words to small ids (by exact code points, as Python compares strings) and counts n-grams of ids.
struct NGramCounter {
    private var table: [[Unicode.Scalar]: Int] = [:]

    mutating func ids(_ words: [String]) -> [Int] {
        words.map { word in
            let key = Array(word.unicodeScalars)
            if let id = table[key] { return id }
            table[key] = table.count
            return table.count - 1
        }
    }

    /// Counts of every n-gram, n = 1...4.
    static func counts(_ tokens: [Int]) -> [[Int]: Int] {
        var counts: [[Int]: Int] = [:]
        for n in 1...BLEU.maximumOrder where tokens.count >= n {
            for start in 0...(tokens.count - n) { counts[Array(tokens[start..<(start + n)]), default: 0] += 1 }
        }
        return counts
    }
}
