/// The Levenshtein distance (Levenshtein 1966): the fewest single-element insertions, deletions and
/// substitutions, each of cost 1, that turn `hypothesis` into `reference`.
///
/// Dynamic programming over the prefix table d[i][j] = distance(hypothesis[..<i], reference[..<j]):
///
///     d[i][0] = i,  d[0][j] = j
///     d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1, d[i-1][j-1] + (h_i == r_j ? 0 : 1))
///
/// kept two rows at a time: O(|h| |r|) time, O(|r|) memory. Symmetric in its arguments.
public func editDistance<Element: Equatable>(_ hypothesis: [Element], _ reference: [Element]) -> Int {
    if hypothesis.isEmpty { return reference.count }
    if reference.isEmpty { return hypothesis.count }
    var previous = Array(0...reference.count)            // d[i-1][*]
    var current = [Int](repeating: 0, count: reference.count + 1)
    for (i, h) in hypothesis.enumerated() {
        current[0] = i + 1
        for (j, r) in reference.enumerated() {
            current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (h == r ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[reference.count]
}
