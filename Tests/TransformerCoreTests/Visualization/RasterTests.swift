import Testing
@testable import TransformerCore

@Suite struct RasterTests {
    @Test func rasterImageStoresRowMajorRGB() {
        var image = RasterImage(width: 3, height: 2, background: RGB(red: 1, green: 2, blue: 3))
        #expect(image.pixels == Array([[UInt8]](repeating: [1, 2, 3], count: 6).joined()))
        image[2, 1] = RGB(red: 9, green: 8, blue: 7)
        #expect(Array(image.pixels[15..<18]) == [9, 8, 7])
        #expect(image[2, 1] == RGB(red: 9, green: 8, blue: 7) && image[0, 0] == RGB(red: 1, green: 2, blue: 3))
        image.fill(x: -5, y: -5, width: 100, height: 100, .black)   // clipped, no crash
        #expect(image.pixels.allSatisfy { $0 == 0 })
        image.line(x0: -10, y0: 1, x1: 10, y1: 1, .white)
        #expect((0..<3).allSatisfy { image[$0, 1] == .white } && image[0, 0] == .black)
    }

    @Test func heatmapCellsAreFilledWithTheirScaleColour() {
        let values: [Float] = [0, 0.5, 1, 0.25, 0.75, .nan]
        let figure = HeatmapFigure(title: "raster", panels: [Heatmap(title: "h", rowLabels: ["a", "b"], columnLabels: ["x", "y", "z"], values: values)])
        let layout = HeatmapLayout(figure: figure, typesetting: .raster)
        let image = figure.raster()
        let origin = layout.gridOrigin(0)
        for row in 0..<2 {
            for column in 0..<3 {
                let x = origin.x + column * layout.cell + layout.cell / 2, y = origin.y + row * layout.cell + layout.cell / 2
                #expect(image[x, y] == figure.scale.color(for: values[row * 3 + column]), "cell (\(row), \(column))")
            }
        }
    }

    /// A one-panel figure whose title is wider than its grid: the bold, double-size title must fit (it was
    /// measured 12 px a character but drawn 14 px, so its end was cut off).
    @Test func aLongTitleOnANarrowFigureIsNotClipped() {
        let title = "Encoder attention rollout, layers 1-2: shopping -> oppingshay"
        let figure = HeatmapFigure(title: title, panels: [Heatmap(title: "h", rowLabels: ["a"], columnLabels: ["x"], values: [0.5])])
        let image = figure.raster()
        let drawnWidth = BitmapFont.width(of: title, scale: 2, advance: BitmapFont.advance + 1)
        #expect(image.width > drawnWidth, "image \(image.width) px, title \(drawnWidth) px")
        // The right-most column holds only background: nothing reaches the edge.
        let background = image[image.width - 1, 0]
        #expect((0..<image.height).allSatisfy { image[image.width - 1, $0] == background })
    }

    @Test func theVisibleSpaceSignIsDrawnAsAnUnderscore() {
        #expect(BitmapFont.code(for: "\u{2423}") == UInt8(ascii: "_"))
        #expect(BitmapFont.code(for: "ñ") == BitmapFont.replacement)
    }

    @Test func nonASCIIIsDrawnAsTheReplacementGlyph() {
        func render(_ text: String) -> [UInt8] {
            var image = RasterImage(width: 40, height: 9, background: .white)
            BitmapFont.draw(text, x: 1, y: 1, scale: 1, color: .black, into: &image)
            return image.pixels
        }
        #expect(render("ñ日") == render("??"))
        #expect(render("a\u{7}") == render("a?"))
        #expect(render("ab") != render("a?"))
        #expect(BitmapFont.columns.count == 95 * BitmapFont.glyphWidth, "one glyph per printable ASCII character")
    }

    @Test func everyPrintableGlyphIsDistinct() {
        let glyphs = (0x21...0x7E).map { Array(BitmapFont.columns[(($0 - 0x20) * 5)..<(($0 - 0x20) * 5 + 5)]) }
        #expect(Set(glyphs.map { $0.map(String.init).joined(separator: ",") }).count == glyphs.count)
    }

    @Test func rotatedTextRunsUpwards() {
        var image = RasterImage(width: 12, height: 40, background: .white)
        BitmapFont.draw("I", x: 2, y: 30, scale: 1, color: .black, rotated: true, into: &image)
        // 'I' is a vertical bar in the upright glyph; turned -90 degrees it is a horizontal bar.
        let inked = (0..<40).flatMap { y in (0..<12).compactMap { x in image[x, y] == .black ? (x, y) : nil } }
        #expect(!inked.isEmpty && inked.allSatisfy { $0.1 <= 30 && $0.1 > 24 })
        #expect(Set(inked.map(\.0)).count == 7, "the bar spans the glyph's 7 rows, now horizontal")
    }
}
