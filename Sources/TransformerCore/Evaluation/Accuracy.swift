/// A count of correct items out of a total.
public struct Accuracy: Equatable, Sendable, CustomStringConvertible {
    public let correct: Int
    public let total: Int

    public init(correct: Int, total: Int) {
        self.correct = correct
        self.total = total
    }

    /// correct / total, or 0 when nothing was counted.
    public var value: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    public var description: String { "\(value) (\(correct) / \(total))" }

    /// Teacher-forced token accuracy: the fraction of counted positions n where
    ///
    ///     argmax_v logits[n, v] == labels[n]
    ///
    /// counting every position whose label is not `ignoreIndex` (padding by default). Ties go to the lowest
    /// id, as in ``GreedyDecoder``; a row with NaN never matches.
    ///
    /// - Parameters:
    ///   - logits: `[N, V]` or `[B, T, V]` (any shape ending in V with N rows), e.g. the model's output.
    ///   - labels: N target ids, row-major in the same order (`[B, T]` flattened).
    public static func tokens(logits: Tensor, labels: [Int],
                              ignoreIndex: Int?) throws(EvaluationError) -> Accuracy {
        let vocabulary = logits.shape.last ?? 0
        guard logits.rank >= 1, vocabulary > 0, logits.count == labels.count * vocabulary else {
            throw .shapeMismatch(logitShape: logits.shape, labels: labels.count)
        }
        var correct = 0, total = 0
        for (n, label) in labels.enumerated() where label != ignoreIndex {
            guard label >= 0 && label < vocabulary else {
                throw .labelOutOfRange(position: n, label: label, vocabularySize: vocabulary)
            }
            total += 1
            var best = 0
            for v in 1..<vocabulary where logits.scalars[n * vocabulary + v] > logits.scalars[n * vocabulary + best] {
                best = v
            }
            if best == label && !logits.scalars[n * vocabulary + best].isNaN { correct += 1 }
        }
        return Accuracy(correct: correct, total: total)
    }

    /// Exact match: the fraction of hypotheses equal to their reference as a whole (every element, same length).
    public static func exactMatch<Element: Equatable>(hypotheses: [[Element]],
                                                      references: [[Element]]) throws(EvaluationError) -> Accuracy {
        guard hypotheses.count == references.count else {
            throw .countMismatch(hypotheses: hypotheses.count, references: references.count)
        }
        return Accuracy(correct: zip(hypotheses, references).filter { $0 == $1 }.count, total: references.count)
    }

    /// Exact match of strings, compared code point by code point (as Python's `==`; Swift's own `==` would
    /// also equate canonically equivalent spellings such as a precomposed and a combining "é").
    public static func exactMatch(hypotheses: [String], references: [String]) throws(EvaluationError) -> Accuracy {
        guard hypotheses.count == references.count else {
            throw .countMismatch(hypotheses: hypotheses.count, references: references.count)
        }
        let matches = zip(hypotheses, references).filter { $0.unicodeScalars.elementsEqual($1.unicodeScalars) }.count
        return Accuracy(correct: matches, total: references.count)
    }
}
