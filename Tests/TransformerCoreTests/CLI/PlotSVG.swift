import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG file read with Foundation's XMLParser (so a parse failure means the file is not well-formed
/// XML, e.g. an unescaped `<` or `&`): its heatmap cells, its `<text>` strings and its series, each with
/// the `data-title` of the panel (`<g class="panel">`) it is in.
final class PlotSVG: NSObject, XMLParserDelegate {
    struct Cell {
        let panel: String
        let row: Int, column: Int
        let value: Float
        let fill: String
    }

    struct Text {
        let panel: String?
        let anchor: String?
        let content: String
    }

    private(set) var cells: [Cell] = []
    private(set) var texts: [Text] = []
    private(set) var panels: [String] = []
    /// Each `<polyline class="series">`'s name and points (SVG coordinates).
    private(set) var series: [(name: String, points: [(x: Double, y: Double)])] = []
    private(set) var parseError: String?
    private var currentPanel: String?
    private var groupStack: [Bool] = []   // whether each open <g> is a panel
    private var textAnchor: String?
    private var textContent: String?

    /// Parses the file's bytes; `parseError` says why when the document is not well-formed.
    init(data: Data) {
        super.init()
        let parser = XMLParser(data: data)
        parser.delegate = self
        if !parser.parse() { parseError = parser.parserError.map { "\($0)" } ?? "unknown XML error" }
    }

    convenience init(url: URL) throws {
        self.init(data: try Data(contentsOf: url))
    }

    /// The cells of the panel titled `title`.
    func cells(in title: String) -> [Cell] { cells.filter { $0.panel == title } }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "g":
            let isPanel = attributes["class"] == "panel"
            groupStack.append(isPanel)
            if isPanel {
                currentPanel = attributes["data-title"] ?? ""
                panels.append(currentPanel!)
            }
        case "rect" where attributes["class"] == "cell":
            cells.append(Cell(panel: currentPanel ?? "", row: Int(attributes["data-row"] ?? "") ?? -1,
                              column: Int(attributes["data-column"] ?? "") ?? -1,
                              value: Float(attributes["data-value"] ?? "") ?? .nan, fill: attributes["fill"] ?? ""))
        case "polyline" where attributes["class"] == "series":
            let points = (attributes["points"] ?? "").split(separator: " ").compactMap { pair -> (Double, Double)? in
                let parts = pair.split(separator: ",")
                guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]) else { return nil }
                return (x, y)
            }
            series.append((attributes["data-name"] ?? "", points))
        case "text":
            textAnchor = attributes["text-anchor"]
            textContent = ""
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        textContent? += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let content = textContent {
            texts.append(Text(panel: currentPanel, anchor: textAnchor, content: content))
            textContent = nil
        }
        if name == "g", let isPanel = groupStack.popLast(), isPanel {
            currentPanel = nil
        }
    }
}
