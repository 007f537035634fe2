import Testing
@testable import TransformerCore

/// Reference values from sacreBLEU 2.6.0 (`pip install sacrebleu`), printed by
///
///     python3 -c "from sacrebleu.metrics import BLEU; s = BLEU().corpus_score(HYPS, [REFS]); \
///                 print(repr(s.score), s.counts, s.totals, s.sys_len, s.ref_len)"
///
/// with HYPS and REFS as in each case below (REFS is the list of reference streams; `referenceSets` here
/// is its transpose), and for the tokenizer
///
///     python3 -c "from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a; print(repr(Tokenizer13a()(LINE)))"
@Suite struct BLEUTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let hypotheses: [String]
        /// Per segment, its references.
        let referenceSets: [[String]]
        let score: Double
        let matches: [Int]
        let totals: [Int]
        let lengths: (hypothesis: Int, reference: Int)
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "identical", hypotheses: ["The quick brown fox jumps over the lazy dog.", "Hello, world!"],
             referenceSets: [["The quick brown fox jumps over the lazy dog."], ["Hello, world!"]],
             score: 100.00000000000004, matches: [14, 12, 10, 8], totals: [14, 12, 10, 8], lengths: (14, 14)),
        Case(name: "punctuation", hypotheses: ["The cat sat on the mat.", "It is raining, isn't it?",
                                               "We paid $3.50 for 1,000 items (roughly)."],
             referenceSets: [["The cat is on the mat."], ["It's raining, isn't it?"], ["We paid $3.50 for 1,000 items."]],
             score: 57.76780299058959, matches: [19, 14, 10, 7], totals: [25, 22, 19, 16], lengths: (25, 21)),
        // No 4-gram matches: 'exp' smoothing sets p_4 = 100 / (2 * 1); brevity penalty exp(1 - 14/6).
        Case(name: "brevity_smoothing", hypotheses: ["a cat", "the dog barked loudly"],
             referenceSets: [["a cat sat on the mat today"], ["the dog barked very loudly at night"]],
             score: 17.34566716813784, matches: [6, 3, 1, 0], totals: [6, 4, 2, 1], lengths: (6, 14)),
        Case(name: "entities_unicode", hypotheses: ["Tom &amp; Jerry said &quot;hi&quot; -- 2-3 times",
                                                    "naïve café: “quoted” text…"],
             referenceSets: [["Tom & Jerry said \"hi\" - 2-3 times!"], ["naive café: “quoted” text..."]],
             score: 50.66863289778645, matches: [14, 11, 8, 5], totals: [17, 15, 13, 11], lengths: (17, 21)),
        Case(name: "multi_reference", hypotheses: ["the cat is on the mat", "there is a cat here"],
             referenceSets: [["the cat is on the mat", "there is a cat on the mat"],
                             ["a cat is here", "there is a cat over here"]],
             score: 88.35836453663153, matches: [11, 8, 6, 4], totals: [11, 9, 7, 5], lengths: (11, 10)),
        Case(name: "no_match", hypotheses: ["alpha beta gamma delta"], referenceSets: [["one two three four"]],
             score: 0, matches: [0, 0, 0, 0], totals: [4, 3, 2, 1], lengths: (4, 4)),
        // Every hypothesis is shorter than 4 tokens: total_4 = 0, so BLEU is 0 despite matches.
        Case(name: "too_short", hypotheses: ["a b c", "x y"], referenceSets: [["a b c d"], ["x y z"]],
             score: 0, matches: [5, 3, 1, 0], totals: [5, 3, 1, 0], lengths: (5, 7)),
    ]

    @Test(arguments: cases)
    func matchesSacreBLEU(_ c: Case) throws {
        let bleu = try BLEU.corpus(hypotheses: c.hypotheses, referenceSets: c.referenceSets)
        #expect(abs(bleu.score - c.score) <= 1e-9, "\(bleu)")
        #expect(bleu.matches == c.matches)
        #expect(bleu.totals == c.totals)
        #expect(bleu.hypothesisLength == c.lengths.hypothesis && bleu.referenceLength == c.lengths.reference)
    }

    @Test func singleReferenceConvenienceAndErrors() throws {
        let c = Self.cases[1]
        let bleu = try BLEU.corpus(hypotheses: c.hypotheses, references: c.referenceSets.map { $0[0] })
        #expect(abs(bleu.score - c.score) <= 1e-9)
        #expect(bleu.description == "BLEU = 57.77 76.0/63.6/52.6/43.8 (BP = 1.000 ratio = 1.190 hyp_len = 25 ref_len = 21)")
        #expect(throws: EvaluationError.countMismatch(hypotheses: 1, references: 2)) {
            try BLEU.corpus(hypotheses: ["a"], references: ["a", "b"])
        }
        #expect(throws: EvaluationError.noReferences(segment: 0)) {
            try BLEU.corpus(hypotheses: ["a"], referenceSets: [[]])
        }
        #expect(try BLEU.corpus(hypotheses: [], references: []).score == 0)
        #expect(try BLEU.corpus(hypotheses: [""], references: ["a b c d"]).score == 0)
    }

    /// Pre-tokenized text with tokenize='none': "a ." keeps the period as its own token, "b," does not split.
    @Test func noTokenization() throws {
        let bleu = try BLEU.corpus(hypotheses: ["x y z w b,"], references: ["x y z w b ,"], tokenization: .none)
        #expect(bleu.totals == [5, 4, 3, 2] && bleu.matches == [4, 3, 2, 1])
    }

    static let tokenizations: [(String, String)] = [
        ("Hello, world!", "Hello , world !"),
        ("It costs $3.50, or 1,000.5 yen.", "It costs $ 3.50 , or 1,000.5 yen ."),
        ("A.B,C .5 5. x-y 2-3 a-2", "A . B , C . 5 5 . x-y 2 - 3 a-2"),
        ("Tom &amp; Jerry &quot;hi&quot; &lt;tag&gt; &amp;quot;", "Tom & Jerry \" hi \" < tag > & quot ;"),
        ("line one-\nline two\nthree <skipped>x", "line oneline two three x"),
        ("naïve café: “quoted” text… ‘ok’", "naïve café : “quoted” text… ‘ok’"),
        ("{braces} [brackets] back\\slash ^caret_ `tick` ~tilde| a/b @c #d %e *f +g =h",
         "{ braces } [ brackets ] back \\ slash ^ caret _ ` tick ` ~ tilde | a / b @ c # d % e * f + g = h"),
        ("  spaced\tout\u{a0}nbsp\u{2003}em  ", "spaced out nbsp em"),
        ("end.", "end ."), ("..,,", ". . , ,"), ("3.", "3 ."), (",5", ", 5"),
    ]

    @Test(arguments: tokenizations)
    func tokenizer13aMatchesSacreBLEU(line: String, expected: String) {
        #expect(Tokenizer13a.tokenize(line) == expected)
    }
}
