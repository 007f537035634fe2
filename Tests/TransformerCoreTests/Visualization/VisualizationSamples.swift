import Foundation
import Testing
@testable import TransformerCore

/// Writes sample pictures for a person to look at, only when VIZ_SAMPLES_DIR names a directory:
/// `VIZ_SAMPLES_DIR=/tmp/viz-samples swift test --filter VisualizationSamples`.
@Suite struct VisualizationSamples {
    static let directory = ProcessInfo.processInfo.environment["VIZ_SAMPLES_DIR"]

    @Test(.enabled(if: directory != nil)) func writeSamples() throws {
        let directory = try #require(Self.directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
        let heads = VisualizationFixtures.threeHeads()
        try write("attention.svg", Array(heads.svg().utf8))
        try write("attention.png", heads.png())
        try write("attention.rgb", heads.raster().pixels)   // raw RGB8, to compare with another decoder
        let curves = VisualizationFixtures.trainingCurves()
        try write("training.svg", Array(curves.svg().utf8))
        try write("training.png", curves.png())
        try write("training.rgb", curves.raster().pixels)
        let long = (0..<40).map { "token\($0)" }
        let causal = HeatmapFigure(title: "decoder self-attention, layer 0 (causal, 40 tokens)", panels: [
            Heatmap(title: "head 0", rowLabels: long, columnLabels: long,
                    values: VisualizationFixtures.attention(rows: 40, columns: 40, seed: 1, causal: true)),
        ])
        try write("causal-40.png", causal.png())
        try write("causal-40.svg", Array(causal.svg().utf8))
        let words = ["<s>", "internationalization", "ñandú", "日本語", "a&b", "x"]
        let eight = HeatmapFigure(title: "encoder self-attention, layer 5 — 8 heads", panels: (0..<8).map { head in
            Heatmap(title: "head \(head)", rowLabels: words, columnLabels: words,
                    values: VisualizationFixtures.attention(rows: 6, columns: 6, seed: head))
        })
        try write("eight-heads.png", eight.png())
        try write("eight-heads.svg", Array(eight.svg().utf8))
        try write("edge-no-panels.png", HeatmapFigure(title: "no panels", panels: []).png())
        try write("edge-one-cell.png", HeatmapFigure(title: "", panels: [Heatmap(title: "", rowLabels: [""], columnLabels: [""], values: [0.5])],
                                                     scale: .viridis(range: -5...5)).png())
        try write("edge-empty-lines.png", LineFigure(title: "empty", xAxisTitle: "step", panels: [
            LinePanel(title: "nothing", yAxisTitle: "loss", series: [LineSeries(name: "train", points: [])], logarithmicY: true),
        ]).png())
        var entries = heads.panels.enumerated().map {
            HeatmapViewerPage.Entry(kind: "decoder cross-attention", layer: 2, head: $0.offset, heatmap: $0.element)
        }
        let average = Heatmap(title: "mean of heads", rowLabels: heads.panels[0].rowLabels, columnLabels: heads.panels[0].columnLabels,
                              values: heads.panels[0].values.indices.map { i in heads.panels.map { $0.values[i] }.reduce(0, +) / 3 })
        entries.append(HeatmapViewerPage.Entry(kind: "decoder cross-attention", layer: 2, head: nil, heatmap: average))
        let source = VisualizationFixtures.sourceTokens + ["</script><b>x</b>"]
        for layer in 0..<2 {
            for head in 0..<2 {
                entries.append(HeatmapViewerPage.Entry(kind: "encoder self-attention", layer: layer, head: head, heatmap: Heatmap(
                    title: "encoder layer \(layer) head \(head)", rowLabels: source, columnLabels: source,
                    values: VisualizationFixtures.attention(rows: source.count, columns: source.count, seed: layer * 2 + head))))
            }
        }
        entries.append(HeatmapViewerPage.Entry(kind: "rollout", layer: 1, head: nil, heatmap: Heatmap(
            title: "encoder rollout", rowLabels: source, columnLabels: source,
            values: VisualizationFixtures.attention(rows: source.count, columns: source.count, seed: 9))))
        let page = HeatmapViewerPage(title: "attention viewer", entries: entries)
        try write("viewer.html", Array(page.html().utf8))
    }
}
