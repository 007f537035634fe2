import Foundation
import Testing
@testable import TransformerCore

/// `plot-loss`, `plot-positional-encoding`, and the loss plot `train` leaves, run as processes.
@Suite struct CLIPlotLossTests {
    /// A metrics file: training loss every 10 steps from 10 to 200, validation loss at 100 and 200,
    /// and the learning rate; plus, like a resumed run, step 200 of the training loss logged twice.
    static func metricsLines() -> (lines: [String], training: [Float], validation: [Float], rates: [Float]) {
        var lines = ["step,wall_time,tag,value"]
        var training: [Float] = [], validation: [Float] = [], rates: [Float] = []
        for step in stride(from: 10, through: 200, by: 10) {
            let loss = 4 * Float(exp(-Double(step) / 60)) + 0.15, rate = Float(step) * 1e-5
            training.append(loss)
            rates.append(rate)
            lines += ["\(step),1.5,train/loss,\(loss)", "\(step),1.5,train/lr,\(rate)"]
            if step % 100 == 0 {
                validation.append(loss * 1.1)
                lines.append("\(step),2.5,val/loss,\(loss * 1.1)")
            }
        }
        lines.append("190,3.5,train/loss,\(training[18])")   // a repeated step: the last row wins (same value here)
        return (lines, training, validation, rates)
    }

    /// The numbers among `texts` with the given anchor.
    static func numbers(_ texts: [PlotSVG.Text], anchor: String) -> [Double] {
        texts.filter { $0.anchor == anchor }.compactMap { Double($0.content) }
    }

