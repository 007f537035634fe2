import Foundation
import Testing
@testable import TransformerCore

/// ``ImageAttentionReport`` (the [CLS] rows and the rollout of a Vision Transformer) and
/// ``ImageOverlayFigure`` (heatmaps blended over the image).
@Suite struct ImageAttentionTests {
    static func image(seed: UInt64) -> PixelImage {
        let g = SeededGenerator(seed: seed)
        return PixelImage(width: 8, height: 8, channels: 1, pixels: (0..<64).map { _ in UInt8(g.nextIndex(below: 256)) })
    }

    @Test func classRowsAreTheCLSQueryOverThePatchesAndTheRolloutMatchesByHand() throws {
        let vit = try VisionTransformerTests.model(seed: 3, layers: 2)
        let image = Self.image(seed: 4)
        let report = ImageAttentionReport(model: vit, labels: ["a", "b", "c"], image: image)
        #expect(report.grid == 2 && report.layerCount == 2 && report.classRows.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.count == 4 } })
        let weights = vit.inferring { vit.forward(ImagePreprocessor(vit.configuration).pixels([image])).weights }   // [1, H, 5, 5]
        for (l, w) in weights.enumerated() {
            for h in 0..<2 { expectClose(report.classRows[l][h], Array(w.scalars[(h * 25 + 1)..<(h * 25 + 5)]), tolerance: Tolerance.exact) }
        }
        let means = weights.map { w in (0..<25).map { i in (w.scalars[i] + w.scalars[25 + i]) / 2 } }
        let rolled = AttentionRollout.rollout(meanOfHeads: means, size: 5)
        expectClose(report.rollout, Array(rolled[1..<5]), tolerance: Tolerance.exact)
        #expect(["a", "b", "c"].contains(report.label) && report.probability > 1 / 3 - Tolerance.exact)
    }

    @Test func overlayBlendsEachPatchWithItsColour() throws {
        let image = PixelImage(width: 4, height: 4, channels: 1, pixels: [UInt8](repeating: 100, count: 16))
        let scale = ColorScale(range: 0...1, stops: [RGB(red: 0, green: 0, blue: 0), RGB(red: 255, green: 0, blue: 0)])
        let figure = ImageOverlayFigure(title: "t", image: image, grid: 2, panels: [OverlayPanel(title: "p", values: [0, 1, 0, 0])],
                                        scale: scale, opacity: 0.5)
        let panel = figure.panelRaster(figure.panels[0])
        #expect(panel.width == 4 * figure.zoom && panel.height == 4 * figure.zoom)
        #expect(panel[0, 0] == RGB(red: 50, green: 50, blue: 50))                                   // 0.5 * 100 + 0.5 * black
        #expect(panel[3 * figure.zoom, 0] == RGB(red: 178, green: 50, blue: 50))                    // (100 + 255) / 2 rounded
        let svg = figure.svg()
        #expect(svg.contains("<g class=\"panel\" data-title=\"p\">") && svg.contains("<image ") && svg.contains("data:image/png;base64,"))
        let png = figure.png()
        #expect(png.starts(with: PNGEncoder.signature))
        let decoded = try PNGDecoder.decode(png)
        #expect(decoded.width == figure.raster().width && decoded.height == figure.raster().height)
    }
}
