/// Geometry of a ``LineFigure``: panels stacked vertically, each a framed plot area with light grid
/// lines at its ticks, y tick labels and a rotated y axis title on the left, the panel title above and
/// a legend on the right (outside the plot, so it never hides data). x tick labels and the x axis
/// title appear once, under the bottom panel; tick marks and grid lines appear in every panel.
struct LineFigureLayout {
    let figure: LineFigure
    let typesetting: Typesetting

    static let margin = 16
    static let plotWidth = 560, plotHeight = 200
    static let tickLength = 4, gap = 5, panelGap = 18
    /// Extra space between the rotated y axis title and the tick labels (room for descenders).
    static let axisTitleGap = 6
    static let swatchLength = 18
    /// Tableau 10, the colours of series 0, 1, 2, ... (cycling).
    static let palette: [RGB] = [0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf].map { RGB(hex: $0) }

    let xTicks: AxisTicks
    let yTicks: [AxisTicks]
    let plotX: Int
    let legendWidth: Int
    let titleBand: Int, headingBand: Int

    init(figure: LineFigure, typesetting: Typesetting) {
        self.figure = figure
        self.typesetting = typesetting
        let xs = figure.panels.flatMap { panel in Self.drawable(panel).map(\.x) }
        xTicks = AxisTicks.linear(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1, targetCount: 8)
        yTicks = figure.panels.map { panel in
            let ys = Self.drawable(panel).map(\.y)
            return panel.logarithmicY
                ? AxisTicks.logarithmic(minimum: ys.min() ?? 0.1, maximum: ys.max() ?? 1)
                : AxisTicks.linear(minimum: ys.min() ?? 0, maximum: ys.max() ?? 1, targetCount: 5)
        }
        let label = typesetting.label
        headingBand = typesetting.heading.lineHeight + 4
        titleBand = typesetting.title.lineHeight + 8
        let tickLabelWidth = yTicks.reduce(0) { max($0, label.maximumWidth(of: $1.values.map($1.label))) }
        plotX = Self.margin + headingBand + Self.axisTitleGap + tickLabelWidth + Self.gap + Self.tickLength
        let names = figure.panels.flatMap { $0.series.map(\.name) }
        legendWidth = Self.gap * 2 + Self.swatchLength + Self.gap + label.maximumWidth(of: names)
    }

    /// The points of `panel` that can be drawn: finite, and y > 0 on a log axis.
    static func drawable(_ panel: LinePanel) -> [LinePoint] {
        panel.series.flatMap(\.points).filter { isDrawable($0, logarithmic: panel.logarithmicY) }
    }

    static func isDrawable(_ point: LinePoint, logarithmic: Bool) -> Bool {
        point.x.isFinite && point.y.isFinite && (!logarithmic || point.y > 0)
    }

    /// Top of panel `index`'s plot area.
    func plotY(_ index: Int) -> Int {
        Self.margin + titleBand + index * (headingBand + Self.plotHeight + Self.panelGap) + headingBand
    }

    func drawing() -> Drawing {
        let label = typesetting.label
        let count = max(1, figure.panels.count)
        let bottom = plotY(count - 1) + Self.plotHeight
        let xLabelsBottom = bottom + Self.tickLength + label.lineHeight + headingBand + 4
        let width = max(plotX + Self.plotWidth + legendWidth + Self.margin,
                        typesetting.title.width(of: figure.title) + 2 * Self.margin)
        var drawing = Drawing(width: width, height: xLabelsBottom + Self.margin, title: figure.title)
        drawing.text(figure.title, x: Self.margin, y: Self.margin + typesetting.title.lineHeight / 2, style: .title)
        if figure.panels.isEmpty {
            drawing.text("(no panels)", x: plotX, y: plotY(0) + Self.plotHeight / 2)
        }
        for index in figure.panels.indices {
            drawPanel(index, into: &drawing)
        }
        for tick in xTicks.values {   // shared x tick labels under the bottom panel
            let x = plotX + Int((xTicks.fraction(of: tick) * Double(Self.plotWidth)).rounded())
            drawing.text(xTicks.label(tick), x: x, y: bottom + Self.tickLength + label.lineHeight / 2 + 2,
                         anchor: .middle)
        }
        drawing.text(figure.xAxisTitle, x: plotX + Self.plotWidth / 2,
                     y: bottom + Self.tickLength + label.lineHeight + headingBand / 2 + 2, anchor: .middle,
                     style: .heading)
        return drawing
    }

