import Foundation
import Testing
import TransformerCore

/// `train --architecture gru|lstm`: the recurrent encoder-decoder trains, resumes, and is read by
/// translate, evaluate and plot-attention like a Transformer; flags that do not fit are one-line errors.
@Suite("transformer-cli recurrent models (process)")
struct CLIRecurrentTests {
    static let tinyRecurrent = ["--d-model", "16", "--epochs", "2", "--batch-size", "8", "--warmup", "20", "--samples", "0"]

    @Test func bidirectionalGRUTrainsResumesAndIsReadByEveryCommand() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let runDirectory = directory.appendingPathComponent("run")
        let run = try CLITool.run(["train", "--data", data.path, "--architecture", "gru", "--bidirectional",
                                   "--logdir", runDirectory.path] + Self.tinyRecurrent)
        #expect(run.status == 0, "\(run)")
        let c = RecurrentConfiguration(architecture: .gru, sourceVocabularySize: 1, targetVocabularySize: 1, hiddenSize: 16,
                                       bidirectional: true)
        #expect(run.standardOutput.contains("parameters (GRU, hidden 16, 1 layer, bidirectional encoder, additive attention "
                                            + "with 1 head, dropout 0.1, up to 100 tokens a side)"), "\(run)")
        let last = runDirectory.appendingPathComponent("last.safetensors")
        let model = try Checkpoint.load(from: last).model(RecurrentEncoderDecoder.self)
        #expect(model.configuration.architecture == c.architecture && model.configuration.bidirectional
                && model.configuration.hiddenSize == 16 && model.configuration.attention == .additive)

        // --resume takes the model from the checkpoint; a different setting is an error.
        let conflict = try CLITool.run(["train", "--resume", last.path, "--epochs", "3", "--d-model", "32"])
        #expect(conflict.status == 64, "\(conflict)")
        #expect(conflict.errorLinesBesidesDebugNote == ["error: --d-model: the checkpoint has 16, got 32; with --resume leave it "
                                                        + "out (the checkpoint's settings are used) or start a new run"], "\(conflict)")
        let transformerFlag = try CLITool.run(["train", "--resume", last.path, "--epochs", "3", "--d-ff", "64"])
        #expect(transformerFlag.status == 64, "\(transformerFlag)")
        #expect(transformerFlag.errorLinesBesidesDebugNote == ["error: --d-ff: the checkpoint holds a gru encoder-decoder, which has "
                                                               + "no such setting; leave it out"], "\(transformerFlag)")
        let resumed = try CLITool.run(["train", "--resume", last.path, "--epochs", "3"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.standardOutput.contains("Finished at step"), "\(resumed)")

        for search in [[String](), ["--beam", "3"]] {
            let translate = try CLITool.run(["translate", "--checkpoint", last.path] + search + ["shopping", "team"])
            #expect(translate.status == 0 && translate.standardOutput.split(separator: "\n").count == 2, "\(translate)")
        }
        let evaluate = try CLITool.run(["evaluate", "--checkpoint", last.path, "--data", data.path, "--json"])
        #expect(evaluate.status == 0 && evaluate.standardOutput.contains("\"exact_match\":"), "\(evaluate)")

        let out = directory.appendingPathComponent("maps")
        let plot = try CLITool.run(["plot-attention", "--checkpoint", last.path, "--text", "shopping", "--out", out.path])
        #expect(plot.status == 0, "\(plot)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["cross-layer1.svg"])
        let encoder = try CLITool.run(["plot-attention", "--checkpoint", last.path, "--text", "shopping", "--out", out.path,
                                       "--kind", "encoder"])
        #expect(encoder.status == 64 && encoder.errorLines == ["error: --kind: expected cross (a gru encoder-decoder has only "
                                                               + "that attention), got encoder"], "\(encoder)")
        let heads = try CLITool.run(["heads", "--checkpoint", last.path, "--data", data.path])
        #expect(heads.status != 0 && heads.errorLines.count == 1, "\(heads)")
        #expect(heads.standardError.contains("holds a gru encoder-decoder; measuring and pruning heads needs a Transformer"), "\(heads)")
    }

    @Test func lstmWithDotProductAttentionTrains() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let run = try CLITool.run(["train", "--data", data.path, "--architecture", "lstm", "--layers", "2", "--heads", "2",
                                   "--attention", "dot-product", "--logdir", directory.appendingPathComponent("run").path]
                                  + Self.tinyRecurrent)
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.contains("(LSTM, hidden 16, 2 layers, dot-product attention with 2 heads,"), "\(run)")
    }

    /// Flags that do not fit the architecture: exit 64, one line naming the flag.
    @Test(arguments: [
        (["--architecture", "gru", "--positional", "learned"],
         "error: --positional: only for --architecture transformer, not gru (a recurrent model has no feed-forward sublayers, layer norms, positional encoding or self-attention)"),
        (["--architecture", "lstm", "--d-ff", "64"],
         "error: --d-ff: only for --architecture transformer, not lstm (a recurrent model has no feed-forward sublayers, layer norms, positional encoding or self-attention)"),
        (["--bidirectional"], "error: --bidirectional: only for --architecture gru or lstm (a recurrent encoder), not transformer"),
        (["--architecture", "gru", "--d-model", "30", "--heads", "4"],
         "error: --heads: expected a divisor of --d-model (30, the hidden size), got 4"),
        (["--architecture", "gru", "--attention", "additive", "--cross-attention", "dot-product"],
         "error: --cross-attention: cannot be combined with --attention for --architecture gru (it has one attention); give one of them"),
        (["--task", "lm", "--architecture", "gru"], "error: --architecture: only for --task translate (an encoder-decoder), not lm"),
        (["--architecture", "rnn"], "error: --architecture: expected one of transformer, gru, lstm, got 'rnn'"),
    ])
    func flagsThatDoNotFitAreOneLineErrors(_ flags: [String], _ message: String) throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let run = try CLITool.run(["train", "--data", data.path, "--logdir", directory.appendingPathComponent("run").path] + flags)
        #expect(run.status == 64, "\(run)")
        #expect(run.errorLinesBesidesDebugNote == [message], "\(run)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("run").path))
    }
}
