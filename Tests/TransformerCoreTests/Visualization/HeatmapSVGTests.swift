import Foundation
import Testing
@testable import TransformerCore

@Suite struct HeatmapSVGTests {
    @Test func parsesAndHasOneCellPerValueInEachPanel() throws {
        let figure = VisualizationFixtures.threeHeads()
        let document = try SVGDocument(figure.svg())
        #expect(document.elements.first?.name == "svg")
        let panels = document.panels()
        #expect(panels.map(\.title) == ["head 0", "head 1", "head 2"])
        for (panel, heatmap) in zip(panels, figure.panels) {
            #expect(panel.cells.count == heatmap.rows * heatmap.columns)
            for (cell, index) in panel.cells {
                let row = try #require(Int(cell.attributes["data-row"] ?? ""))
                let column = try #require(Int(cell.attributes["data-column"] ?? ""))
                #expect(Float(cell.attributes["data-value"] ?? "") == heatmap[row, column])
                #expect(cell.attributes["fill"] == figure.scale.color(for: heatmap[row, column]).hex)
                let expectedTooltip = "\(heatmap.rowLabels[row]) → \(heatmap.columnLabels[column]): "
                    + String(format: "%.3f", Double(heatmap[row, column]))
                #expect(document.title(of: index) == expectedTooltip)
            }
        }
        let texts = document.texts
        #expect(texts.contains("decoder cross-attention, layer 2"))
        #expect(texts.contains("query") && texts.contains("key"))
        #expect(VisualizationFixtures.sourceTokens.allSatisfy(texts.contains))
        #expect(VisualizationFixtures.targetTokens.allSatisfy(texts.contains))
        #expect(document.elements(named: "rect", class: "legend").count == 1)
        #expect(texts.contains("0.0") && texts.contains("1.0"), "legend tick labels: \(texts.suffix(8))")
    }

    @Test func knownWeightsGiveTheirScaleColours() throws {
        let weights: [Float] = [0, 0.25, 0.5, 0.75, 1, 1.5, -0.2, .nan, .infinity]
        let map = Heatmap(title: "known", rowLabels: ["q"], columnLabels: weights.indices.map { "k\($0)" }, values: weights)
        let scale = ColorScale.viridis()
        let cells = try SVGDocument(HeatmapFigure(title: "t", panels: [map]).svg()).elements(named: "rect", class: "cell")
        #expect(cells.map { $0.attributes["fill"] } == weights.map { scale.color(for: $0).hex })
        #expect(cells[0].attributes["fill"] == "#440154" && cells[4].attributes["fill"] == "#fde725")
        #expect(cells[5].attributes["fill"] == cells[4].attributes["fill"], "above the range clamps to the top")
        #expect(cells[6].attributes["fill"] == cells[0].attributes["fill"], "below the range clamps to the bottom")
        #expect(cells[7].attributes["fill"] == "#808080", "NaN is grey")
        #expect(cells[7].attributes["data-value"] == "nan")
    }

