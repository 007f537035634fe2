import Foundation

/// chrF (Popović 2015), the character n-gram F-score, computed as sacreBLEU 2.x computes it with its
/// defaults (`CHRF()`: char_order 6, word_order 0, beta 2, mixed case, whitespace excluded,
/// eps_smoothing False), so scores are comparable with published sacreBLEU chrF2 numbers. Signature of
/// that setting: `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.x`.
///
/// Per segment: hypothesis and reference lose every whitespace code point (Python's `''.join(s.split())`;
/// nothing else is normalised) and are cut into character n-grams, n = 1...6, over Unicode code points.
/// For each order n, with `H_n`, `R_n` the hypothesis and reference n-gram multisets:
///
///     hyp_n   = |H_n| if R_n is not empty, else 0        (no hits are counted against an empty reference)
///     ref_n   = |R_n|
///     match_n = sum_g min(count_H(g), count_R(g))
///
/// With several references, the segment keeps the statistics of the reference whose own segment-level
/// chrF (below) is highest; the first one on a tie. Over the corpus the statistics are summed, and then
/// (sacreBLEU's "effective order", the default since 2.0):
///
///     P_n = match_n / hyp_n,  R_n = match_n / ref_n      for the orders with hyp_n > 0 and ref_n > 0
///     P = mean of those P_n,  R = mean of those R_n       (P = R = 0 when there are none)
///     chrF_beta = 100 (1 + beta^2) P R / (beta^2 P + R)   with beta = 2, and 0 when P + R = 0
///
/// Note that this averages precision and recall over orders first and takes one F-score of the
/// averages (sacreBLEU < 2.0 and the default now), unlike chrF++.py / Moses / NLTK (eps_smoothing True),
/// which average per-order F-scores with an epsilon of 1e-16 for empty orders; with effective order the
/// epsilon never enters the score, so it is not needed here. Arithmetic is Float64 in sacreBLEU's order
/// of operations, so scores agree to the last bits. Not implemented: chrF++ (word n-grams), lowercasing,
/// whitespace as characters, epsilon smoothing.
public struct CHRF: Equatable, Sendable, CustomStringConvertible {
    /// The maximum character n-gram order, 6.
    public static let characterOrder = 6
    /// beta = 2: recall weighs twice as much as precision (Popović 2016).
    public static let beta = 2.0

    /// chrF2 in 0...100.
    public let score: Double
    /// hyp_n for n = 1...6, summed over the corpus.
    public let hypothesisCounts: [Int]
    /// ref_n for n = 1...6.
    public let referenceCounts: [Int]
    /// match_n for n = 1...6.
    public let matchCounts: [Int]

    public var description: String {
        "chrF2 = " + String(format: "%.2f", score)
    }

    /// Corpus chrF2 with one reference per hypothesis (`references[i]` for `hypotheses[i]`).
    public static func corpus(hypotheses: [String], references: [String]) throws(EvaluationError) -> CHRF {
        guard hypotheses.count == references.count else {
            throw .countMismatch(hypotheses: hypotheses.count, references: references.count)
        }
        return try corpus(hypotheses: hypotheses, referenceSets: references.map { [$0] })
    }

    /// Corpus chrF2 with several references per hypothesis: `referenceSets[i]` are the references of
    /// `hypotheses[i]` (sacreBLEU's `refs` argument transposed).
    public static func corpus(hypotheses: [String], referenceSets: [[String]]) throws(EvaluationError) -> CHRF {
        guard hypotheses.count == referenceSets.count else {
            throw .countMismatch(hypotheses: hypotheses.count, references: referenceSets.count)
        }
        var total = Statistics()
        for (segment, (hypothesis, references)) in zip(hypotheses, referenceSets).enumerated() {
            guard !references.isEmpty else { throw .noReferences(segment: segment) }
            total.add(segmentStatistics(hypothesis, references))
        }
        return CHRF(hypothesisCounts: total.hypothesis, referenceCounts: total.reference, matchCounts: total.match)
    }

    /// Sentence-level chrF2 (sacreBLEU's `sentence_score`): the corpus score of a one-segment corpus.
    public static func sentence(hypothesis: String, references: [String]) throws(EvaluationError) -> CHRF {
        try corpus(hypotheses: [hypothesis], referenceSets: [references])
    }

