import Foundation
import Testing
@testable import TransformerCore

/// `plot-lines`, run as a process: one SVG polyline per series, one-line errors for bad files and flags.
@Suite struct CLIPlotLinesTests {
    @Test func drawsOneLinePerSeries() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try CLITraining.write(["series,x,y", "rope,9,98", "rope,10,95", "rope,11,90", "alibi,9,99", "alibi,10,97"],
                                        to: "points.csv", in: directory)
        let out = directory.appendingPathComponent("chart.svg").path
        let run = try CLITool.run(["plot-lines", "--csv", csv.path, "--out", out, "--title", "exact match",
                                   "--x-title", "letters", "--y-title", "%"])
        #expect(run.status == 0 && run.standardOutput == out + "\n", "\(run)")
        let svg = try PlotSVG(url: URL(fileURLWithPath: out))
        #expect(svg.parseError == nil)
        #expect(svg.series.map { $0.name } == ["rope", "alibi"])
        #expect(svg.series.map { $0.points.count } == [3, 2])
        #expect(svg.texts.contains { $0.content == "exact match" } && svg.texts.contains { $0.content == "letters" })
        let png = try CLITool.run(["plot-lines", "--csv", csv.path, "--out", directory.appendingPathComponent("chart.png").path])
        #expect(png.status == 0, "\(png)")
    }

    @Test func badInputIsOneLine() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = try CLITraining.write(["series,x,y", "rope,nine,98"], to: "bad.csv", in: directory)
        let out = directory.appendingPathComponent("chart.svg").path
        let cases: [([String], Int32, String)] = [
            (["plot-lines", "--csv", bad.path, "--out", out], 65,
             "error: \(bad.path): line 2: expected 'series,x,y' with numbers x and y, found 'rope,nine,98'"),
            (["plot-lines", "--csv", bad.path, "--out", "chart.jpg"], 64,
             "error: --out: expected a file name ending in .svg or .png, got 'chart.jpg'"),
            (["plot-lines", "--csv", directory.appendingPathComponent("none.csv").path, "--out", out], 66,
             "error: \(directory.appendingPathComponent("none.csv").path): file not found or unreadable"),
        ]
        for (arguments, status, line) in cases {
            let run = try CLITool.run(arguments)
            #expect(run.status == status && run.errorLines == [line], "\(run)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
