/// Inputs a metric cannot score: what was expected, what was found, and what to do.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The hypothesis and reference lists differ in length (e.g. two files with different line counts).
    case countMismatch(hypotheses: Int, references: Int)
    /// Logits and labels do not line up: logits hold `rows` rows of V, but `labels` gives `labels`.
    case shapeMismatch(logitShape: [Int], labels: Int)
    /// A label (not the ignore index) outside 0..<V.
    case labelOutOfRange(position: Int, label: Int, vocabularySize: Int)
    /// A BLEU reference set with no references for some segment.
    case noReferences(segment: Int)

    public var description: String {
        switch self {
        case let .countMismatch(hypotheses, references):
            "\(hypotheses) hypotheses but \(references) references; every hypothesis needs its reference, line by line"
        case let .shapeMismatch(logitShape, labels):
            "logits of shape \(logitShape) do not hold one [V] row per label (\(labels) labels)"
        case let .labelOutOfRange(position, label, vocabularySize):
            "label \(label) at position \(position) is outside the vocabulary 0..<\(vocabularySize)"
        case let .noReferences(segment):
            "segment \(segment) has no reference; give every segment at least one"
        }
    }
}