    /// The score from (corpus) statistics, each with one count per order n = 1...6.
    public init(hypothesisCounts: [Int], referenceCounts: [Int], matchCounts: [Int]) {
        let order = Self.characterOrder
        precondition(hypothesisCounts.count == order && referenceCounts.count == order && matchCounts.count == order,
                     "chrF needs \(order) hypothesis, reference and match counts, got "
                     + "\(hypothesisCounts.count), \(referenceCounts.count) and \(matchCounts.count)")
        self.hypothesisCounts = hypothesisCounts
        self.referenceCounts = referenceCounts
        self.matchCounts = matchCounts
        score = Self.fScore(Statistics(hypothesis: hypothesisCounts, reference: referenceCounts, match: matchCounts))
    }

    /// sacreBLEU's `_compute_f_score` with eps_smoothing False.
    static func fScore(_ statistics: Statistics) -> Double {
        let factor = beta * beta
        var averagePrecision = 0.0, averageRecall = 0.0
        var effectiveOrder = 0
        for n in 0..<characterOrder {
            let (hypothesis, reference, match) = (statistics.hypothesis[n], statistics.reference[n], statistics.match[n])
            guard hypothesis > 0 && reference > 0 else { continue }
            averagePrecision += Double(match) / Double(hypothesis)
            averageRecall += Double(match) / Double(reference)
            effectiveOrder += 1
        }
        if effectiveOrder == 0 { return 0 }
        averagePrecision /= Double(effectiveOrder)
        averageRecall /= Double(effectiveOrder)
        guard averagePrecision + averageRecall != 0 else { return 0 }
        var score = (1 + factor) * averagePrecision * averageRecall
        score /= factor * averagePrecision + averageRecall
        return 100 * score
    }

    /// The statistics of one segment against its best reference.
    static func segmentStatistics(_ hypothesis: String, _ references: [String]) -> Statistics {
        let hypothesisGrams = CharacterNGrams(hypothesis)
        var best = Statistics(), bestScore = -1.0
        for reference in references {
            let statistics = hypothesisGrams.statistics(against: CharacterNGrams(reference))
            let score = fScore(statistics)
            if score > bestScore { (best, bestScore) = (statistics, score) }
        }
        return best
    }

    /// hyp_n, ref_n and match_n for n = 1...6.
    struct Statistics: Equatable {
        var hypothesis = [Int](repeating: 0, count: CHRF.characterOrder)
        var reference = [Int](repeating: 0, count: CHRF.characterOrder)
        var match = [Int](repeating: 0, count: CHRF.characterOrder)

        mutating func add(_ other: Statistics) {
            for n in 0..<CHRF.characterOrder {
                hypothesis[n] += other.hypothesis[n]
                reference[n] += other.reference[n]
                match[n] += other.match[n]
            }
        }
    }
}

/// The character n-gram counts of one segment, n = 1...6, over its code points with whitespace removed.
struct CharacterNGrams {
    /// An n-gram of at most 6 code points packed into 128 bits, 21 bits each (Unicode needs 21): one
    /// table holds one order, so the packing is unique there, and hashing it allocates nothing.
    struct Gram: Hashable {
        var low: UInt64 = 0
        var high: UInt64 = 0
    }

    /// counts[n - 1][g]: how often the n-gram g occurs.
    let counts: [[Gram: Int]]
    /// Number of n-grams of each order: max(0, L - n + 1) for L code points.
    let totals: [Int]

    init(_ segment: String) {
        let scalars = segment.unicodeScalars.filter { !isPythonWhitespace($0) }.map { UInt64($0.value) }
        var counts: [[Gram: Int]] = []
        var totals: [Int] = []
        for n in 1...CHRF.characterOrder {
            var table: [Gram: Int] = [:]
            if scalars.count >= n {
                table.reserveCapacity(scalars.count - n + 1)
                for start in 0...(scalars.count - n) {
                    var gram = Gram()
                    for k in 0..<n {
                        let bits = scalars[start + k] << UInt64(21 * (k % 3))
                        if k < 3 { gram.low |= bits } else { gram.high |= bits }
                    }
                    table[gram, default: 0] += 1
                }
            }
            counts.append(table)
            totals.append(max(0, scalars.count - n + 1))
        }
        self.counts = counts
        self.totals = totals
    }

    /// sacreBLEU's `_get_match_statistics` for every order, with `self` the hypothesis.
    func statistics(against reference: CharacterNGrams) -> CHRF.Statistics {
        var result = CHRF.Statistics()
        for n in 0..<CHRF.characterOrder {
            var matches = 0
            for (gram, count) in counts[n] {
                if let referenceCount = reference.counts[n][gram] { matches += min(count, referenceCount) }
            }
            result.hypothesis[n] = reference.totals[n] > 0 ? totals[n] : 0
            result.reference[n] = reference.totals[n]
            result.match[n] = matches
        }
        return result
    }
}
