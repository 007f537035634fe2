import Foundation
import Testing
@testable import TransformerCore

/// `plot-attention` run as a process on the shared tiny checkpoint (1 layer, 2 heads): the files it
/// promises, and pictures that mean what they say (checked against the library's report).
@Suite struct CLIPlotAttentionTests {
    /// The report the command should have drawn, computed in this process from the same checkpoint.
    static func report(_ checkpoint: URL, text: String) throws -> AttentionReport {
        let loaded = try Checkpoint.load(from: checkpoint)
        let record = try TrainingRecord(metadata: loaded.metadata, file: checkpoint.path)
        loaded.model.setTraining(false)
        return try Translator(model: try loaded.model(Transformer.self), tokenizers: record.tokenizers!)
            .attentionReport(for: text, maximumLength: loaded.configuration!.maximumLength)
    }

    static func files(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    /// Every panel's cells equal the report's map, cell by cell; each cell's colour is the scale's.
    static func expectCells(_ svg: PlotSVG, equal maps: [AttentionMap], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(svg.parseError == nil, "not well-formed XML: \(svg.parseError ?? "")", sourceLocation: sourceLocation)
        #expect(svg.panels == maps.map { "head \($0.head! + 1)" }, sourceLocation: sourceLocation)
        #expect(svg.cells.count == maps.reduce(0) { $0 + $1.values.count }, sourceLocation: sourceLocation)
        for map in maps {
            let cells = svg.cells(in: "head \(map.head! + 1)")
            #expect(cells.count == map.queryCount * map.keyCount, sourceLocation: sourceLocation)
            for cell in cells {
                #expect(cell.value == map[cell.row, cell.column], "\(map.title) [\(cell.row), \(cell.column)]",
                        sourceLocation: sourceLocation)
                #expect(cell.fill == AttentionReport.colorScale.color(for: cell.value).hex, sourceLocation: sourceLocation)
            }
        }
    }

