import Testing
@testable import TransformerCore

/// Reference values from sacreBLEU 2.6.0 (`pip install sacrebleu==2.6.0`), printed by
///
///     python3 -c "from sacrebleu.metrics import CHRF; from sacrebleu.utils import sum_of_lists; m = CHRF(); \
///                 st = sum_of_lists(m._extract_corpus_statistics(HYPS, REFS)); \
///                 print(repr(m.corpus_score(HYPS, REFS).score), st[0::3], st[1::3], st[2::3])"
///
/// with HYPS and REFS as in each case below (REFS is the list of reference streams; `referenceSets` here
/// is its transpose). `Scripts/check-metrics-sacrebleu.py` compares the same on whole test sets.
@Suite struct CHRFTests {
    /// Scores are Float64 in sacreBLEU's order of operations: they agree to rounding of the last bit.
    static let tolerance = 1e-12

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let hypotheses: [String]
        let referenceSets: [[String]]
        let score: Double
        let hypothesisCounts: [Int]
        let referenceCounts: [Int]
        let matchCounts: [Int]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "identical", hypotheses: ["The quick brown fox jumps over the lazy dog.", "Hello, world!"],
             referenceSets: [["The quick brown fox jumps over the lazy dog."], ["Hello, world!"]], score: 100.0,
             hypothesisCounts: [48, 46, 44, 42, 40, 38], referenceCounts: [48, 46, 44, 42, 40, 38],
             matchCounts: [48, 46, 44, 42, 40, 38]),
        Case(name: "sentences", hypotheses: ["The cat sat on the mat.", "It is raining, isn't it?",
                                             "We paid $3.50 for 1,000 items (roughly)."],
             referenceSets: [["The cat is on the mat."], ["It's raining, isn't it?"], ["We paid $3.50 for 1,000 items."]],
             score: 82.30087917329634, hypothesisCounts: [72, 69, 66, 63, 60, 57],
             referenceCounts: [62, 59, 56, 53, 50, 47], matchCounts: [60, 53, 48, 44, 40, 36]),
        // Tabs, double, no-break and em spaces are all removed (Python's str.split()); accents count as one
        // code point each, and "…" is one character, not three.
        Case(name: "unicode_whitespace",
             hypotheses: ["Die Waffe ging  versehentlich\tlos.", "naïve\u{a0}café “quoted” text…", "E Iddio disse: Sia la luce."],
             referenceSets: [["Die Waffe ging versehentlich los."], ["naive café: “quoted” text..."],
                             ["E Iddio disse:\u{2003}Sia la luce. E la luce fu."]],
             score: 78.0873722167716, hypothesisCounts: [73, 70, 67, 64, 61, 58],
             referenceCounts: [86, 83, 80, 77, 74, 71], matchCounts: [71, 66, 61, 57, 53, 49]),
        // Code points, not Swift Characters: a decomposed "ï" (i + U+0308) is two, and does not match the
        // precomposed one that Swift's String equality would call equal; a flag emoji is two code points.
        Case(name: "code_points", hypotheses: ["nai\u{308}ve cafe\u{301}", "\u{1F1E9}\u{1F1EA} flag"],
             referenceSets: [["na\u{EF}ve caf\u{E9}"], ["\u{1F1E9}\u{1F1EA} flags"]],
             score: 51.635343993685886, hypothesisCounts: [17, 15, 13, 11, 9, 7],
             referenceCounts: [16, 14, 12, 10, 8, 6], matchCounts: [13, 10, 7, 5, 3, 1]),
        // Each segment keeps the reference with the better segment chrF (the second, then the second).
        Case(name: "multi_reference", hypotheses: ["the cat is on the mat", "there is a cat here"],
             referenceSets: [["the cat is on the mat", "there is a cat on the mat"],
                             ["a cat is here", "there is a cat over here"]],
             score: 80.19749490626761, hypothesisCounts: [31, 29, 27, 25, 23, 21],
             referenceCounts: [35, 33, 31, 29, 27, 25], matchCounts: [31, 28, 25, 22, 19, 17]),
        // Effective order: orders 4-6 have no hypothesis n-grams, so only n = 1...3 are averaged.
        Case(name: "short", hypotheses: ["abc", "xy"], referenceSets: [["abcd"], ["xyz"]],
             score: 60.36287508722958, hypothesisCounts: [5, 3, 1, 0, 0, 0],
             referenceCounts: [7, 5, 3, 1, 0, 0], matchCounts: [5, 3, 1, 0, 0, 0]),
        Case(name: "no_match", hypotheses: ["aaaa"], referenceSets: [["bbbb"]], score: 0,
             hypothesisCounts: [4, 3, 2, 1, 0, 0], referenceCounts: [4, 3, 2, 1, 0, 0], matchCounts: [0, 0, 0, 0, 0, 0]),
        // An empty hypothesis adds nothing to hyp_n but its reference still counts in ref_n.
        Case(name: "empty_hypothesis", hypotheses: ["", "a cat"], referenceSets: [["a dog"], ["a cat"]],
             score: 55.55555555555556, hypothesisCounts: [4, 3, 2, 1, 0, 0],
             referenceCounts: [8, 6, 4, 2, 0, 0], matchCounts: [4, 3, 2, 1, 0, 0]),
    ]

    @Test(arguments: cases)
    func matchesSacreBLEU(_ c: Case) throws {
        let chrF = try CHRF.corpus(hypotheses: c.hypotheses, referenceSets: c.referenceSets)
        #expect(abs(chrF.score - c.score) <= Self.tolerance, "\(chrF.score)")
        #expect(chrF.hypothesisCounts == c.hypothesisCounts)
        #expect(chrF.referenceCounts == c.referenceCounts)
        #expect(chrF.matchCounts == c.matchCounts)
    }

    /// sacreBLEU's `sentence_score`: 67.17273492330233 and, with two references, 63.31935566544045.
    @Test func sentenceLevel() throws {
        let one = try CHRF.sentence(hypothesis: "The cat sat on the mat.", references: ["The cat is on the mat."])
        #expect(abs(one.score - 67.17273492330233) <= Self.tolerance)
        #expect(one.description == "chrF2 = 67.17")
        let two = try CHRF.sentence(hypothesis: "there is a cat here", references: ["a cat is here", "there is a cat over here"])
        #expect(abs(two.score - 63.31935566544045) <= Self.tolerance)
        // The corpus score sums statistics first (sacreBLEU: 51.19936155749293), it is not the mean of
        // the sentence scores (67.17 and 0).
        let corpus = try CHRF.corpus(hypotheses: ["The cat sat on the mat.", "xy"], references: ["The cat is on the mat.", "abcdefgh"])
        #expect(abs(corpus.score - 51.19936155749293) <= Self.tolerance)
    }

    @Test func statisticsInitializerAndErrors() throws {
        let c = Self.cases[1]
        let fromCounts = CHRF(hypothesisCounts: c.hypothesisCounts, referenceCounts: c.referenceCounts, matchCounts: c.matchCounts)
        #expect(abs(fromCounts.score - c.score) <= Self.tolerance)
        let single = try CHRF.corpus(hypotheses: c.hypotheses, references: c.referenceSets.map { $0[0] })
        #expect(single == fromCounts)
        #expect(throws: EvaluationError.countMismatch(hypotheses: 1, references: 2)) {
            try CHRF.corpus(hypotheses: ["a"], references: ["a", "b"])
        }
        #expect(throws: EvaluationError.noReferences(segment: 0)) {
            try CHRF.corpus(hypotheses: ["a"], referenceSets: [[]])
        }
        #expect(try CHRF.corpus(hypotheses: [], references: []).score == 0)
        #expect(try CHRF.corpus(hypotheses: ["abc"], references: [""]).score == 0)
    }

    /// Recall weighs more than precision (beta = 2): dropping characters costs more than adding them
    /// (sacreBLEU: 93.48516357545938 and 49.59348409966008).
    @Test func recallWeighsMore() throws {
        let reference = "the cat sat on the mat"
        let longer = try CHRF.sentence(hypothesis: reference + " today", references: [reference])
        let shorter = try CHRF.sentence(hypothesis: "the cat sat", references: [reference])
        #expect(abs(longer.score - 93.48516357545938) <= Self.tolerance)
        #expect(abs(shorter.score - 49.59348409966008) <= Self.tolerance)
    }
}
