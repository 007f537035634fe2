/// One self-contained interactive HTML file for browsing many attention maps: `<select>`s pick the
/// kind (e.g. "encoder self-attention"), the layer and the head (entries with no head, such as a head
/// average or an attention rollout, are listed as "combined"); the chosen map is drawn as a table of
/// coloured cells, and hovering a cell shows "query → key: weight".
///
/// No network: no external scripts, styles, fonts or images; the CSS and JavaScript are inline
/// (``HeatmapViewerPage/style`` and ``HeatmapViewerPage/script``). The maps are embedded as JSON in a
/// `<script type="application/json">` element, written by ``JSONText`` with `<`, `>` and `&` further
/// escaped as \u003c, \u003e, \u0026, so a label containing `</script>` cannot end the element. The
/// script inserts labels with `textContent` only, never as HTML.
///
/// JSON layout: `{"range": [lower, upper], "palette": [256 "#rrggbb"], "entries": [{"kind", "layer",
/// "head" (number or null), "title", "rows" [labels], "columns" [labels], "values" [row-major;
/// NaN as null, infinities as the strings "Infinity" / "-Infinity"]}]}`. Cell colours come from the
/// palette, the scale sampled at 256 evenly spaced values, so they match the SVG to within one step.
public struct HeatmapViewerPage: Sendable {
    /// One map of the page.
    public struct Entry: Sendable {
        /// Which attention, e.g. "encoder self-attention", "decoder cross-attention", "rollout".
        public var kind: String
        /// Layer index (0-based, as the model counts).
        public var layer: Int
        /// Head index, or nil for a map that combines heads (an average, a rollout).
        public var head: Int?
        /// The map; its title is shown above it.
        public var heatmap: Heatmap

        /// An entry.
        public init(kind: String, layer: Int, head: Int?, heatmap: Heatmap) {
            self.kind = kind
            self.layer = layer
            self.head = head
            self.heatmap = heatmap
        }
    }

    /// The page title (`<title>` and heading).
    public var title: String
    /// The maps, in the order the menus list them.
    public var entries: [Entry]
    /// The colour scale of every map.
    public var scale: ColorScale

    /// A page; viridis over 0...1 by default.
    public init(title: String, entries: [Entry], scale: ColorScale = .viridis()) {
        self.title = title
        self.entries = entries
        self.scale = scale
    }

    /// Number of palette colours embedded for the script.
    static let paletteSize = 256

    /// The HTML document (UTF-8).
    public func html() -> String {
        let heading = XMLEscaping.escaped(title)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(heading)</title>
            <style>
            \(Self.style)
            </style>
            </head>
            <body>
            <h1>\(heading)</h1>
            <div class="controls">
            <label>kind <select id="kind"></select></label>
            <label>layer <select id="layer"></select></label>
            <label>head <select id="head"></select></label>
            </div>
            <h2 id="map-title"></h2>
            <div id="info" aria-live="polite">hover over a cell</div>
            <div id="legend"><span id="legend-low"></span><span id="legend-bar"></span><span id="legend-high"></span></div>
            <div id="figure"></div>
            <noscript>This viewer needs JavaScript.</noscript>
            <script type="application/json" id="attention-data">\(json())</script>
            <script>
            \(Self.script)
            </script>
            </body>
            </html>

            """
    }

    /// The embedded data, safe inside a `<script>` element.
    func json() -> String {
        let lower = scale.range.lowerBound, upper = scale.range.upperBound
        let palette = (0..<Self.paletteSize).map { index -> String in
            let t = Float(index) / Float(Self.paletteSize - 1)
            return "\"" + scale.color(for: lower + (upper - lower) * t).hex + "\""
        }
        let entryTexts = entries.map { entry -> String in
            let map = entry.heatmap
            let head = entry.head.map(String.init) ?? "null"
            return "{\"kind\":\(quoted(entry.kind)),\"layer\":\(entry.layer),\"head\":\(head),"
                + "\"title\":\(quoted(map.title)),\"rows\":[\(map.rowLabels.map(quoted).joined(separator: ","))],"
                + "\"columns\":[\(map.columnLabels.map(quoted).joined(separator: ","))],"
                + "\"values\":[\(map.values.map(Self.number).joined(separator: ","))]}"
        }
        let text = "{\"range\":[\(Self.number(lower)),\(Self.number(upper))],\"palette\":[\(palette.joined(separator: ","))],"
            + "\"entries\":[\n\(entryTexts.joined(separator: ",\n"))\n]}"
        return Self.scriptSafe(text)
    }

    /// `json` with `<`, `>` and `&` written as \u003c, \u003e, \u0026. Outside strings the JSON has
    /// none of them, so escaping them everywhere keeps it valid JSON with the same meaning.
    static func scriptSafe(_ json: String) -> String {
        var result = ""
        result.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": result += "\\u003c"
            case ">": result += "\\u003e"
            case "&": result += "\\u0026"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private func quoted(_ text: String) -> String {
        JSONText.quoted(text, escapingLineSeparators: true)
    }

    /// A Float as JSON: shortest round-trip text; NaN as null, infinities as strings.
    static func number(_ value: Float) -> String {
        if value.isNaN { return "null" }
        if value.isInfinite { return value > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        return NumberText.exact(value)
    }
}
