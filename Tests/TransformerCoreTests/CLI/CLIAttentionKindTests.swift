import Foundation
import Testing
import TransformerCore

/// `train --attention / --self-attention / --cross-attention`: the kinds reach the model, the summary
/// line and the checkpoint; `--resume` uses the stored kinds; the other commands read additive models.
@Suite("transformer-cli attention kinds (process)")
struct CLIAttentionKindTests {
    @Test func mixedModelTrainsResumesAndIsRead() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let runDirectory = directory.appendingPathComponent("run")
        let run = try CLITool.run(["train", "--data", data.path, "--epochs", "1", "--batch-size", "8", "--warmup", "20",
                                   "--attention", "dot-product", "--cross-attention", "additive",
                                   "--logdir", runDirectory.path] + CLITraining.tinyModel)
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.contains(", additive cross-attention (dot-product self-attention), up to 100 tokens a side)"),
                "\(run)")
        let last = runDirectory.appendingPathComponent("last.safetensors")
        let configuration = try #require(try Checkpoint.load(from: last).configuration)
        #expect(configuration.selfAttention == .dotProduct && configuration.crossAttention == .additive)

        // --resume takes the kinds from the checkpoint; a different kind on the command line is an error.
        let conflict = try CLITool.run(["train", "--resume", last.path, "--epochs", "2", "--attention", "additive"])
        #expect(conflict.status == 64, "\(conflict)")
        #expect(conflict.errorLines == ["error: --attention: the checkpoint has dot-product self-attention and additive "
                                        + "cross-attention, got additive; with --resume leave it out (the checkpoint's "
                                        + "settings are used) or start a new run"], "\(conflict)")
        let resumed = try CLITool.run(["train", "--resume", last.path, "--epochs", "2"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.standardOutput.contains("additive cross-attention (dot-product self-attention)"), "\(resumed)")
        let after = try #require(try Checkpoint.load(from: last).configuration)
        #expect(after == configuration)

        // Decoding, evaluation and attention maps work on it (the weights have the usual shapes).
        let evaluate = try CLITool.run(["evaluate", "--checkpoint", last.path, "--data", data.path, "--max-len", "12"])
        #expect(evaluate.status == 0, "\(evaluate)")
        let out = directory.appendingPathComponent("maps")
        let plot = try CLITool.run(["plot-attention", "--checkpoint", last.path, "--text", "shopping", "--out", out.path])
        #expect(plot.status == 0, "\(plot)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files == ["cross-layer1.svg", "decoder-layer1.svg", "encoder-layer1.svg"], "\(files)")
    }

    @Test func additiveLanguageModelSaysSoInItsSummary() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try CLITraining.write([CLITraining.words.joined(separator: " ")], to: "text.txt", in: directory)
        let run = try CLITool.run(["train", "--task", "lm", "--data", text.path, "--context", "16", "--epochs", "1",
                                   "--attention", "additive", "--logdir", directory.appendingPathComponent("run").path]
                                  + CLITraining.tinyModel)
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.contains(" parameters, additive attention\n"), "\(run)")
    }
}
