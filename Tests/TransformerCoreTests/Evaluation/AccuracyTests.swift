import Testing
@testable import TransformerCore

@Suite struct AccuracyTests {
    /// Rows' argmaxes are 1, 2, 0 (tie between 0 and 2: the lower id), 2; the third label is padding.
    @Test func tokenAccuracyIgnoresPadding() throws {
        let logits = Tensor(shape: [2, 2, 3], scalars: [0.1, 0.9, 0.0,
                                                        -1, -2, 5,
                                                        3, 1, 3,
                                                        0, 0, 0.5])
        let accuracy = try Accuracy.tokens(logits: logits, labels: [1, 1, 0, 2], ignoreIndex: 0)
        #expect(accuracy == Accuracy(correct: 2, total: 3))
        #expect(try Accuracy.tokens(logits: logits, labels: [1, 1, 0, 2], ignoreIndex: nil) == Accuracy(correct: 3, total: 4))
        #expect(try Accuracy.tokens(logits: logits, labels: [0, 0, 0, 0], ignoreIndex: 0).value == 0)
    }

    @Test func tokenAccuracyRejectsMismatches() {
        let logits = Tensor.zeros([2, 3])
        #expect(throws: EvaluationError.shapeMismatch(logitShape: [2, 3], labels: 3)) {
            try Accuracy.tokens(logits: logits, labels: [1, 1, 1], ignoreIndex: 0)
        }
        #expect(throws: EvaluationError.labelOutOfRange(position: 1, label: 3, vocabularySize: 3)) {
            try Accuracy.tokens(logits: logits, labels: [1, 3], ignoreIndex: 0)
        }
    }

    @Test func exactMatch() throws {
        let tokens = try Accuracy.exactMatch(hypotheses: [[3, 4], [5], [], [6, 7]], references: [[3, 4], [5, 6], [], [7, 6]])
        #expect(tokens == Accuracy(correct: 2, total: 4))
        #expect(tokens.value == 0.5)
        // Strings compare by code points: precomposed "é" is not e + combining acute.
        let strings = try Accuracy.exactMatch(hypotheses: ["caf\u{e9}", "a b", "x"], references: ["cafe\u{301}", "a b", "x "])
        #expect(strings == Accuracy(correct: 1, total: 3))
        #expect(throws: EvaluationError.countMismatch(hypotheses: 1, references: 0)) {
            try Accuracy.exactMatch(hypotheses: ["a"], references: [])
        }
    }
}
