/// The vertical colour bar next to a heatmap figure: the scale's ramp from its lower value (bottom) to
/// its upper value (top), drawn as a gradient (SVG) or 1 px bands (raster), with "nice" ticks (``AxisTicks``) inside the range and
/// their values to the right. A NaN swatch is not drawn; NaN cells are grey (``ColorScale/notANumberColor``).
struct ColorLegend {
    let scale: ColorScale
    let barHeight: Int
    let metrics: TextMetrics
    static let barWidth = 14
    static let tickLength = 4

    /// "Nice" tick values (1-2-5 steps) inside the scale's range; the ends are labelled only when they
    /// are nice numbers themselves (0...1 gives 0, 0.2, ..., 1; -5...5 gives -4, -2, 0, 2, 4).
    var ticks: [Double] {
        let lower = Double(scale.range.lowerBound), upper = Double(scale.range.upperBound)
        guard lower < upper, lower.isFinite, upper.isFinite else { return [lower] }
        let nice = AxisTicks.linear(minimum: lower, maximum: upper, targetCount: 5)
        let epsilon = nice.step * 1e-9
        return nice.values.filter { $0 >= lower - epsilon && $0 <= upper + epsilon }
    }

    var labels: [String] {
        let lower = Double(scale.range.lowerBound), upper = Double(scale.range.upperBound)
        let step = AxisTicks.linear(minimum: lower, maximum: upper, targetCount: 5).step
        return ticks.map { NumberText.tick($0, step: step) }
    }

    var width: Int { Self.barWidth + Self.tickLength + 3 + metrics.maximumWidth(of: labels) }
    var height: Int { barHeight + metrics.lineHeight }

    /// Draws the bar with its top-left corner at (x, y).
    func draw(x: Int, y: Int, into drawing: inout Drawing) {
        let lower = scale.range.lowerBound, upper = scale.range.upperBound
        drawing.add(.colorRamp(x: x, y: y, width: Self.barWidth, height: barHeight, scale: scale))
        let right = x + Self.barWidth
        drawing.line(x1: x, y1: y, x2: right, y2: y, color: .ink)
        drawing.line(x1: x, y1: y + barHeight, x2: right, y2: y + barHeight, color: .ink)
        for (tick, label) in zip(ticks, labels) {
            let fraction = lower < upper ? (tick - Double(lower)) / Double(upper - lower) : 0.5
            let tickY = y + Int((Double(barHeight) * (1 - fraction)).rounded())
            drawing.line(x1: right, y1: tickY, x2: right + Self.tickLength, y2: tickY, color: .ink)
            drawing.text(label, x: right + Self.tickLength + 3, y: tickY)
        }
    }
}
