/// Accuracy, per-class precision / recall / F1, macro-F1 and the confusion matrix of predicted classes.
///
///     precision_k = TP_k / (TP_k + FP_k),  recall_k = TP_k / (TP_k + FN_k),  F1_k = 2 P R / (P + R)
///     macro-F1 = mean_k F1_k   (a class with no true and no predicted example counts F1 = 0, as scikit-learn's
///                               zero_division=0; such classes are rare in practice)
///
/// `confusion[i][j]` counts examples of true class i predicted as j.
public struct ClassificationMetrics: Equatable, Sendable {
    public let classCount: Int
    public let confusion: [[Int]]

    public init(predictions: [Int], labels: [Int], classCount: Int) {
        precondition(predictions.count == labels.count, "ClassificationMetrics: \(predictions.count) predictions, \(labels.count) labels")
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (p, l) in zip(predictions, labels) { confusion[l][p] += 1 }
        self.classCount = classCount
        self.confusion = confusion
    }

    public var total: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    public var accuracy: Double {
        total == 0 ? 0 : Double((0..<classCount).reduce(0) { $0 + confusion[$1][$1] }) / Double(total)
    }
    public func precision(_ k: Int) -> Double {
        let predicted = (0..<classCount).reduce(0) { $0 + confusion[$1][k] }
        return predicted == 0 ? 0 : Double(confusion[k][k]) / Double(predicted)
    }
    public func recall(_ k: Int) -> Double {
        let actual = confusion[k].reduce(0, +)
        return actual == 0 ? 0 : Double(confusion[k][k]) / Double(actual)
    }
    public func f1(_ k: Int) -> Double {
        let (p, r) = (precision(k), recall(k))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
    public var macroF1: Double { classCount == 0 ? 0 : (0..<classCount).map(f1).reduce(0, +) / Double(classCount) }
}
