/// A corpus-level error rate: total edits over total reference length,
///
///     ER = sum_i editDistance(h_i, r_i) / sum_i |r_i|
///
/// (the corpus ratio of sums, as jiwer and most ASR/OCR toolkits report it, not a mean of per-sentence
/// rates). It can exceed 1 when hypotheses are longer than references.
public struct ErrorRate: Equatable, Sendable, CustomStringConvertible {
    /// sum of edit distances.
    public let edits: Int
    /// sum of reference lengths (characters or words).
    public let referenceLength: Int

    public init(edits: Int, referenceLength: Int) {
        self.edits = edits
        self.referenceLength = referenceLength
    }

    /// edits / referenceLength; with empty references, 0 when there are no edits and +infinity otherwise.
    public var value: Double {
        if referenceLength == 0 { return edits == 0 ? 0 : .infinity }
        return Double(edits) / Double(referenceLength)
    }

    public var description: String { "\(value) (\(edits) edits / \(referenceLength))" }

    /// Character error rate (CER) over a corpus. Characters are Unicode scalars (code points), as Python's
    /// `len(str)` and jiwer count them, so "é" written as e + combining accent is two. Nothing is
    /// normalized, stripped or lowercased: spaces are characters too.
    public static func characters(hypotheses: [String], references: [String]) throws(EvaluationError) -> ErrorRate {
        try corpus(hypotheses: hypotheses, references: references) { Array($0.unicodeScalars) }
    }

    /// Word error rate (WER) over a corpus. Words are the maximal runs of non-whitespace, as Python's
    /// `str.split()` gives them (whitespace per ``isPythonWhitespace(_:)``); no punctuation handling.
    public static func words(hypotheses: [String], references: [String]) throws(EvaluationError) -> ErrorRate {
        try corpus(hypotheses: hypotheses, references: references) { splitOnWhitespace($0) }
    }

    /// Error rate of token-id sequences (e.g. decoder output against target ids).
    public static func tokens(hypotheses: [[Int]], references: [[Int]]) throws(EvaluationError) -> ErrorRate {
        try corpus(hypotheses: hypotheses, references: references) { $0 }
    }

    static func corpus<Item, Unit: Equatable>(hypotheses: [Item], references: [Item],
                                              units: (Item) -> [Unit]) throws(EvaluationError) -> ErrorRate {
        guard hypotheses.count == references.count else {
            throw .countMismatch(hypotheses: hypotheses.count, references: references.count)
        }
        var edits = 0, length = 0
        for (hypothesis, reference) in zip(hypotheses, references) {
            let r = units(reference)
            edits += editDistance(units(hypothesis), r)
            length += r.count
        }
        return ErrorRate(edits: edits, referenceLength: length)
    }
}

/// Python's `str.isspace()` for one code point: Unicode White_Space plus the information separators
/// U+001C...U+001F (Python counts bidirectional classes B, S and WS as space). Used wherever a metric
/// here mirrors a Python tool's `str.split()`.
func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
}

/// Python's `str.split()` with no arguments: maximal runs of non-whitespace, no empty strings.
func splitOnWhitespace(_ text: String) -> [String] {
    var words: [String] = []
    var word = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if isPythonWhitespace(scalar) {
            if !word.isEmpty { words.append(String(word)); word = String.UnicodeScalarView() }
        } else {
            word.append(scalar)
        }
    }
    if !word.isEmpty { words.append(String(word)) }
    return words
}
