import Foundation

/// SVG output of a ``Drawing``.
///
/// One element per line, integer coordinates (polyline points with one decimal), a white background
/// rectangle first. Text is in a monospace font (see ``Typesetting/svg``), every string escaped by
/// ``XMLEscaping``. Heatmap cells are `<rect class="cell" data-row data-column data-value fill>` with a
/// `<title>` child (the browser's tooltip) such as "le → the: 0.912"; `data-value` is the exact Float
/// (shortest round-trip text, "nan" for NaN).
extension Drawing {
    /// The SVG document (UTF-8 text, LF line endings, trailing newline).
    func svg() -> String {
        var lines: [String] = []
        lines.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        lines.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" "
            + "font-size=\"\(Typesetting.svg.label.fontSize)\" fill=\"\(RGB.ink.hex)\">")
        lines.append("<title>\(XMLEscaping.escaped(title))</title>")
        lines.append("<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>")
        for command in commands {
            lines.append(Self.element(command))
        }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One command as one line of SVG.
    static func element(_ command: DrawingCommand) -> String {
        switch command {
        case let .rect(x, y, width, height, fill, cell):
            let geometry = "x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" fill=\"\(fill.hex)\""
            guard let cell else { return "<rect \(geometry)/>" }
            return "<rect class=\"cell\" \(geometry) data-row=\"\(cell.row)\" data-column=\"\(cell.column)\" "
                + "data-value=\"\(NumberText.exact(cell.value))\"><title>\(XMLEscaping.escaped(cell.tooltip))</title></rect>"
        case let .line(x1, y1, x2, y2, color, dashed):
            return "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"\(color.hex)\" stroke-width=\"1\""
                + (dashed ? " stroke-dasharray=\"3 3\"/>" : "/>")
        case let .polyline(points, color, name):
            let list = points.map { "\(NumberText.fixed($0.x, decimals: 1)),\(NumberText.fixed($0.y, decimals: 1))" }
            return "<polyline class=\"series\" data-name=\"\(XMLEscaping.escaped(name))\" fill=\"none\" "
                + "stroke=\"\(color.hex)\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"\(list.joined(separator: " "))\"/>"
        case let .colorRamp(x, y, width, height, scale):
            // Gradient from the bottom (offset 0 = lower bound) to the top; ids are unique per ramp position.
            let id = "ramp-\(x)-\(y)"
            let count = scale.stops.count
            let stops = scale.stops.enumerated().map { index, color in
                "<stop offset=\"\(NumberText.fixed(Double(index) / Double(count - 1), decimals: 4))\" stop-color=\"\(color.hex)\"/>"
            }
            return "<defs><linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\(stops.joined())</linearGradient></defs>"
                + "<rect class=\"legend\" x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" fill=\"url(#\(id))\"/>"
        case let .image(x, y, picture):
            let data = Data(PNGEncoder.encode(picture)).base64EncodedString()
            return "<image x=\"\(x)\" y=\"\(y)\" width=\"\(picture.width)\" height=\"\(picture.height)\" "
                + "style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(data)\"/>"
        case let .text(placement):
            return textElement(placement)
        case let .beginGroup(className, title):
            return "<g class=\"\(XMLEscaping.escaped(className))\" data-title=\"\(XMLEscaping.escaped(title))\">"
        case .endGroup:
            return "</g>"
        }
    }

    /// A `<text>` element; the layout's centre line is turned into a baseline 0.35 em below it.
    static func textElement(_ placement: TextPlacement) -> String {
        let metrics = Typesetting.svg.metrics(placement.style)
        let baselineShift = Int((Double(metrics.fontSize) * 0.35).rounded())
        var x = placement.x, y = placement.y
        var attributes = ""
        if placement.rotated {
            x += baselineShift
            attributes = " transform=\"rotate(-90 \(x) \(y))\""
        } else {
            y += baselineShift
        }
        attributes = "x=\"\(x)\" y=\"\(y)\"" + attributes
        if placement.anchor != .start { attributes += " text-anchor=\"\(placement.anchor.rawValue)\"" }
        if placement.style != .label { attributes += " font-size=\"\(metrics.fontSize)\" font-weight=\"bold\"" }
        if placement.color != .ink { attributes += " fill=\"\(placement.color.hex)\"" }
        return "<text \(attributes)>\(XMLEscaping.escaped(placement.text))</text>"
    }
}
