/// A figure of one or more heatmaps drawn side by side in a grid (up to 4 per row; e.g. one panel per
/// attention head), sharing one colour scale, with a figure title and a colour legend bar.
///
/// ```swift
/// let head = Heatmap(title: "head 0", rowLabels: ["le", "chat"], columnLabels: ["the", "cat"],
///                    values: [0.9, 0.1,
///                             0.2, 0.8])
/// let figure = HeatmapFigure(title: "decoder cross-attention, layer 2", panels: [head])
/// try figure.svg().write(toFile: "attention.svg", atomically: true, encoding: .utf8)
/// ```
///
/// Layout (``HeatmapLayout``): cells are square, 32 px for small maps shrinking to a minimum of 16 px
/// (the picture grows beyond that); row labels on the left, column labels under the grid rotated
/// -90 degrees, both margins sized from the longest label; the row axis title runs up the left
/// side, the column axis title sits under the column labels. SVG and raster share the layout; the
/// raster draws text with the 5x7 ``BitmapFont`` (non-ASCII characters become '?').
public struct HeatmapFigure: Sendable {
    /// Drawn at the top, e.g. "decoder cross-attention, layer 2".
    public var title: String
    /// The heatmaps, in reading order. May be empty (a figure with only the title and the legend).
    public var panels: [Heatmap]
    /// Maps values to cell colours; also drawn as the legend bar.
    public var scale: ColorScale
    /// Title of the vertical (row) axis, e.g. "query".
    public var rowAxisTitle: String
    /// Title of the horizontal (column) axis, e.g. "key".
    public var columnAxisTitle: String

    /// A figure; by default viridis over 0...1 (attention weights) with axes "query" and "key".
    public init(title: String, panels: [Heatmap], scale: ColorScale = .viridis(), rowAxisTitle: String = "query",
                columnAxisTitle: String = "key") {
        self.title = title
        self.panels = panels
        self.scale = scale
        self.rowAxisTitle = rowAxisTitle
        self.columnAxisTitle = columnAxisTitle
    }

    /// The figure as a standalone SVG document (UTF-8). Each cell is a `<rect class="cell">` with
    /// `data-row`, `data-column`, `data-value` and a `<title>` tooltip "row label → column label: 0.123";
    /// each panel is a `<g class="panel" data-title="...">`.
    public func svg() -> String {
        HeatmapLayout(figure: self, typesetting: .svg).drawing().svg()
    }

    /// The figure drawn into an RGB image, same layout as the SVG but with bitmap-font text.
    public func raster() -> RasterImage {
        HeatmapLayout(figure: self, typesetting: .raster).drawing().raster()
    }

    /// The raster as a PNG file's bytes (``PNGEncoder``).
    public func png() -> [UInt8] {
        PNGEncoder.encode(raster())
    }
}
