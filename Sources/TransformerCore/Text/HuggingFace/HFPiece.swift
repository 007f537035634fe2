/// One piece of text on its way through a `tokenizer.json` pipeline (Rust `tokenizers`' split of a
/// `PreTokenizedString`): Unicode scalars (a Rust `String` is a sequence of `char`s), whether it begins at
/// the start of the original text (Metaspace's `prepend_scheme: "first"` asks), and the id when an added
/// token already claimed it (such pieces skip the normalizer, the pre-tokenizer and the model).
struct HFPiece: Equatable {
    var scalars: [Unicode.Scalar]
    var atStart: Bool
    var addedTokenID: Int?

    init(_ scalars: [Unicode.Scalar], atStart: Bool, addedTokenID: Int? = nil) {
        self.scalars = scalars
        self.atStart = atStart
        self.addedTokenID = addedTokenID
    }

    init(_ text: String, atStart: Bool = true) { self.init(Array(text.unicodeScalars), atStart: atStart) }

    var text: String { String(String.UnicodeScalarView(scalars)) }

    /// The sub-piece at `range` (scalar offsets).
    func slice(_ range: Range<Int>) -> HFPiece {
        HFPiece(Array(scalars[range]), atStart: atStart && range.lowerBound == 0)
    }
}

/// What a split does with the matched delimiters (Rust `SplitDelimiterBehavior`; JSON names as written).
enum HFSplitBehavior: String, CaseIterable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"

    /// Cuts `piece` at the `matches` (sorted, non-overlapping scalar ranges), as Rust
    /// `NormalizedString::split`: the text is covered by alternating match / non-match segments, the
    /// behavior keeps, drops or glues the matches, and empty pieces are dropped.
    func split(_ piece: HFPiece, matches: [Range<Int>], invert: Bool = false) -> [HFPiece] {
        // 1. The whole text as segments (range, isMatch).
        var segments: [(range: Range<Int>, isMatch: Bool)] = []
        var last = 0
        for m in matches {
            if last < m.lowerBound { segments.append((last..<m.lowerBound, invert)) }
            segments.append((m, !invert))
            last = m.upperBound
        }
        if last < piece.scalars.count || segments.isEmpty { segments.append((last..<piece.scalars.count, invert)) }
        // 2. The behavior.
        var kept: [Range<Int>] = []
        switch self {
        case .removed:
            kept = segments.filter { !$0.isMatch }.map(\.range)
        case .isolated:
            kept = segments.map(\.range)
        case .contiguous:
            var previousMatch = false
            for s in segments {
                if s.isMatch == previousMatch, let l = kept.last { kept[kept.count - 1] = l.lowerBound..<s.range.upperBound }
                else { kept.append(s.range) }
                previousMatch = s.isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for s in segments {
                if s.isMatch && !previousMatch, let l = kept.last { kept[kept.count - 1] = l.lowerBound..<s.range.upperBound }
                else { kept.append(s.range) }
                previousMatch = s.isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for s in segments.reversed() {
                if s.isMatch && !previousMatch, let l = kept.last { kept[kept.count - 1] = s.range.lowerBound..<l.upperBound }
                else { kept.append(s.range) }
                previousMatch = s.isMatch
            }
            kept.reverse()
        }
        return kept.filter { !$0.isEmpty }.map { piece.slice($0) }
    }

    /// Each scalar for which `isDelimiter` holds is one match (Rust's `Fn(char) -> bool` pattern).
    static func scalarMatches(_ scalars: [Unicode.Scalar], _ isDelimiter: (Unicode.Scalar) -> Bool) -> [Range<Int>] {
        scalars.indices.filter { isDelimiter(scalars[$0]) }.map { $0..<($0 + 1) }
    }

    /// The non-overlapping occurrences of `pattern`, left to right (Rust's escaped-string regex).
    static func literalMatches(_ scalars: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> [Range<Int>] {
        guard !pattern.isEmpty, pattern.count <= scalars.count else { return [] }
        var result: [Range<Int>] = []
        var i = 0
        while i + pattern.count <= scalars.count {
            if scalars[i] == pattern[0] && scalars[i..<(i + pattern.count)].elementsEqual(pattern) {
                result.append(i..<(i + pattern.count))
                i += pattern.count
            } else {
                i += 1
            }
        }
        return result
    }
}
