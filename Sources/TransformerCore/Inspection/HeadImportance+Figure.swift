import Foundation

/// Head importance as a layer x head heatmap: one row per attention and layer ("encoder 1"), one column
/// per head (1-based, unpruned numbering), two panels: the validation-loss increase when the head alone is
/// masked, and the layer-normalised gradient proxy. Each panel is scaled to its largest value (1 = the
/// most important head by that measure; a loss decrease counts as 0); pruned heads are 0.
extension HeadImportance {
    public func figure(title: String, headCount: Int) -> HeatmapFigure {
        var rows: [String] = []
        var index: [String: Int] = [:]
        for head in heads where index["\(head.kind.name) \(head.layer)"] == nil {
            index["\(head.kind.name) \(head.layer)"] = rows.count
            rows.append("\(head.kind.name) \(head.layer + 1)")
        }
        var lossGrid = [Float](repeating: 0, count: rows.count * headCount), gradientGrid = lossGrid
        for head in heads {
            let cell = index["\(head.kind.name) \(head.layer)"]! * headCount + head.head
            lossGrid[cell] = max(0, head.ablatedLoss - baselineLoss)
            gradientGrid[cell] = Float(head.normalizedGradient)
        }
        func scaled(_ grid: [Float]) -> [Float] {
            let top = grid.max() ?? 0
            return top > 0 ? grid.map { $0 / top } : grid
        }
        let columns = (1...max(1, headCount)).map { "head \($0)" }
        return HeatmapFigure(
            title: title,
            panels: [Heatmap(title: String(format: "loss increase when masked (max %.4f nats)", lossGrid.max() ?? 0),
                             rowLabels: rows, columnLabels: columns, values: scaled(lossGrid)),
                     Heatmap(title: "gradient importance E|dL/dξ| (layer-normalised)", rowLabels: rows,
                             columnLabels: columns, values: scaled(gradientGrid))],
            scale: .viridis(range: 0...1), rowAxisTitle: "attention, layer", columnAxisTitle: "head (share of the largest)")
    }
}
