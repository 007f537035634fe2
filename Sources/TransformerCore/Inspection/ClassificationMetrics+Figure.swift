import Foundation

/// The confusion matrix as a heatmap: rows the true classes, columns the predicted ones, each cell the
/// share of its row (so the diagonal is each class's recall and the colours compare across classes of
/// different sizes); the counts are in the row labels.
extension ClassificationMetrics {
    public func confusionFigure(labels: [String], title: String) -> HeatmapFigure {
        precondition(labels.count == classCount, "confusionFigure: \(labels.count) labels for \(classCount) classes")
        var values: [Float] = []
        for row in confusion {
            let total = row.reduce(0, +)
            values += row.map { total == 0 ? 0 : Float($0) / Float(total) }
        }
        let rowLabels = labels.indices.map { "\(labels[$0]) (\(confusion[$0].reduce(0, +)))" }
        return HeatmapFigure(title: title,
                             panels: [Heatmap(title: String(format: "accuracy %.2f%%", 100 * accuracy), rowLabels: rowLabels,
                                              columnLabels: labels, values: values)],
                             scale: .viridis(range: 0...1), rowAxisTitle: "true class (texts)",
                             columnAxisTitle: "predicted class (share of the row)")
    }
}
