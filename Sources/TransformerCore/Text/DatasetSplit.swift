/// A random train / validation split of a list, made from a seed.
///
/// The validation part has round(n · fraction) items, and at least one when fraction > 0 and n ≥ 2;
/// which items go there is drawn with a ``SeededGenerator`` (same seed, same split). Both parts keep the
/// items' original order. A fraction that leaves no training item is an error, not an empty model run.
///
/// ```swift
/// let split = try DatasetSplit(pairs, validationFraction: 0.1, seed: 42)
/// train(on: split.training); evaluate(on: split.validation)
/// ```
public struct DatasetSplit<Element> {
    public let training: [Element]
    public let validation: [Element]

    /// Splits `items`. Throws when `validationFraction` is not in [0, 1) or leaves no training item
    /// (including when `items` is empty).
    public init(_ items: [Element], validationFraction: Double, seed: UInt64) throws(DataError) {
        guard validationFraction.isFinite, validationFraction >= 0, validationFraction < 1 else {
            throw DataError(.invalidSplit("expected a validation fraction in [0, 1), found \(validationFraction)"))
        }
        let count = Self.validationCount(items: items.count, fraction: validationFraction)
        guard count < items.count else {
            throw DataError(.invalidSplit(items.isEmpty
                ? "expected at least one example to train on, found none"
                : "validation fraction \(validationFraction) of \(items.count) examples leaves no training example; lower the fraction or add examples"))
        }
        let order = Array(items.indices).seededShuffled(using: SeededGenerator(seed: seed))
        var isValidation = [Bool](repeating: false, count: items.count)
        for index in order.prefix(count) { isValidation[index] = true }
        training = items.indices.filter { !isValidation[$0] }.map { items[$0] }
        validation = items.indices.filter { isValidation[$0] }.map { items[$0] }
    }

    /// round(n · fraction), but at least 1 when fraction > 0 and n ≥ 2, and 0 when n < 2.
    public static func validationCount(items n: Int, fraction: Double) -> Int {
        guard fraction > 0, n >= 2 else { return 0 }
        return max(1, Int((Double(n) * fraction).rounded()))
    }
}

extension DatasetSplit: Sendable where Element: Sendable {}
extension DatasetSplit: Equatable where Element: Equatable {}
