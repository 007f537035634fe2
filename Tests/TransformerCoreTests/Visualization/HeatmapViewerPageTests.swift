import Foundation
import Testing
@testable import TransformerCore

@Suite struct HeatmapViewerPageTests {
    static func page(labels: [String] = ["le", "chat"]) -> HeatmapViewerPage {
        let map = Heatmap(title: "m", rowLabels: labels, columnLabels: ["the", "cat", "</s>"],
                          values: (0..<(labels.count * 3)).map { [0.1, 0.2, 0.7, 0.5, .nan, .infinity][$0 % 6] })
        var entries: [HeatmapViewerPage.Entry] = []
        for kind in ["encoder self-attention", "decoder cross-attention"] {
            for layer in 0..<2 {
                for head in [0, 1, nil] as [Int?] {
                    entries.append(HeatmapViewerPage.Entry(kind: kind, layer: layer, head: head, heatmap: map))
                }
            }
        }
        entries.append(HeatmapViewerPage.Entry(kind: "rollout", layer: 1, head: nil, heatmap: map))
        return HeatmapViewerPage(title: "viewer <test>", entries: entries)
    }

    /// The parsed JSON data element.
    static func data(_ html: String) throws -> [String: Any] {
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"attention-data\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = String(html[start.upperBound..<end.lowerBound])
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func embedsEveryEntry() throws {
        let page = Self.page()
        let entries = try #require(try Self.data(page.html())["entries"] as? [[String: Any]])
        #expect(entries.count == page.entries.count)
        for (json, entry) in zip(entries, page.entries) {
            #expect(json["kind"] as? String == entry.kind)
            #expect(json["layer"] as? Int == entry.layer)
            #expect((json["head"] as? Int) == entry.head)
            #expect(json["rows"] as? [String] == entry.heatmap.rowLabels)
            #expect(json["columns"] as? [String] == entry.heatmap.columnLabels)
            let values = try #require(json["values"] as? [Any])
            #expect(values.count == entry.heatmap.values.count)
            #expect(values.count < 6 || (values[4] is NSNull && values[5] as? String == "Infinity"))
        }
    }

    @Test func isSelfContained() {
        let html = Self.page().html()
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("@import") && !html.contains("url("))
        #expect(!html.contains("innerHTML"))
        for id in ["kind", "layer", "head"] { #expect(html.contains("<select id=\"\(id)\">")) }
    }

    @Test func labelsCannotBreakOutOfTheScript() throws {
        let hostile = ["</script><script>alert(1)</script>", "<!--", "a&b", "\u{2028}line"]
        let html = Self.page(labels: hostile).html()
        #expect(html.components(separatedBy: "</script>").count == 3, "only the two real script elements close")
        #expect(!html.contains("<!--") && !html.contains("alert(1)</"))
        let rows = try #require((try Self.data(html)["entries"] as? [[String: Any]])?.first?["rows"] as? [String])
        #expect(rows == hostile, "the JSON still decodes to the original labels")
        #expect(!Self.page(labels: ["x"]).html().isEmpty)
        #expect(HeatmapViewerPage(title: "<&>", entries: []).html().contains("<title>&lt;&amp;&gt;</title>"))
    }

    @Test func paletteMatchesTheScale() throws {
        let palette = try #require(try Self.data(Self.page().html())["palette"] as? [String])
        #expect(palette.count == 256 && palette.first == "#440154" && palette.last == "#fde725")
    }
}