    @Test func causalMapIsDarkAboveTheDiagonal() throws {
        let tokens = ["<s>", "a", "b", "c", "d"]
        let values = VisualizationFixtures.attention(rows: 5, columns: 5, seed: 0, causal: true)
        let figure = HeatmapFigure(title: "causal", panels: [Heatmap(title: "h", rowLabels: tokens, columnLabels: tokens, values: values)])
        let zero = figure.scale.color(for: 0).hex
        for cell in try SVGDocument(figure.svg()).elements(named: "rect", class: "cell") {
            let row = Int(cell.attributes["data-row"] ?? "") ?? -1, column = Int(cell.attributes["data-column"] ?? "") ?? -1
            if column > row { #expect(cell.attributes["fill"] == zero, "(\(row), \(column))") }
            if column == 0 && row == 0 { #expect(cell.attributes["fill"] == figure.scale.color(for: 1).hex) }
        }
    }

    @Test func awkwardLabelsRoundTripThroughTheXMLParser() throws {
        let rows = ["<s>", "a & b", "\"quoted\"", "it's", "ñandú"]
        let columns = ["日本", "</text>", "x>y", "tab\there", "bell\u{7}", ""]
        let map = Heatmap(title: "<head & \"1\">", rowLabels: rows, columnLabels: columns,
                          values: [Float](repeating: 0.3, count: rows.count * columns.count))
        let svg = HeatmapFigure(title: "títle & <more>", panels: [map], rowAxisTitle: "query's", columnAxisTitle: "key\"s").svg()
        let document = try SVGDocument(svg)
        let texts = document.texts
        for label in rows + ["日本", "</text>", "x>y", "tab\there", "<head & \"1\">", "títle & <more>", "query's", "key\"s"] {
            #expect(texts.contains(label), "label \(label.debugDescription) did not round-trip")
        }
        #expect(texts.contains("bell\u{FFFD}"), "a control character is replaced, not dropped")
        #expect(svg.contains("ñandú") && svg.contains("日本"), "non-ASCII stays UTF-8, not character references")
        #expect(document.panels().first?.title == "<head & \"1\">")
    }

    @Test func emptyFiguresAndEmptyMapsStillRender() throws {
        let none = try SVGDocument(HeatmapFigure(title: "nothing", panels: []).svg())
        #expect(none.texts.contains("(no panels)"))
        let zeroRows = Heatmap(title: "zero rows", rowLabels: [], columnLabels: ["a", "b"], values: [])
        let zeroBoth = Heatmap(title: "zero", rowLabels: [], columnLabels: [], values: [])
        let document = try SVGDocument(HeatmapFigure(title: "empty", panels: [zeroRows, zeroBoth]).svg())
        #expect(document.panels().map(\.cells.count) == [0, 0])
        _ = HeatmapFigure(title: "empty", panels: [zeroRows, zeroBoth]).raster()
    }

    @Test func longInputsKeepCellsReadableAndLabelsApart() throws {
        let tokens = (0..<60).map { "token_\($0)" }
        let map = Heatmap(title: "long", rowLabels: tokens, columnLabels: tokens,
                          values: VisualizationFixtures.attention(rows: 60, columns: 60, seed: 2))
        let layout = HeatmapLayout(figure: HeatmapFigure(title: "long", panels: [map]), typesetting: .svg)
        #expect(layout.cell == HeatmapLayout.minimumCell)
        #expect(layout.cell >= Typesetting.svg.label.lineHeight, "rotated column labels are a line apart")
        #expect(layout.rowLabelWidth >= Typesetting.svg.label.width(of: "token_59"))
        #expect(layout.columnLabelHeight >= Typesetting.svg.label.width(of: "token_59"))
        let cells = try SVGDocument(HeatmapFigure(title: "long", panels: [map]).svg()).elements(named: "rect", class: "cell")
        #expect(cells.count == 3600 && cells.allSatisfy { $0.attributes["width"] == "16" && $0.attributes["height"] == "16" })
    }

    @Test func panelsWrapFourPerRow() {
        let map = Heatmap(title: "h", rowLabels: ["a"], columnLabels: ["b"], values: [0.5])
        let layout = HeatmapLayout(figure: HeatmapFigure(title: "t", panels: Array(repeating: map, count: 6)), typesetting: .svg)
        #expect(layout.panelsPerRow == 4 && layout.panelRows == 2)
        #expect(layout.panelOrigin(4).y > layout.panelOrigin(3).y && layout.panelOrigin(4).x == layout.panelOrigin(0).x)
    }

    @Test func identicalRowLabelsAreDrawnOnlyInTheFirstColumnOfPanels() throws {
        let shared = (0..<6).map { Heatmap(title: "head \($0)", rowLabels: ["row-a", "row-b"], columnLabels: ["k"], values: [0.1, 0.9]) }
        let texts = try SVGDocument(HeatmapFigure(title: "t", panels: shared).svg()).texts
        #expect(texts.filter { $0 == "row-a" }.count == 2, "one per row of panels")
        #expect(texts.filter { $0 == "query" }.count == 2)
        #expect(texts.filter { $0 == "key" }.count == 6)
        var different = shared
        different[1].rowLabels = ["row-c", "row-d"]
        let separate = try SVGDocument(HeatmapFigure(title: "t", panels: different).svg()).texts
        #expect(separate.filter { $0 == "row-a" }.count == 5 && separate.filter { $0 == "query" }.count == 6)
    }

    @Test func outputIsDeterministic() {
        #expect(VisualizationFixtures.threeHeads().svg() == VisualizationFixtures.threeHeads().svg())
    }
}