    @Test func lossAndLearningRateAxesCoverTheData() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (lines, training, validation, rates) = Self.metricsLines()
        try CLITraining.write(lines, to: "metrics.csv", in: directory)
        let run = try CLITool.run(["plot-loss", "--logdir", directory.path])
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput == directory.path + "/loss.svg\n")
        let svg = try PlotSVG(url: directory.appendingPathComponent("loss.svg"))
        #expect(svg.parseError == nil)
        #expect(svg.panels == ["loss", "learning rate"])
        #expect(svg.series.map(\.name) == ["training (label-smoothed)", "validation", "lr"])
        #expect(svg.series.map(\.points.count) == [20, 2, 20])
        for (panel, values) in [("loss", training + validation), ("learning rate", rates)] {
            let ticks = Self.numbers(svg.texts.filter { $0.panel == panel }, anchor: "end")
            #expect(ticks.count >= 2, "\(panel) has y tick labels")
            #expect(ticks.min()! <= Double(values.min()!) && ticks.max()! >= Double(values.max()!),
                    "\(panel) y ticks \(ticks) cover \(values.min()!)...\(values.max()!)")
        }
        let steps = Self.numbers(svg.texts, anchor: "middle")
        #expect(steps.count >= 2 && steps.min()! <= 10 && steps.max()! >= 200, "x ticks \(steps) cover steps 10...200")

        // PNG, and the CSV path itself instead of the directory, and --out elsewhere.
        let out = directory.appendingPathComponent("pictures")
        let png = try CLITool.run(["plot-loss", "--logdir", directory.appendingPathComponent("metrics.csv").path,
                                   "--out", out.path, "--format", "png", "--loss-scale", "linear"])
        #expect(png.status == 0, "\(png)")
        let bytes = [UInt8](try Data(contentsOf: out.appendingPathComponent("loss.png")))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4e, 0x47]))
    }

    @Test func badInputsAreOneLineWithAnExitCode() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try CLITool.run(["plot-loss", "--logdir", directory.path])
        #expect(missing.status == 66 && missing.errorLines.count == 1, "\(missing)")
        #expect(missing.errorLines.first?.hasPrefix("error: \(directory.path)/metrics.csv: no such file") == true)

        try CLITraining.write(["step,wall_time,tag,value", "1,0,train/loss,2", "2,0,train/loss", "3,0,train/loss,1"],
                              to: "metrics.csv", in: directory)
        let bad = try CLITool.run(["plot-loss", "--logdir", directory.path])
        #expect(bad.status == 65, "\(bad)")
        #expect(bad.errorLines == ["error: \(directory.path)/metrics.csv:3: expected 4 fields (step,wall_time,tag,value), "
                                   + "found 3; --skip-invalid leaves such rows out"])
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("loss.svg").path))
        let skipped = try CLITool.run(["plot-loss", "--logdir", directory.path, "--skip-invalid"])
        #expect(skipped.status == 0, "\(skipped)")
        #expect(skipped.errorLines.count == 1 && skipped.errorLines[0].hasPrefix("note: left out 1 malformed row"))

        let gif = try CLITool.run(["plot-loss", "--logdir", directory.path, "--format", "gif"])
        #expect(gif.status == 64 && gif.errorLines == ["error: --format: expected svg or png, got 'gif'"], "\(gif)")

        try CLITraining.write(["step,wall_time,tag,value", "1,0,val/cer,0.5"], to: "metrics.csv", in: directory)
        let empty = try CLITool.run(["plot-loss", "--logdir", directory.path, "--out", directory.appendingPathComponent("x").path])
        #expect(empty.status == 65 && empty.errorLines.count == 1, "\(empty)")
        #expect(empty.errorLines.first?.contains("no train/loss or val/loss rows to draw (tags found: val/cer)") == true)
    }

    @Test func positionalEncodingTableIsDrawnWithinLimits() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CLITool.run(["plot-positional-encoding", "--d-model", "8", "--length", "5", "--out", directory.path])
        #expect(run.status == 0, "\(run)")
        let svg = try PlotSVG(url: directory.appendingPathComponent("positional-encoding.svg"))
        #expect(svg.parseError == nil && svg.cells.count == 40)
        let table = PositionalEncoding.sinusoids(length: 5, dimension: 8)
        #expect(svg.cells.allSatisfy { $0.value == table[$0.row, $0.column] })
        #expect(svg.cells.first { $0.row == 0 && $0.column == 1 }?.value == 1, "PE(0, 1) = cos 0 = 1")

        let png = try CLITool.run(["plot-positional-encoding", "--out", directory.path, "--format", "png"])
        #expect(png.status == 0 && FileManager.default.fileExists(atPath: directory.path + "/positional-encoding.png"))
        for (arguments, message) in [(["--d-model", "0"], "error: --d-model: expected an integer from 1 to 4096, got 0"),
                                     (["--length", "4096", "--d-model", "512"],
                                      "error: --length 4096 x --d-model 512 is 2,097,152 cells; expected at most 262,144")] {
            let bad = try CLITool.run(["plot-positional-encoding", "--out", directory.path + "/none"] + arguments)
            #expect(bad.status == 64 && bad.errorLines == [message], "\(bad)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/none"))
    }

    /// `train` leaves loss.svg in its log directory; a plot that cannot be written is one warning, and
    /// the run still succeeds.
    @Test func trainDrawsTheLossPlotAndSurvivesFailingToDrawIt() throws {
        let trained = try CLITraining.trainedModel()
        let runDirectory = trained.best.deletingLastPathComponent()
        #expect(trained.run.standardOutput.contains("Loss plot: \(runDirectory.path)/loss.svg\n"), "\(trained.run)")
        let svg = try PlotSVG(url: runDirectory.appendingPathComponent("loss.svg"))
        #expect(svg.parseError == nil && svg.panels == ["loss", "learning rate"])

        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let logs = directory.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: logs.appendingPathComponent("loss.svg"), withIntermediateDirectories: true)
        let run = try CLITool.run(["train", "--data", data.path, "--epochs", "1", "--batch-size", "8", "--log-every", "1",
                                   "--logdir", logs.path] + CLITraining.tinyModel)
        #expect(run.status == 0, "\(run)")
        let warnings = run.errorLinesBesidesDebugNote.filter { $0.hasPrefix("warning: could not draw the loss plot") }
        #expect(warnings.count == 1, "\(run)")
        #expect(run.standardOutput.contains("Finished at"))
    }
}