    /// Frame, grid, ticks, series and legend of panel `index`.
    func drawPanel(_ index: Int, into drawing: inout Drawing) {
        let panel = figure.panels[index], y = yTicks[index]
        let top = plotY(index), right = plotX + Self.plotWidth, bottom = top + Self.plotHeight
        func screenX(_ value: Double) -> Double { Double(plotX) + xTicks.fraction(of: value) * Double(Self.plotWidth) }
        func screenY(_ value: Double) -> Double { Double(bottom) - y.fraction(of: value) * Double(Self.plotHeight) }
        drawing.add(.beginGroup(className: "panel", title: panel.title))
        drawing.text(panel.title, x: plotX + Self.plotWidth / 2, y: top - headingBand / 2 - 1, anchor: .middle,
                     style: .heading)
        for tick in xTicks.values {
            let x = Int(screenX(tick).rounded())
            drawing.line(x1: x, y1: top, x2: x, y2: bottom, color: .gridLine)
            drawing.line(x1: x, y1: bottom, x2: x, y2: bottom + Self.tickLength)
        }
        for tick in y.values {
            let tickY = Int(screenY(tick).rounded())
            drawing.line(x1: plotX, y1: tickY, x2: right, y2: tickY, color: .gridLine)
            drawing.line(x1: plotX - Self.tickLength, y1: tickY, x2: plotX, y2: tickY)
            drawing.text(y.label(tick), x: plotX - Self.tickLength - Self.gap, y: tickY, anchor: .end)
        }
        drawing.line(x1: plotX, y1: top, x2: right, y2: top)
        drawing.line(x1: plotX, y1: bottom, x2: right, y2: bottom)
        drawing.line(x1: plotX, y1: top, x2: plotX, y2: bottom)
        drawing.line(x1: right, y1: top, x2: right, y2: bottom)
        drawing.text(panel.yAxisTitle, x: Self.margin + headingBand / 2, y: top + Self.plotHeight / 2,
                     anchor: .middle, rotated: true, style: .heading)
        for (number, series) in panel.series.enumerated() {
            let color = Self.palette[number % Self.palette.count]
            for run in Self.runs(of: series, logarithmic: panel.logarithmicY) {
                let points = run.map { (x: screenX($0.x), y: screenY($0.y)) }
                if points.count == 1 {
                    drawing.rect(x: Int(points[0].x.rounded()) - 2, y: Int(points[0].y.rounded()) - 2,
                                 width: 5, height: 5, fill: color)
                } else {
                    drawing.add(.polyline(points: points, color: color, name: series.name))
                }
            }
            let rowY = top + Self.gap + typesetting.label.lineHeight / 2 + number * typesetting.label.lineHeight
            let swatchX = right + Self.gap * 2
            drawing.rect(x: swatchX, y: rowY - 1, width: Self.swatchLength, height: 3, fill: color)
            drawing.text(series.name, x: swatchX + Self.swatchLength + Self.gap, y: rowY)
        }
        drawing.add(.endGroup)
    }

    /// The unbroken runs of drawable points of `series` (a skipped point ends a run).
    static func runs(of series: LineSeries, logarithmic: Bool) -> [[LinePoint]] {
        var runs: [[LinePoint]] = [], current: [LinePoint] = []
        for point in series.points {
            if isDrawable(point, logarithmic: logarithmic) {
                current.append(point)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }
}
