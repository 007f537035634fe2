/// Small helpers for the tables the commands print.
enum TextFormatting {
    /// 44153866 -> "44,153,866".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// Rows of cells as aligned columns, each line indented by two spaces, columns two spaces apart.
    /// Columns listed in `rightAligned` are padded on the left (numbers); a row may be shorter.
    static func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let columnCount = rows.map(\.count).max() ?? 0
        let widths = (0..<columnCount).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                if rightAligned.contains(column) { return padding + cell }
                return column == row.count - 1 ? cell : cell + padding
            }
            return "  " + cells.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
