/// Geometry of a ``HeatmapFigure``: where every panel, cell, label and the legend go, in pixels.
///
/// ```
///  margin
///  [ figure title                                             ]
///  [ panel 0 box ][ panel 1 box ][ panel 2 box ][ panel 3 box ] [legend]
///  [ panel 4 box ] ...
///
///  panel box:  panel title (centred over the grid)
///     a  row    +-----------+
///     x  labels |   grid    |    rows * cell tall, columns * cell wide
///     i         +-----------+
///     s         column labels (rotated, reading upwards)
///               column axis title
/// ```
/// All panel boxes have the same size (the largest panel's needs), so grids line up across the figure.
/// When every panel has the same row labels (the usual case: one panel per head of one sentence),
/// only the panels in the first column draw the row labels and the row axis title, and the other
/// boxes leave that margin out, as a shared y axis does.
struct HeatmapLayout {
    let figure: HeatmapFigure
    let typesetting: Typesetting

    static let margin = 16
    /// Space between a label and the grid.
    static let labelGap = 5
    /// Extra space between the rotated row axis title and the row labels (room for descenders).
    static let axisTitleGap = 6
    /// Space between neighbouring panel boxes.
    static let panelGap = 24
    static let maximumPanelsPerRow = 4
    static let minimumCell = 16, maximumCell = 32
    /// The cell side is `cellBudget / max(rows, columns)`, clamped to minimumCell...maximumCell.
    static let cellBudget = 320

    /// Side of a square cell, shared by all panels.
    let cell: Int
    /// Largest grid across panels, in cells.
    let maximumRows: Int, maximumColumns: Int
    let rowLabelWidth: Int, columnLabelHeight: Int
    let panelsPerRow: Int, panelRows: Int
    /// Size of a panel box, not counting the row-label margin.
    let panelWidth: Int, panelHeight: Int
    /// Width of the row-label margin: the rotated row axis title, a gap and the row labels.
    let rowLabelMargin: Int
    /// Whether only first-column panels draw row labels (all panels have identical row labels).
    let sharesRowLabels: Bool
    let titleBand: Int, headingBand: Int
    let legend: ColorLegend

    init(figure: HeatmapFigure, typesetting: Typesetting) {
        self.figure = figure
        self.typesetting = typesetting
        let label = typesetting.label, heading = typesetting.heading
        maximumRows = figure.panels.map(\.rows).max() ?? 0
        maximumColumns = figure.panels.map(\.columns).max() ?? 0
        cell = max(Self.minimumCell, min(Self.maximumCell, Self.cellBudget / max(1, maximumRows, maximumColumns)))
        rowLabelWidth = label.maximumWidth(of: figure.panels.flatMap(\.rowLabels)) + Self.labelGap
        columnLabelHeight = label.maximumWidth(of: figure.panels.flatMap(\.columnLabels)) + Self.labelGap
        headingBand = heading.lineHeight + 4
        titleBand = typesetting.title.lineHeight + 8
        panelsPerRow = max(1, min(Self.maximumPanelsPerRow, figure.panels.count))
        panelRows = (figure.panels.count + panelsPerRow - 1) / panelsPerRow
        let gridWidth = maximumColumns * cell
        let widestPanelTitle = heading.maximumWidth(of: figure.panels.map(\.title))
        let axisTitles = max(heading.width(of: figure.columnAxisTitle), widestPanelTitle)
        rowLabelMargin = headingBand + Self.axisTitleGap + rowLabelWidth
        panelWidth = max(gridWidth, axisTitles) + Self.panelGap
        sharesRowLabels = figure.panels.count > 1 && figure.panels.allSatisfy { $0.rowLabels == figure.panels[0].rowLabels }
        panelHeight = headingBand + maximumRows * cell + columnLabelHeight + headingBand + Self.panelGap / 2
        legend = ColorLegend(scale: figure.scale, barHeight: max(120, min(400, maximumRows * cell)),
                             metrics: label)
    }

    /// Whether panel `index` draws its row labels and the row axis title.
    func drawsRowLabels(_ index: Int) -> Bool {
        !sharesRowLabels || index % panelsPerRow == 0
    }

    /// Top-left corner of panel `index`'s box.
    func panelOrigin(_ index: Int) -> (x: Int, y: Int) {
        let column = index % panelsPerRow
        let margins = sharesRowLabels ? (column == 0 ? 0 : 1) : column   // row-label margins to the left
        return (Self.margin + column * panelWidth + margins * rowLabelMargin,
                Self.margin + titleBand + (index / panelsPerRow) * panelHeight)
    }

