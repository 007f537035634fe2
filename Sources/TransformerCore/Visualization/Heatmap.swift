/// One matrix of values to draw as coloured cells, with a label per row and per column; for attention,
/// rows are queries, columns are keys and `values[q * columns + k]` is the weight query q gives key k.
public struct Heatmap: Sendable {
    /// Drawn above the panel, e.g. "head 3".
    public var title: String
    /// One label per row (e.g. the query tokens), drawn left of the grid.
    public var rowLabels: [String]
    /// One label per column (e.g. the key tokens), drawn under the grid, rotated.
    public var columnLabels: [String]
    /// [rows, columns] row-major.
    public var values: [Float]

    /// A heatmap; precondition: `values.count == rowLabels.count * columnLabels.count`. Zero rows or
    /// columns are allowed (an empty grid is drawn).
    public init(title: String, rowLabels: [String], columnLabels: [String], values: [Float]) {
        precondition(values.count == rowLabels.count * columnLabels.count,
                     "heatmap '\(title)': \(values.count) values for [\(rowLabels.count), \(columnLabels.count)] labels")
        self.title = title
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
    }

    /// Number of rows (row labels).
    public var rows: Int { rowLabels.count }
    /// Number of columns (column labels).
    public var columns: Int { columnLabels.count }

    /// The value at (`row`, `column`): `values[row * columns + column]`.
    public subscript(row: Int, column: Int) -> Float {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                     "heatmap index (\(row), \(column)) outside [\(rows), \(columns)]")
        return values[row * columns + column]
    }
}
