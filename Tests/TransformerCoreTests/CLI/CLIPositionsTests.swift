import Foundation
import Testing
import TransformerCore

/// `--positional rope|alibi`: one-line errors for models that cannot use them, and a tiny translator,
/// classifier and language model that train, save the kind, resume and decode.
@Suite("transformer-cli rope and alibi positions (process)")
struct CLIPositionsTests {
    static let usageErrors: [([String], String)] = [
        (["model", "--positional", "rope", "--d-model", "10", "--heads", "2"],
         "error: --positional rope: expected an even head dimension, got 5 (d_model 10 / 2 heads)"),
        (["train", "--data", "x", "--positional", "rope", "--d-model", "18", "--heads", "2"],
         "error: --positional rope: expected an even head dimension, got 9 (d_model 18 / 2 heads)"),
        (["train", "--data", "x", "--task", "lm", "--positional", "rope", "--d-model", "6", "--heads", "2"],
         "error: --positional rope: expected an even head dimension, got 3 (d_model 6 / 2 heads)"),
        (["model", "--positional", "alibi", "--attention", "additive"],
         "error: --positional alibi: expected dot-product self-attention, got additive self-attention"),
        (["train", "--data", "x", "--positional", "rope", "--self-attention", "additive"],
         "error: --positional rope: expected dot-product self-attention, got additive self-attention"),
        (["model", "--positional", "relative"],
         "error: --positional: expected one of sinusoidal, learned, sinusoidal-halves, rope, alibi, got 'relative'"),
        (["train", "--data", "x", "--architecture", "gru", "--positional", "rope"],
         "error: --positional: only for --architecture transformer, not gru (a recurrent model has no feed-forward "
            + "sublayers, layer norms, positional encoding or self-attention)"),
    ]

    @Test(arguments: usageErrors)
    func badPositionsAreOneLineAndExit64(arguments: [String], line: String) throws {
        let run = try CLITool.run(arguments)
        #expect(run.status == 64, "\(run)")
        #expect(run.errorLines == [line], "\(run)")
        #expect(run.standardOutput.isEmpty, "\(run)")
    }

    @Test(arguments: ["rope", "alibi"])
    func modelCommandBuildsIt(kind: String) throws {
        let run = try CLITool.run(["model", "--d-model", "16", "--heads", "2", "--layers", "1", "--d-ff", "32", "--positional", kind])
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.hasPrefix("Initialized model with random weights.\nFinal output size: [2, 5, 10]\n"), "\(run)")
        #expect(run.standardOutput.contains(kind), "\(run)")
    }

    /// A translator trains with the kind, the checkpoint keeps it, --resume uses it (a different kind is an
    /// error), and translate / evaluate decode with the KV cache.
    @Test(arguments: ["rope", "alibi"])
    func translatorTrainsResumesAndDecodes(kind: String) throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let runDirectory = directory.appendingPathComponent("run")
        let run = try CLITool.run(["train", "--data", data.path, "--epochs", "1", "--batch-size", "8", "--warmup", "20",
                                   "--samples", "0", "--positional", kind, "--logdir", runDirectory.path] + CLITraining.tinyModel)
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.contains(", \(kind) positions"), "\(run)")
        let last = runDirectory.appendingPathComponent("last.safetensors")
        let configuration = try #require(try Checkpoint.load(from: last).configuration)
        #expect(configuration.positionalEncoding.rawValue == kind)
        let other = kind == "rope" ? "alibi" : "rope"
        let conflict = try CLITool.run(["train", "--resume", last.path, "--epochs", "2", "--positional", other])
        #expect(conflict.status == 64 && conflict.errorLines.last?.hasPrefix("error: --positional: the checkpoint has \(kind), got \(other)") == true,
                "\(conflict)")
        let resumed = try CLITool.run(["train", "--resume", last.path, "--epochs", "2"])
        #expect(resumed.status == 0, "\(resumed)")
        let translate = try CLITool.run(["translate", "--checkpoint", last.path, "--beam", "2", "shopping", "team"])
        #expect(translate.status == 0 && translate.standardOutput.filter { $0 == "\n" }.count == 2, "\(translate)")   // one line each (a 2-epoch model may print empty ones)
        let evaluate = try CLITool.run(["evaluate", "--checkpoint", last.path, "--data", data.path, "--json"])
        #expect(evaluate.status == 0 && evaluate.standardOutput.contains("\"exact_match\":"), "\(evaluate)")
    }

    @Test func languageModelAndClassifierTrainWithThem() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try CLITraining.write([CLITraining.words.joined(separator: " ")], to: "text.txt", in: directory)
        let lm = try CLITool.run(["train", "--task", "lm", "--data", text.path, "--context", "16", "--epochs", "1",
                                  "--positional", "alibi", "--logdir", directory.appendingPathComponent("lm").path]
                                 + CLITraining.tinyModel)
        #expect(lm.status == 0, "\(lm)")
        let generate = try CLITool.run(["generate", "--checkpoint", directory.appendingPathComponent("lm/last.safetensors").path,
                                        "--prompt", "sh", "--max-new-tokens", "20"])
        #expect(generate.status == 0, "\(generate)")
        let labels = CLITraining.words.enumerated().map { "\($0.offset % 2 == 0 ? "even" : "odd")\t\($0.element)" }
        let labeled = try CLITraining.write(labels, to: "labels.tsv", in: directory)
        let classify = try CLITool.run(["train", "--task", "classify", "--data", labeled.path, "--epochs", "1",
                                        "--positional", "rope", "--logdir", directory.appendingPathComponent("cls").path]
                                       + CLITraining.tinyModel)
        #expect(classify.status == 0, "\(classify)")
    }
}
