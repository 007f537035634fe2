import Foundation
import Testing
import TransformerCore

/// `heads` and `prune` as processes on the shared tiny Pig-Latin model (1 layer, 2 heads: encoder, decoder
/// and cross attention) and the family tests' classifier.
@Suite("transformer-cli heads and prune (process)")
struct CLIHeadsTests {
    static func json(_ run: CLIRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any], "\(run)")
    }

    @Test func headsMeasuresEveryHeadAndDrawsTheHeatmap() throws {
        let t = try CLITraining.trainedModel()
        let plot = t.directory.appendingPathComponent("heads-\(UUID().uuidString).svg")
        let run = try CLITool.run(["heads", "--checkpoint", t.best.path, "--data", t.data.path, "--json", "--plot", plot.path])
        #expect(run.status == 0, "\(run)")
        let object = try Self.json(run)
        let heads = try #require(object["heads"] as? [[String: Any]])
        #expect(heads.count == 6 && object["metric"] as? String == "exact match")
        #expect(heads.map { "\($0["attention"]!) \($0["layer"]!) \($0["head"]!)" }
                == ["encoder 1 1", "encoder 1 2", "decoder 1 1", "decoder 1 2", "cross 1 1", "cross 1 2"])
        #expect(heads.allSatisfy { ($0["gradient"] as? Double).map { $0 > 0 } == true })
        let svg = try String(contentsOf: plot, encoding: .utf8)
        #expect(svg.components(separatedBy: "class=\"panel\"").count - 1 == 2)
        let table = try CLITool.run(["heads", "--checkpoint", t.best.path, "--data", t.data.path])
        #expect(table.status == 0 && table.standardOutput.contains("exact match masked"), "\(table)")
    }

    @Test func pruneWritesASmallerCheckpointThatEveryCommandLoads() throws {
        let t = try CLITraining.trainedModel()
        let out = t.directory.appendingPathComponent("pruned-\(UUID().uuidString).safetensors")
        let run = try CLITool.run(["prune", "--checkpoint", t.best.path, "--heads", "encoder:1:2,cross:1:1", "--out", out.path])
        #expect(run.status == 0 && run.standardOutput.contains("4 of 6 heads kept"), "\(run)")
        let before = try Checkpoint.load(from: t.best).model, after = try Checkpoint.load(from: out).model
        #expect(after.parameterCount == before.parameterCount - 2 * (4 * 16 * 8 + 3 * 8))   // C 16, D 8
        #expect(after.prunedHeads == PrunedHeads([.encoderSelf: [0: [1]], .decoderCross: [0: [0]]]))
        for arguments in [["evaluate", "--checkpoint", out.path, "--data", t.data.path],
                          ["translate", "--checkpoint", out.path, "hello"],
                          ["plot-attention", "--checkpoint", out.path, "--text", "hello", "--out",
                           t.directory.appendingPathComponent("pruned-plots-\(UUID().uuidString)").path]] {
            let used = try CLITool.run(arguments)
            #expect(used.status == 0, "\(arguments[0]): \(used)")
        }
        // The remaining heads keep their original numbers.
        let heads = try Self.json(try CLITool.run(["heads", "--checkpoint", out.path, "--data", t.data.path, "--json"]))
        let listed = try #require(heads["heads"] as? [[String: Any]])
        #expect(listed.map { "\($0["attention"]!) \($0["head"]!)" } == ["encoder 1", "decoder 1", "decoder 2", "cross 2"])
        // An existing --out is never overwritten.
        let again = try CLITool.run(["prune", "--checkpoint", t.best.path, "--heads", "encoder:1:1", "--out", out.path])
        #expect(again.status == 73 && again.errorLines.count == 1, "\(again)")
        #expect(try Checkpoint.load(from: out).model.prunedHeads == after.prunedHeads)
    }

    @Test func pruneByImportanceKeepsTheAskedFraction() throws {
        let t = try CLITraining.trainedModel()
        let out = t.directory.appendingPathComponent("pruned-fraction-\(UUID().uuidString).safetensors")
        let run = try CLITool.run(["prune", "--checkpoint", t.best.path, "--keep-fraction", "0.5", "--data", t.data.path,
                                   "--out", out.path])
        #expect(run.status == 0 && run.standardOutput.contains("3 of 6 heads kept"), "\(run)")
        let model = try Checkpoint.load(from: out).model
        #expect(model.attentionSites.map(\.keptHeads.count) == [1, 1, 1])
    }

    @Test(arguments: [
        (["--heads", "encoder:1:1,encoder:1:2"], "error: --heads: expected at least one head kept in every attention, got all 2 heads of encoder layer 1 removed"),
        (["--heads", "encoder:1:3"], "error: --heads: expected heads from 1 to 2, got head 3 in encoder layer 1"),
        (["--heads", "decoder:2:1"], "error: --heads: expected a layer from 1 to 1, got decoder layer 2"),
    ])
    func impossiblePruningIsOneLine(extra: [String], message: String) throws {
        let t = try CLITraining.trainedModel()
        let out = t.directory.appendingPathComponent("never-\(UUID().uuidString).safetensors")
        let run = try CLITool.run(["prune", "--checkpoint", t.best.path, "--out", out.path] + extra)
        #expect(run.status == 64 && run.errorLines == [message], "\(run)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test(arguments: [
        (["prune", "--checkpoint", "a.safetensors", "--out", "b.safetensors"],
         "error: prune: expected --heads SPEC or --keep-fraction F, got neither"),
        (["prune", "--checkpoint", "a.safetensors", "--out", "b.safetensors", "--heads", "enc:1"],
         "error: --heads: expected ATTENTION:LAYER:HEAD items (encoder|decoder|cross, numbered from 1) separated by commas, got 'enc:1'"),
        (["prune", "--checkpoint", "a.safetensors", "--out", "b.safetensors", "--keep-fraction", "0.5"],
         "error: --data: expected the file to measure head importance on (--keep-fraction), got nothing"),
        (["prune", "--checkpoint", "a.safetensors", "--out", "b.safetensors", "--keep-fraction", "1.5", "--data", "d"],
         "error: --keep-fraction: expected a fraction in (0, 1], got 1.5"),
        (["prune", "--checkpoint", "a.safetensors", "--out", "b.bin", "--heads", "encoder:1:1"],
         "error: --out: expected a file name ending in .safetensors, got 'b.bin'"),
        (["heads", "--checkpoint", "a.safetensors", "--data", "d", "--plot", "x.gif"],
         "error: --plot: expected a file name ending in .svg or .png, got 'x.gif'"),
    ])
    func badCommandLinesExit64(arguments: [String], line: String) throws {
        let run = try CLITool.run(arguments)
        #expect(run.status == 64 && run.errorLines == [line], "\(run)")
    }

    @Test func headsOfAClassifierUseAccuracy() throws {
        let t = try CLIFamilyTests.trained.get()
        let run = try CLITool.run(["heads", "--checkpoint", t.classifier, "--data", t.labelled, "--json"])
        #expect(run.status == 0, "\(run)")
        let object = try Self.json(run)
        #expect(object["metric"] as? String == "accuracy" && (object["heads"] as? [Any])?.count == 2)
        let missing = try CLITool.run(["heads", "--checkpoint", t.classifier, "--data", "/nonexistent/x.tsv"])
        #expect(missing.status == 66 && missing.errorLines.count == 1, "\(missing)")
    }
}
