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
        let curves = VisualizationFixtures.trainingCurves()
        try write("training.svg", Array(curves.svg().utf8))
        try write("training.png", curves.png())
        let long = (0..<40).map { "token\($0)" }
        let causal = HeatmapFigure(title: "decoder self-attention, layer 0 (causal, 40 tokens)", panels: [
            Heatmap(title: "head 0", rowLabels: long, columnLabels: long,
                    values: VisualizationFixtures.attention(rows: 40, columns: 40, seed: 1, causal: true)),
        ])
        try write("causal-40.png", causal.png())
        try write("causal-40.svg", Array(causal.svg().utf8))
        let page = HeatmapViewerPage(title: "attention viewer", entries: heads.panels.enumerated().map {
            HeatmapViewerPage.Entry(kind: "decoder cross-attention", layer: 2, head: $0.offset, heatmap: $0.element)
        })
        try write("viewer.html", Array(page.html().utf8))
    }
}
