import Foundation
@testable import TransformerCore

/// Hand-built inputs shared by the visualization tests.
enum VisualizationFixtures {
    /// A deterministic attention-like map: row-softmax of a fixed pattern, causal if asked (weights
    /// above the diagonal exactly 0), every row summing to 1.
    static func attention(rows: Int, columns: Int, seed: Int, causal: Bool = false) -> [Float] {
        var values: [Float] = []
        for row in 0..<rows {
            var scores: [Float] = (0..<columns).map { column in
                let diagonal: Float = column == row % max(1, columns) ? 2.5 : 0
                let ripple = Float((row * 7 + column * 13 + seed * 5) % 11) / 5
                return diagonal + ripple
            }
            if causal { for column in 0..<columns where column > row { scores[column] = -.infinity } }
            let largest = scores.max() ?? 0
            let exponentials = scores.map { exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            values += exponentials.map { $0 / total }
        }
        return values
    }

    static let sourceTokens = ["<s>", "the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "</s>"]
    static let targetTokens = ["<s>", "ethay", "uickqay", "ownbray", "oxfay", "umpsjay", "overway", "ethay"]

    /// Three heads of cross-attention, target tokens as queries, source tokens as keys.
    static func threeHeads() -> HeatmapFigure {
        let panels = (0..<3).map { head in
            Heatmap(title: "head \(head)", rowLabels: targetTokens, columnLabels: sourceTokens,
                    values: attention(rows: targetTokens.count, columns: sourceTokens.count, seed: head))
        }
        return HeatmapFigure(title: "decoder cross-attention, layer 2", panels: panels)
    }

    /// A loss panel (train and validation, log y) over a learning-rate panel.
    static func trainingCurves() -> LineFigure {
        let train = (0...60).map { step in LinePoint(x: Double(step * 50), y: 4.2 * exp(-Double(step) / 15) + 0.05) }
        let validation = (0...6).map { epoch in LinePoint(x: Double(epoch * 500), y: 4.0 * exp(-Double(epoch) / 1.6) + 0.12) }
        let rate = (0...60).map { step -> LinePoint in
            let s = Double(max(1, step * 50)), warmup = 400.0
            return LinePoint(x: Double(step * 50), y: 0.0007 * min(pow(s, -0.5) * pow(warmup, 0.5), s / warmup))
        }
        return LineFigure(title: "pig-latin training run", xAxisTitle: "step", panels: [
            LinePanel(title: "loss", yAxisTitle: "cross-entropy",
                      series: [LineSeries(name: "train", points: train), LineSeries(name: "validation", points: validation)],
                      logarithmicY: true),
            LinePanel(title: "learning rate", yAxisTitle: "lr", series: [LineSeries(name: "lr", points: rate)]),
        ])
    }
}