    /// Top-left corner of panel `index`'s grid.
    func gridOrigin(_ index: Int) -> (x: Int, y: Int) {
        let origin = panelOrigin(index)
        return (origin.x + (drawsRowLabels(index) ? rowLabelMargin : 0), origin.y + headingBand)
    }

    /// The whole figure.
    func drawing() -> Drawing {
        let panelsRight = Self.margin + panelsPerRow * panelWidth + (sharesRowLabels ? 1 : panelsPerRow) * rowLabelMargin
        let legendX = panelsRight + 4, legendY = Self.margin + titleBand + headingBand
        let width = max(legendX + legend.width + Self.margin,
                        typesetting.title.width(of: figure.title) + 2 * Self.margin)
        let height = max(Self.margin + titleBand + max(1, panelRows) * panelHeight,
                         legendY + legend.height) + Self.margin
        var drawing = Drawing(width: width, height: height, title: figure.title)
        drawing.text(figure.title, x: Self.margin, y: Self.margin + typesetting.title.lineHeight / 2,
                     style: .title)
        if figure.panels.isEmpty {
            drawing.text("(no panels)", x: Self.margin, y: Self.margin + titleBand + headingBand / 2)
        }
        for index in figure.panels.indices {
            drawPanel(index, into: &drawing)
        }
        legend.draw(x: legendX, y: legendY, into: &drawing)
        return drawing
    }

    /// One panel: title, cells, grid frame, labels, axis titles.
    func drawPanel(_ index: Int, into drawing: inout Drawing) {
        let panel = figure.panels[index]
        let (gridX, gridY) = gridOrigin(index)
        let gridWidth = panel.columns * cell, gridHeight = panel.rows * cell
        let half = cell / 2
        drawing.add(.beginGroup(className: "panel", title: panel.title))
        // Titles are centred over the grid, or over their own width when wider (the box has room for it).
        let heading = typesetting.heading
        drawing.text(panel.title, x: gridX + max(gridWidth, heading.width(of: panel.title)) / 2,
                     y: gridY - headingBand / 2 - 1, anchor: .middle, style: .heading)
        for row in 0..<panel.rows {
            for column in 0..<panel.columns {
                let value = panel[row, column]
                let tooltip = "\(panel.rowLabels[row]) → \(panel.columnLabels[column]): \(NumberText.fixed(Double(value), decimals: 3))"
                drawing.rect(x: gridX + column * cell, y: gridY + row * cell, width: cell, height: cell,
                             fill: figure.scale.color(for: value),
                             cell: CellInfo(row: row, column: column, value: value, tooltip: tooltip))
            }
        }
        if panel.rows > 0 && panel.columns > 0 {   // a thin frame around the grid
            let right = gridX + gridWidth, bottom = gridY + gridHeight
            drawing.line(x1: gridX, y1: gridY, x2: right, y2: gridY, color: .gridLine)
            drawing.line(x1: gridX, y1: bottom, x2: right, y2: bottom, color: .gridLine)
            drawing.line(x1: gridX, y1: gridY, x2: gridX, y2: bottom, color: .gridLine)
            drawing.line(x1: right, y1: gridY, x2: right, y2: bottom, color: .gridLine)
        }
        for (row, label) in panel.rowLabels.enumerated() where drawsRowLabels(index) {
            drawing.text(label, x: gridX - Self.labelGap, y: gridY + row * cell + half, anchor: .end)
        }
        for (column, label) in panel.columnLabels.enumerated() {
            drawing.text(label, x: gridX + column * cell + half, y: gridY + gridHeight + Self.labelGap,
                         anchor: .end, rotated: true)
        }
        let axisY = gridY + gridHeight + columnLabelHeight + headingBand / 2
        drawing.text(figure.columnAxisTitle, x: gridX + max(gridWidth, heading.width(of: figure.columnAxisTitle)) / 2,
                     y: axisY, anchor: .middle, style: .heading)
        if drawsRowLabels(index) {
            drawing.text(figure.rowAxisTitle, x: gridX - rowLabelWidth - Self.axisTitleGap - headingBand / 2,
                         y: gridY + gridHeight / 2, anchor: .middle, rotated: true, style: .heading)
        }
        drawing.add(.endGroup)
    }
}
