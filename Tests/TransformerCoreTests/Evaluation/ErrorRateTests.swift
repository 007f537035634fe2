import Testing
@testable import TransformerCore

@Suite struct ErrorRateTests {
    /// Character error rate: (3 + 1) edits over 6 + 3 reference characters, a ratio of corpus sums.
    @Test func characterErrorRate() throws {
        let rate = try ErrorRate.characters(hypotheses: ["sitting", "abd"], references: ["kitten", "abc"])
        #expect(rate == ErrorRate(edits: 4, referenceLength: 9))
        #expect(rate.value == 4.0 / 9.0)
        // Spaces count; code points, not grapheme clusters: e + U+0301 is two characters against "é".
        #expect(try ErrorRate.characters(hypotheses: ["a b"], references: ["ab"]) == ErrorRate(edits: 1, referenceLength: 2))
        #expect(try ErrorRate.characters(hypotheses: ["e\u{301}"], references: ["\u{e9}"]) == ErrorRate(edits: 2, referenceLength: 1))
    }

    /// Word error rate: one deletion ("the") and one insertion ("there") over 6 + 2 reference words.
    @Test func wordErrorRate() throws {
        let rate = try ErrorRate.words(hypotheses: ["the cat sat on mat", "hello  there\tworld"],
                                       references: ["the cat sat on the mat", "hello world"])
        #expect(rate == ErrorRate(edits: 2, referenceLength: 8))
        #expect(rate.value == 0.25)
        // More hypothesis words than reference words: the rate exceeds 1.
        #expect(try ErrorRate.words(hypotheses: ["a b c"], references: ["x"]).value == 3)
    }

    @Test func emptyReferencesAndMismatchedCounts() throws {
        #expect(try ErrorRate.characters(hypotheses: [""], references: [""]).value == 0)
        #expect(try ErrorRate.characters(hypotheses: ["x"], references: [""]).value == .infinity)
        #expect(try ErrorRate.tokens(hypotheses: [[3, 4, 5]], references: [[3, 5]]) == ErrorRate(edits: 1, referenceLength: 2))
        #expect(throws: EvaluationError.countMismatch(hypotheses: 2, references: 1)) {
            try ErrorRate.words(hypotheses: ["a", "b"], references: ["a"])
        }
    }

    /// The whitespace rule matches Python's str.isspace() on every code point up to U+3000, the last one
    /// it accepts. The list is `[hex(c) for c in range(0x110000) if chr(c).isspace()]` (CPython 3.11).
    @Test func whitespaceMatchesPython() {
        let python: Set<UInt32> = [0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
                                   0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
                                   0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]
        let swift = Set((0...0x3000).compactMap(Unicode.Scalar.init).filter(isPythonWhitespace).map(\.value))
        #expect(swift == python)
    }
}
