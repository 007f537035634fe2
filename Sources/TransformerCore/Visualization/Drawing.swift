/// A picture as a list of primitive drawing commands in pixel coordinates (origin top-left, y down),
/// produced once by a layout (``HeatmapLayout``, ``LineFigureLayout``) and then rendered either as SVG
/// (``Drawing/svg()``) or into a ``RasterImage`` (``Drawing/raster()``), so both outputs share every
/// position and colour.
struct Drawing: Sendable {
    /// Size of the picture in pixels.
    var width: Int
    var height: Int
    /// Used as the SVG document `<title>`.
    var title: String
    /// In painting order (later commands paint over earlier ones).
    var commands: [DrawingCommand] = []

    mutating func add(_ command: DrawingCommand) { commands.append(command) }

    mutating func rect(x: Int, y: Int, width: Int, height: Int, fill: RGB, cell: CellInfo? = nil) {
        commands.append(.rect(x: x, y: y, width: width, height: height, fill: fill, cell: cell))
    }

    mutating func line(x1: Int, y1: Int, x2: Int, y2: Int, color: RGB = .ink, dashed: Bool = false) {
        commands.append(.line(x1: x1, y1: y1, x2: x2, y2: y2, color: color, dashed: dashed))
    }

    mutating func text(_ text: String, x: Int, y: Int, anchor: TextAnchor = .start, rotated: Bool = false,
                       style: TextStyle = .label, color: RGB = .ink) {
        commands.append(.text(TextPlacement(text: text, x: x, y: y, anchor: anchor, rotated: rotated,
                                            style: style, color: color)))
    }
}

/// One primitive.
enum DrawingCommand: Sendable {
    /// A filled rectangle; `cell` marks a heatmap cell (SVG: class="cell", data attributes, tooltip).
    case rect(x: Int, y: Int, width: Int, height: Int, fill: RGB, cell: CellInfo?)
    /// A 1 px line, solid or dashed.
    case line(x1: Int, y1: Int, x2: Int, y2: Int, color: RGB, dashed: Bool)
    /// A connected 2 px-wide line through `points` (a chart series); `name` becomes the SVG class.
    case polyline(points: [(x: Double, y: Double)], color: RGB, name: String)
    /// A vertical colour bar: `scale`'s upper end at the top, lower end at the bottom.
    case colorRamp(x: Int, y: Int, width: Int, height: Int, scale: ColorScale)
    /// A picture drawn at (x, y), one image pixel per picture pixel (SVG: an embedded PNG).
    case image(x: Int, y: Int, RasterImage)
    /// A short text run.
    case text(TextPlacement)
    /// Opens an SVG `<g class="...">` group with a `data-title`; ignored by the raster renderer.
    case beginGroup(className: String, title: String)
    /// Closes the innermost group.
    case endGroup
}

/// What a heatmap cell carries besides its colour: its value and the labels it joins.
struct CellInfo: Sendable {
    var row: Int
    var column: Int
    var value: Float
    /// e.g. "query → key: 0.123".
    var tooltip: String
}

/// A text run. `y` is the vertical centre of the text for horizontal text; for rotated text (turned
/// -90 degrees, reading bottom to top) `x` is the horizontal centre and `y` the point the anchor refers
/// to along the (now vertical) text direction.
struct TextPlacement: Sendable {
    var text: String
    var x: Int
    var y: Int
    var anchor: TextAnchor
    var rotated: Bool
    var style: TextStyle
    var color: RGB
}

/// Horizontal alignment of a text run relative to its anchor point (SVG `text-anchor`).
enum TextAnchor: String, Sendable {
    case start, middle, end
}