    @Test func svgPerKindAndLayerWithEveryHeadAndTheRollout() throws {
        let trained = try CLITraining.trainedModel()
        let out = trained.directory.appendingPathComponent("attention-svg-\(UUID().uuidString)/nested")
        let run = try CLITool.run(["plot-attention", "--checkpoint", trained.best.path, "--text", "shopping",
                                   "--out", out.path, "--rollout"])
        #expect(run.status == 0, "\(run)")
        let names = ["cross-layer1.svg", "decoder-layer1.svg", "encoder-layer1.svg", "encoder-rollout.svg"]
        #expect(Self.files(out) == names)
        #expect(run.standardOutput.split(separator: "\n").dropFirst().map(String.init)
                == ["encoder-layer1.svg", "decoder-layer1.svg", "cross-layer1.svg", "encoder-rollout.svg"].map { out.path + "/" + $0 })
        let report = try Self.report(trained.best, text: "shopping")
        #expect(run.standardOutput.hasPrefix("Translation: shopping -> \(report.output)"))
        for kind in AttentionKind.allCases {
            let svg = try PlotSVG(url: out.appendingPathComponent("\(kind.name)-layer1.svg"))
            Self.expectCells(svg, equal: report.maps(kind: kind, layer: 0))
            let title = svg.texts.first?.content ?? ""
            #expect(title.hasPrefix("\(kind.title), layer 1: shopping -> "), "\(title)")
            let labels = Set(svg.texts.map(\.content))
            let tokens: Set = kind == .decoderSelf ? ["<sos>", "<eos>"] : ["s", "h", "<eos>"]
            #expect(labels.isSuperset(of: tokens.union(["1.0", "0.0"])), "token labels and the legend's ends: \(labels)")
        }
        // Decoder self-attention above the diagonal: weight 0, drawn in the colour of 0.
        let decoder = try PlotSVG(url: out.appendingPathComponent("decoder-layer1.svg"))
        let above = decoder.cells.filter { $0.column > $0.row }
        #expect(!above.isEmpty)
        #expect(above.allSatisfy { $0.value == 0 && $0.fill == AttentionReport.colorScale.color(for: 0).hex })
        // The rollout: [S, S] with rows summing to 1.
        let rollout = try PlotSVG(url: out.appendingPathComponent("encoder-rollout.svg"))
        let n = "shopping".count + 1
        #expect(rollout.cells.count == n * n)
        for row in 0..<n {
            let sum = rollout.cells.filter { $0.row == row }.reduce(Float(0)) { $0 + $1.value }
            #expect(abs(sum - 1) < InspectionTolerance.rowSum * 10)
        }
    }

    @Test func kindLayerAndHeadSelectExactlyOneMapAndTextIsEscaped() throws {
        let trained = try CLITraining.trainedModel()
        let out = trained.directory.appendingPathComponent("attention-one-\(UUID().uuidString)")
        let text = "a<b & ü \"q\""
        let run = try CLITool.run(["plot-attention", "--checkpoint", trained.best.path, "--text", text, "--out", out.path,
                                   "--kind", "cross", "--layer", "1", "--head", "2"])
        #expect(run.status == 0, "\(run)")
        #expect(Self.files(out) == ["cross-layer1-head2.svg"])
        #expect(run.errorLines.count == 1 && run.errorLines[0].hasPrefix("note: --text: "), "unknown characters: \(run)")
        let report = try Self.report(trained.best, text: text)
        let svg = try PlotSVG(url: out.appendingPathComponent("cross-layer1-head2.svg"))
        Self.expectCells(svg, equal: [report.map(kind: .decoderCross, layer: 0, head: 1)])
        #expect(svg.texts.first?.content.hasPrefix("Decoder cross-attention, layer 1, head 2: a<b & ü \"q\" -> ") == true)
        let labels = svg.texts.map(\.content)
        for token in ["<", "&", "ü", "\"", "␣"] { #expect(labels.contains(token), "label \(token)") }
        let raw = try String(contentsOf: out.appendingPathComponent("cross-layer1-head2.svg"), encoding: .utf8)
        #expect(raw.contains("&lt;") && raw.contains("&amp;") && !raw.contains("a<b"))
    }

    @Test func pngAndHTMLFormats() throws {
        let trained = try CLITraining.trainedModel()
        let out = trained.directory.appendingPathComponent("attention-png-\(UUID().uuidString)")
        let png = try CLITool.run(["plot-attention", "--checkpoint", trained.best.path, "--text", "team", "--out", out.path,
                                   "--format", "png", "--kind", "encoder", "--rollout"])
        #expect(png.status == 0, "\(png)")
        #expect(Self.files(out) == ["encoder-layer1.png", "encoder-rollout.png"])
        for name in Self.files(out) {
            let bytes = [UInt8](try Data(contentsOf: out.appendingPathComponent(name)))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "PNG signature of \(name)")
        }

        let page = trained.directory.appendingPathComponent("attention-html-\(UUID().uuidString)")
        let html = try CLITool.run(["plot-attention", "--checkpoint", trained.best.path, "--text", "<b>&", "--out", page.path,
                                    "--format", "html", "--rollout"])
        #expect(html.status == 0, "\(html)")
        #expect(Self.files(page) == ["attention.html"])
        let document = try String(contentsOf: page.appendingPathComponent("attention.html"), encoding: .utf8)
        #expect(!document.contains("<b>&"), "the input appears escaped only")
        let entries = try Self.viewerEntries(document)
        var expected = Set<String>()
        // Layers and heads counted from 1 on the page, as in titles, file names and flags.
        for kind in AttentionKind.allCases { for head in 1...2 { expected.insert("\(kind.title)|1|\(head)") } }
        expected.insert("Encoder attention rollout|1|nil")
        #expect(Set(entries) == expected && entries.count == expected.count)
    }

    /// "kind|layer|head" of every map embedded in the viewer page's JSON.
    static func viewerEntries(_ html: String) throws -> [String] {
        let start = try #require(html.range(of: "<script type=\"application/json\""))
        let open = try #require(html[start.upperBound...].range(of: ">"))
        let end = try #require(html[open.upperBound...].range(of: "</script>"))
        let json = try JSONSerialization.jsonObject(with: Data(html[open.upperBound..<end.lowerBound].utf8)) as? [String: Any]
        let entries = try #require(json?["entries"] as? [[String: Any]])
        return entries.map { entry in
            let head = (entry["head"] as? Int).map(String.init) ?? "nil"
            return "\(entry["kind"] as? String ?? "?")|\(entry["layer"] as? Int ?? -1)|\(head)"
        }
    }

    @Test(arguments: [
        (["--layer", "9"], 64, "error: --layer: expected an integer from 1 to 1 (the model's layers), got 9"),
        (["--head", "3"], 64, "error: --head: expected an integer from 1 to 2 (the model's heads), got 3"),
        (["--kind", "foo"], 64, "error: --kind: expected one of encoder, decoder, cross, got 'foo'"),
        (["--format", "gif"], 64, "error: --format: expected one of svg, png, html, got 'gif'"),
        (["--text", "  "], 64, "error: --text: expected a text with at least one token, got an empty text"),
        (["--text", String(repeating: "a", count: 400)], 65, "error: --text: 400 character tokens, more than the 100 the model was trained for (its --max-len)"),
        (["--checkpoint", "/nonexistent/x.safetensors"], 66, "error: /nonexistent/x.safetensors: "),
    ])
    func badFlagsAreOneLineWithAnExitCodeAndWriteNothing(extra: [String], status: Int32, message: String) throws {
        let trained = try CLITraining.trainedModel()
        let out = trained.directory.appendingPathComponent("attention-bad-\(UUID().uuidString)")
        var options = ["--checkpoint": trained.best.path, "--text": "team", "--out": out.path]
        options[extra[0]] = extra[1]   // replaced, not repeated: a repeated option with another value is a usage error
        let arguments = ["plot-attention"] + options.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
        let run = try CLITool.run(arguments)
        #expect(run.status == status, "\(run)")
        #expect(run.errorLines.count == 1 && run.errorLines[0].hasPrefix(message), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is created on an error")
    }

    @Test func anOutputPathThatIsAFileIsExit73() throws {
        let trained = try CLITraining.trainedModel()
        let file = try CLITraining.write(["x"], to: "not-a-directory-\(UUID().uuidString)", in: trained.directory)
        let run = try CLITool.run(["plot-attention", "--checkpoint", trained.best.path, "--text", "team", "--out", file.path])
        #expect(run.status == 73, "\(run)")
        #expect(run.errorLines == ["error: --out \(file.path): is a file, not a directory; pass a directory"])
    }
}
