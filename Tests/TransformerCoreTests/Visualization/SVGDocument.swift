import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG file as FoundationXML's XMLParser sees it: every element with its attributes, the text
/// directly inside it (entities resolved) and the index of its parent. Parsing fails on any
/// well-formedness error, which is the first thing the tests check.
final class SVGDocument: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        var parent: Int?
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []
    private(set) var parseError: Error?

    init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw parseError ?? parser.parserError ?? CocoaError(.fileReadCorruptFile)
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append(Element(name: name, attributes: attributes, parent: stack.last))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current = stack.last { elements[current].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred error: Error) { parseError = error }

    /// Elements named `name`, optionally only those with `class="..."`.
    func elements(named name: String, class className: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
    }

    /// The text of the `<title>` child of element `index`.
    func title(of index: Int) -> String? {
        elements.first { $0.name == "title" && $0.parent == index }?.text
    }

    /// Each `<g class="panel">`: its index, its data-title and the cell rects inside it (with their indices).
    func panels() -> [(index: Int, title: String, cells: [(element: Element, index: Int)])] {
        elements.indices.filter { elements[$0].name == "g" && elements[$0].attributes["class"] == "panel" }.map { panel in
            let cells = elements.indices.filter { index in
                elements[index].name == "rect" && elements[index].attributes["class"] == "cell" && isInside(index, panel)
            }
            return (panel, elements[panel].attributes["data-title"] ?? "", cells.map { (elements[$0], $0) })
        }
    }

    private func isInside(_ index: Int, _ ancestor: Int) -> Bool {
        var parent = elements[index].parent
        while let p = parent { if p == ancestor { return true }; parent = elements[p].parent }
        return false
    }

    /// The texts of all `<text>` elements.
    var texts: [String] { elements(named: "text").map(\.text) }
}
