/// Line charts stacked vertically and sharing one x axis, e.g. a training run's loss (train and
/// validation) above its learning rate, both against the step.
///
/// ```swift
/// let loss = LinePanel(title: "loss", yAxisTitle: "cross-entropy",
///                      series: [LineSeries(name: "train", points: trainPoints),
///                               LineSeries(name: "validation", points: validationPoints)],
///                      logarithmicY: true)
/// let rate = LinePanel(title: "learning rate", yAxisTitle: "lr", series: [LineSeries(name: "lr", points: lrPoints)])
/// let png = LineFigure(title: "pig-latin run", xAxisTitle: "step", panels: [loss, rate]).png()
/// ```
///
/// Axes use "nice" ticks (1, 2, 5 times a power of ten; powers of ten on log axes) that cover every
/// finite point; the x range is shared by all panels. Each panel has a legend (top right) naming its
/// series with their colours. NaN and infinite values are skipped (see ``LineSeries``).
public struct LineFigure: Sendable {
    /// Drawn at the top.
    public var title: String
    /// Title of the shared x axis, written under the bottom panel, e.g. "step".
    public var xAxisTitle: String
    /// Charts from top to bottom.
    public var panels: [LinePanel]

    /// A figure.
    public init(title: String, xAxisTitle: String, panels: [LinePanel]) {
        self.title = title
        self.xAxisTitle = xAxisTitle
        self.panels = panels
    }

    /// The figure as a standalone SVG document (UTF-8); each series is a `<polyline class="series"
    /// data-name="...">` (one per unbroken run of points).
    public func svg() -> String {
        LineFigureLayout(figure: self, typesetting: .svg).drawing().svg()
    }

    /// The figure drawn into an RGB image, same layout as the SVG but with bitmap-font text.
    public func raster() -> RasterImage {
        LineFigureLayout(figure: self, typesetting: .raster).drawing().raster()
    }

    /// The raster as a PNG file's bytes (``PNGEncoder``).
    public func png() -> [UInt8] {
        PNGEncoder.encode(raster())
    }
}
