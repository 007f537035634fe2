import Foundation
import Testing
@testable import transformer_cli
@testable import TransformerCore

/// `translate`, `evaluate` and `plot-attention` with `--model DIR` run as processes on the tiny MarianMT
/// fixtures that carry tokenizer files: outputs equal what transformers' `generate` + `batch_decode` gave
/// (`tokenizer_expected.json`), and a directory that is not a Marian export is a one-line error.
@Suite struct CLIPretrainedTests {
    /// Foundation's JSON reader may land one ulp from the printed shortest decimal.
    static let jsonReadingTolerance = 1e-12

    /// The ids of a transformers `generate` row: without the start token, up to (not including) `</s>`.
    static func generatedIDs(_ row: [Int], end: Int) -> [Int] {
        let tokens = Array(row.dropFirst())
        return Array(tokens.prefix { $0 != end })
    }

    /// Greedy on the shared-vocabulary fixture, `--beam 4` (generation_config.json otherwise) on the separate one.
    @Test(arguments: [(MarianFixtures.swish, "greedy", [String]()), (MarianFixtures.gelu, "defaults", ["--beam", "4"])])
    func translateMatchesTransformers(_ name: String, _ caseName: String, _ flags: [String]) throws {
        let expected = try MarianTokenizerTests.expected(name)
        let reference = try #require(expected.generate[caseName])
        let run = try CLITool.run(["translate", "--model", MarianFixtures.directory(name).path, "--json"] + flags + expected.generateTexts)
        #expect(run.status == 0, "\(run)")
        let lines = run.standardOutput.split(separator: "\n")
        #expect(lines.count == expected.generateTexts.count, "\(run)")
        for (index, line) in lines.enumerated() where index < reference.ids.count {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["output"] as? String == reference.texts[index], "\(name) \(caseName): \(line)")
            #expect(object["ids"] as? [Int] == Self.generatedIDs(reference.ids[index], end: 0), "\(name) \(caseName): \(line)")
            #expect(object["input"] as? String == expected.generateTexts[index])
            #expect(object["log_probability"] is Double && object["complete"] is Bool)
        }
    }

    @Test func translateReadsStandardInput() throws {
        let expected = try MarianTokenizerTests.expected(MarianFixtures.gelu)
        let run = try CLITool.run(["translate", "--model", MarianFixtures.directory(MarianFixtures.gelu).path],
                                  input: expected.generateTexts.joined(separator: "\n") + "\n")
        #expect(run.status == 0 && run.standardOutput == expected.generate["greedy"]!.texts.map { $0 + "\n" }.joined(), "\(run)")
    }

    @Test func notAMarianDirectoryIsOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("not-marian-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for command in [["translate", "hello"], ["evaluate", "--data", "x.tsv"], ["plot-attention", "--text", "a", "--out", directory.appendingPathComponent("o").path]] {
            let run = try CLITool.run([command[0], "--model", directory.path] + command.dropFirst())
            #expect(run.status != 0 && !run.endedBySignal, "\(run)")
            #expect(run.errorLines.count == 1 && run.standardError.contains(directory.appendingPathComponent("config.json").path)
                    && run.standardError.contains("expected a Hugging Face MarianMT config.json"), "\(run)")
        }
        // A model without its tokenizer files names the missing one.
        for file in ["config.json", "generation_config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: MarianFixtures.directory(MarianFixtures.swish).appendingPathComponent(file),
                                             to: directory.appendingPathComponent(file))
        }
        let run = try CLITool.run(["translate", "--model", directory.path, "hello"])
        #expect(run.status != 0 && run.errorLines.count == 1 && run.standardError.contains("vocab.json"), "\(run)")
    }

    @Test func exactlyOneOfCheckpointAndModel() throws {
        let both = try CLITool.run(["translate", "--model", "m", "--checkpoint", "c", "x"])
        #expect(both.status == 64 && both.standardError.contains("give one of the two"), "\(both)")
        let neither = try CLITool.run(["evaluate", "--data", "d.tsv"])
        #expect(neither.status == 64 && neither.standardError.contains("missing --checkpoint or --model"), "\(neither)")
    }

    /// --refill-beam is for checkpoints: a --model directory's beam is always transformers' (refilled).
    @Test func refillBeamIsRefusedWithAModelDirectory() throws {
        for command in [["translate", "x"], ["evaluate", "--data", "d.tsv"]] {
            let run = try CLITool.run([command[0], "--model", MarianFixtures.directory(MarianFixtures.gelu).path,
                                       "--beam", "4", "--refill-beam"] + command.dropFirst())
            #expect(run.status == 64 && run.standardError == "error: --refill-beam: a --model directory always decodes as "
                    + "transformers does, whose beam is refilled; leave the flag out\n", "\(run)")
        }
    }

    /// The metrics equal the library's on the same outputs; teacher-forced loss is finite.
    @Test func evaluateScoresTheModelsOutputs() throws {
        let directory = MarianFixtures.directory(MarianFixtures.gelu)
        let data = MarianFixtures.root.appendingPathComponent("short-pairs.tsv")
        let run = try CLITool.run(["evaluate", "--model", directory.path, "--data", data.path, "--json"])
        #expect(run.status == 0, "\(run)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let pairs = try String(contentsOf: data, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let pretrained = try PretrainedModel.load(directory.path)
        var greedy = pretrained.marian.generationSettings
        greedy.beamCount = 1
        let outputs = try pretrained.translate(pairs.map { $0[0] }, settings: greedy).map(\.output)
        let references = pairs.map { $0[1] }
        #expect(object["pairs"] as? Int == 6 && object["model"] as? String == directory.path)
        let chrF = try CHRF.corpus(hypotheses: outputs, references: references).score
        let bleu = try BLEU.corpus(hypotheses: outputs, references: references).score
        #expect(abs((object["chrf"] as? Double ?? -1) - chrF) <= Self.jsonReadingTolerance, "\(object["chrf"] ?? "none") vs \(chrF)")
        #expect(abs((object["bleu"] as? Double ?? -1) - bleu) <= Self.jsonReadingTolerance, "\(object["bleu"] ?? "none") vs \(bleu)")
        #expect((object["loss"] as? Double).map { $0.isFinite && $0 > 0 } == true)
        let table = try CLITool.run(["evaluate", "--model", directory.path, "--data", data.path])
        #expect(table.status == 0 && table.standardOutput.contains("chrF2") && table.standardOutput.contains("greedy decoding"), "\(table)")
    }

    @Test func evaluateRefusesPairsLongerThanThePositions() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("marian-long-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: data) }
        try "It is cold.\tEs ist kalt.\n\(String(repeating: "cold ", count: 40))\tkalt\n".write(to: data, atomically: true, encoding: .utf8)
        let directory = MarianFixtures.directory(MarianFixtures.gelu).path          // 32 positions
        let run = try CLITool.run(["evaluate", "--model", directory, "--data", data.path])
        #expect(run.status == 65 && run.standardError.contains("\(data.path):2: source has")
                && run.standardError.contains("more than the 31 the model's 32 positions leave beside </s>"), "\(run)")
        let skipping = try CLITool.run(["evaluate", "--model", directory, "--data", data.path, "--skip-invalid", "--json"])
        #expect(skipping.status == 0 && skipping.standardOutput.contains("\"pairs\":1,\"skipped_lines\":1"), "\(skipping)")
    }

    /// The cross-attention picture holds the maps of a forward pass on generate's output.
    @Test func plotAttentionDrawsTheModelsMaps() throws {
        let directory = MarianFixtures.directory(MarianFixtures.gelu)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("marian-attention-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try CLITool.run(["plot-attention", "--model", directory.path, "--text", "It is cold.", "--out", out.path])
        #expect(run.status == 0, "\(run)")
        #expect(CLIPlotAttentionTests.files(out) == ["cross-layer1.svg", "cross-layer2.svg", "decoder-layer1.svg",
                                                     "decoder-layer2.svg", "encoder-layer1.svg", "encoder-layer2.svg"])
        let pretrained = try PretrainedModel.load(directory.path)
        var greedy = pretrained.marian.generationSettings
        greedy.beamCount = 1
        let report = try pretrained.attentionReport(for: "It is cold.", settings: greedy)
        #expect(report.sourceTokens == pretrained.source.encodePieces("It is cold."))
        let svg = try PlotSVG(url: out.appendingPathComponent("cross-layer2.svg"))
        CLIPlotAttentionTests.expectCells(svg, equal: (0..<2).map { report.map(kind: .decoderCross, layer: 1, head: $0) })
    }
}
