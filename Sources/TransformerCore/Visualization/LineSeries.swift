/// One (x, y) point of a chart series, e.g. (training step, loss).
public struct LinePoint: Equatable, Sendable {
    /// Horizontal position, e.g. the step.
    public var x: Double
    /// Vertical position, e.g. the loss.
    public var y: Double

    /// A point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A named sequence of points drawn as one connected line, in the order given.
///
/// Points with a NaN or infinite coordinate (or, on a logarithmic axis, y <= 0) are skipped and the
/// line breaks there; an empty series is named in the legend but draws nothing; a single point is
/// drawn as a dot.
public struct LineSeries: Sendable {
    /// Shown in the legend, e.g. "train" or "validation".
    public var name: String
    /// The points, usually in increasing x.
    public var points: [LinePoint]

    /// A series.
    public init(name: String, points: [LinePoint]) {
        self.name = name
        self.points = points
    }
}

/// One chart of a ``LineFigure``: several series sharing a y axis.
public struct LinePanel: Sendable {
    /// Drawn above the chart, e.g. "loss".
    public var title: String
    /// Title of the y axis, e.g. "cross-entropy (nats)".
    public var yAxisTitle: String
    /// The lines, coloured in order from a fixed 10-colour palette (Tableau 10).
    public var series: [LineSeries]
    /// Whether y is on a log10 scale (for a loss that falls over orders of magnitude).
    public var logarithmicY: Bool

    /// A panel.
    public init(title: String, yAxisTitle: String, series: [LineSeries], logarithmicY: Bool = false) {
        self.title = title
        self.yAxisTitle = yAxisTitle
        self.series = series
        self.logarithmicY = logarithmicY
    }
}
