import Foundation
import Testing
@testable import TransformerCore

@Suite struct LineFigureTests {
    @Test(arguments: [
        (0.0, 1.0), (0.013, 0.98), (-3.7, 12.2), (1.0, 3001.0), (0.5, 0.5), (-2.0, -2.0), (1e-7, 3e-7), (1234.5, 1234.9),
    ])
    func linearTicksAreNiceAndCoverTheData(minimum: Double, maximum: Double) {
        let ticks = AxisTicks.linear(minimum: minimum, maximum: maximum)
        #expect(ticks.lower <= minimum && ticks.upper >= maximum)
        #expect(ticks.values.first == ticks.lower && ticks.values.last == ticks.upper)
        #expect((3...12).contains(ticks.values.count), "\(ticks.values)")
        let mantissa = ticks.step / pow(10, log10(ticks.step).rounded(.down))
        #expect([1, 2, 5, 10].contains { abs($0 - mantissa) < 1e-9 }, "step \(ticks.step)")
        for (a, b) in zip(ticks.values, ticks.values.dropFirst()) { #expect(abs(b - a - ticks.step) < ticks.step * 1e-9) }
        #expect(Set(ticks.values.map(ticks.label)).count == ticks.values.count, "labels distinct: \(ticks.values.map(ticks.label))")
    }

    @Test(arguments: [(0.05, 4.3), (2.3, 4.5), (1e-4, 10.0), (0.7, 0.9), (3.0, 3.0), (1e-9, 1e9)])
    func logarithmicTicksCoverTheData(minimum: Double, maximum: Double) {
        let ticks = AxisTicks.logarithmic(minimum: minimum, maximum: maximum)
        #expect(ticks.lower <= minimum && ticks.upper >= maximum, "\(ticks.values)")
        #expect(ticks.values.count >= 3 && ticks.values.count <= 12, "\(ticks.values)")
        #expect(zip(ticks.values, ticks.values.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func logarithmicTicksWithinADecadeUseAllMantissas() {
        #expect(AxisTicks.logarithmic(minimum: 2.3, maximum: 4.5).values == [2, 3, 4, 5])
        #expect(AxisTicks.logarithmic(minimum: 0.12, maximum: 4.3).values == [0.1, 0.2, 0.5, 1, 2, 5])
        #expect(AxisTicks.logarithmic(minimum: 0.7, maximum: 0.9).values == [0.7, 0.8, 0.9])
        #expect(AxisTicks.logarithmic(minimum: 0.05, maximum: 4.3).values == [0.01, 0.1, 1, 10])
        #expect(AxisTicks.logarithmic(minimum: 1e-4, maximum: 10).values == [1e-4, 1e-3, 1e-2, 0.1, 1, 10])
    }

    @Test func svgParsesAndHasTheSeriesLegendAndAxisTitles() throws {
        let figure = VisualizationFixtures.trainingCurves()
        let document = try SVGDocument(figure.svg())
        let texts = document.texts
        for text in ["pig-latin training run", "step", "loss", "learning rate", "train", "validation", "lr", "cross-entropy"] {
            #expect(texts.contains(text), "\(text)")
        }
        let series = document.elements(named: "polyline", class: "series").map { $0.attributes["data-name"] ?? "" }
        #expect(series == ["train", "validation", "lr"])
        #expect(texts.contains("0") && texts.contains("3000"), "x ticks cover 0...3000")
        #expect(texts.contains("5") && texts.contains("0.1"), "log-y ticks cover 0.12...4.25")
    }

    @Test func figureTicksCoverEverySeriesOnBothAxes() {
        let figure = VisualizationFixtures.trainingCurves()
        let layout = LineFigureLayout(figure: figure, typesetting: .svg)
        for (panel, y) in zip(figure.panels, layout.yTicks) {
            #expect(y.logarithmic == panel.logarithmicY)
            for point in panel.series.flatMap(\.points) {
                #expect(layout.xTicks.lower <= point.x && point.x <= layout.xTicks.upper)
                #expect(y.lower <= point.y && point.y <= y.upper, "\(panel.title): \(point.y) outside \(y.lower)...\(y.upper)")
            }
        }
    }

    @Test func pointsStayInsideTheirPlotArea() throws {
        let figure = VisualizationFixtures.trainingCurves()
        let layout = LineFigureLayout(figure: figure, typesetting: .svg)
        for command in layout.drawing().commands {
            guard case let .polyline(points, _, _) = command else { continue }
            for point in points {
                #expect(Double(layout.plotX) - 0.5 <= point.x && point.x <= Double(layout.plotX + LineFigureLayout.plotWidth) + 0.5)
            }
        }
    }

    @Test func degenerateSeriesDoNotCrash() throws {
        let panels = [
            LinePanel(title: "empty", yAxisTitle: "y", series: [LineSeries(name: "none", points: [])]),
            LinePanel(title: "one point", yAxisTitle: "y", series: [LineSeries(name: "dot", points: [LinePoint(x: 3, y: 2)])]),
            LinePanel(title: "gaps", yAxisTitle: "y", series: [LineSeries(name: "gappy", points: [
                LinePoint(x: 0, y: 1), LinePoint(x: 1, y: .nan), LinePoint(x: 2, y: 3), LinePoint(x: 3, y: 4),
                LinePoint(x: .infinity, y: 1), LinePoint(x: 5, y: -.infinity),
            ])]),
            LinePanel(title: "log with zero", yAxisTitle: "y", series: [LineSeries(name: "z", points: [
                LinePoint(x: 0, y: 0), LinePoint(x: 1, y: 0.5), LinePoint(x: 2, y: -1), LinePoint(x: 3, y: 0.25),
            ])], logarithmicY: true),
            LinePanel(title: "no series", yAxisTitle: "y", series: []),
        ]
        let figure = LineFigure(title: "degenerate", xAxisTitle: "x", panels: panels)
        let document = try SVGDocument(figure.svg())
        let series = document.elements(named: "polyline", class: "series").map { $0.attributes["data-name"] ?? "" }
        #expect(series == ["gappy"], "runs of 2+ points become polylines: \(series)")
        #expect(document.texts.contains("none") && document.texts.contains("dot"), "legend names every series")
        let image = figure.raster()
        #expect(image.width > 0 && image.height > 0)
        _ = try SVGDocument(LineFigure(title: "no panels", xAxisTitle: "x", panels: []).svg())
        _ = LineFigure(title: "no panels", xAxisTitle: "x", panels: []).png()
    }

    @Test func runsBreakAtSkippedPoints() {
        let series = LineSeries(name: "s", points: [LinePoint(x: 0, y: 1), LinePoint(x: 1, y: .nan), LinePoint(x: 2, y: 2),
                                                    LinePoint(x: 3, y: 3), LinePoint(x: 4, y: 0)])
        #expect(LineFigureLayout.runs(of: series, logarithmic: false).map(\.count) == [1, 3])
        #expect(LineFigureLayout.runs(of: series, logarithmic: true).map(\.count) == [1, 2])
    }
}
