import Foundation
import Testing
import TransformerCore

/// `train --task classify|lm`, `classify`, `generate`, `evaluate` and `plot-attention` on the other two
/// model families, end to end as processes on tiny generated data, and their bad input: a one-line error
/// naming the file, line or flag, and the exit status.
@Suite("transformer-cli model families (process)")
struct CLIFamilyTests {
    /// 60 texts labelled by whether they contain an "a" (learnable from one character).
    static let labelledLines: [String] = (0..<60).map { i in
        let letters = Array("bcdfghjklmnp")
        let word = (0..<(3 + i % 4)).map { String(letters[($0 * 7 + i) % letters.count]) }.joined()
        return i % 2 == 0 ? "yes\t\(word)a\(word)" : "no\t\(word)"
    }
    static let text = String(repeating: "to be or not to be, that is the question. ", count: 40)

    /// One classifier and one language model trained for a few epochs, shared by the tests that read them.
    struct Trained: Sendable {
        let directory: URL
        let classifierRun: CLIRun
        let languageModelRun: CLIRun
        var classifier: String { directory.appendingPathComponent("cls/best.safetensors").path }
        var languageModel: String { directory.appendingPathComponent("lm/best.safetensors").path }
        var labelled: String { directory.appendingPathComponent("labelled.tsv").path }
        var textFile: String { directory.appendingPathComponent("text.txt").path }
    }

    static let trained: Result<Trained, any Error> = Result {
        let directory = try CLITraining.temporaryDirectory()
        try CLITraining.write(labelledLines, to: "labelled.tsv", in: directory)
        try Data(text.utf8).write(to: directory.appendingPathComponent("text.txt"))
        let common = CLITraining.tinyModel + ["--warmup", "20", "--seed", "1"]
        let classifierRun = try CLITool.run(["train", "--task", "classify", "--data", directory.appendingPathComponent("labelled.tsv").path,
                                             "--epochs", "12", "--batch-size", "8", "--max-len", "16",
                                             "--logdir", directory.appendingPathComponent("cls").path] + common)
        let languageModelRun = try CLITool.run(["train", "--task", "lm", "--data", directory.appendingPathComponent("text.txt").path,
                                                "--epochs", "6", "--context", "24", "--batch-size", "8",
                                                "--logdir", directory.appendingPathComponent("lm").path] + common)
        return Trained(directory: directory, classifierRun: classifierRun, languageModelRun: languageModelRun)
    }

    @Test func trainingBothFamiliesSucceedsAndRecordsTheFamily() throws {
        let t = try Self.trained.get()
        #expect(t.classifierRun.status == 0, "\(t.classifierRun)")
        #expect(t.languageModelRun.status == 0, "\(t.languageModelRun)")
        #expect(t.classifierRun.standardOutput.contains("2 classes (no, yes)"))
        #expect(try Checkpoint.inspect(URL(fileURLWithPath: t.classifier)).family == .encoderClassifier)
        #expect(try Checkpoint.inspect(URL(fileURLWithPath: t.languageModel)).metadata["task"] == "lm")
    }

    @Test func classifyPrintsLabelsAndProbabilities() throws {
        let t = try Self.trained.get()
        let plain = try CLITool.run(["classify", "--checkpoint", t.classifier, "bcadfa", "bcd"])
        #expect(plain.status == 0 && plain.standardOutput == "yes\nno\n", "\(plain)")
        let json = try CLITool.run(["classify", "--checkpoint", t.classifier, "--json"], input: "bcadfa\n")
        #expect(json.status == 0 && json.standardOutput.hasPrefix("{\"input\":\"bcadfa\",\"label\":\"yes\",\"probabilities\":{\"no\":"))
    }

    @Test func evaluateAClassifierPrintsAccuracyMacroF1AndConfusion() throws {
        let t = try Self.trained.get()
        let run = try CLITool.run(["evaluate", "--checkpoint", t.classifier, "--data", t.labelled, "--json"])
        #expect(run.status == 0, "\(run)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect((object["accuracy"] as? Double).map { $0 > 0.9 } == true, "\(run.standardOutput)")
        #expect(object["macro_f1"] is Double && (object["confusion"] as? [[Int]])?.flatMap { $0 }.reduce(0, +) == 60)
    }

    @Test func generateIsSeededAndEvaluateReportsPerplexity() throws {
        let t = try Self.trained.get()
        let arguments = ["generate", "--checkpoint", t.languageModel, "--prompt", "to be", "--max-new-tokens", "20",
                         "--temperature", "0.8", "--seed", "5"]
        let first = try CLITool.run(arguments), second = try CLITool.run(arguments)
        #expect(first.status == 0 && first.standardOutput == second.standardOutput, "\(first)")
        #expect(first.standardOutput.hasPrefix("to be") && first.standardOutput.count == "to be".count + 20 + 1)
        let run = try CLITool.run(["evaluate", "--checkpoint", t.languageModel, "--data", t.textFile, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let loss = try #require(object["loss"] as? Double), perplexity = try #require(object["perplexity"] as? Double)
        #expect(abs(perplexity - Foundation.exp(loss)) < 1e-3 * perplexity && loss < 2.5, "\(run.standardOutput)")
    }

    @Test func plotAttentionDrawsBothFamilies() throws {
        let t = try Self.trained.get()
        let out = t.directory.appendingPathComponent("plots").path
        let classifier = try CLITool.run(["plot-attention", "--checkpoint", t.classifier, "--text", "bca", "--out", out, "--rollout"])
        #expect(classifier.status == 0 && classifier.standardOutput.contains("encoder-layer1.svg")
                    && classifier.standardOutput.contains("encoder-rollout.svg"), "\(classifier)")
        let svg = try String(contentsOfFile: out + "/encoder-layer1.svg", encoding: .utf8)
        #expect(svg.contains("[CLS]") && svg.contains("query: token"))
        let lm = try CLITool.run(["plot-attention", "--checkpoint", t.languageModel, "--text", "to be", "--out", out])
        #expect(lm.status == 0 && lm.standardOutput.contains("decoder-layer1.svg"), "\(lm)")
    }

    /// A classifier run stopped after 2 epochs and resumed to 4 ends with the weights of a run that never
    /// stopped, bit for bit (the data settings, tokenizer, labels, optimizer and generator come back).
    @Test(arguments: ["classify", "lm"])
    func resumedRunsEqualStraightRuns(task: String) throws {
        let t = try Self.trained.get()
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = task == "classify" ? ["--data", t.labelled, "--max-len", "16"] : ["--data", t.textFile, "--context", "24"]
        let common = ["train", "--task", task, "--batch-size", "8", "--warmup", "20", "--patience", "0"] + data + CLITraining.tinyModel
        let straight = try CLITool.run(common + ["--epochs", "4", "--logdir", directory.appendingPathComponent("straight").path])
        let first = try CLITool.run(common + ["--epochs", "2", "--logdir", directory.appendingPathComponent("stopped").path])
        let stopped = directory.appendingPathComponent("stopped/last.safetensors").path
        let resumed = try CLITool.run(["train", "--resume", stopped, "--epochs", "4"])
        #expect(straight.status == 0 && first.status == 0 && resumed.status == 0, "\(resumed)")
        let a = try Checkpoint.load(from: directory.appendingPathComponent("straight/last.safetensors")).model
        let b = try Checkpoint.load(from: URL(fileURLWithPath: stopped)).model
        #expect(a.parameters.map(\.scalars) == b.parameters.map(\.scalars))
        let refused = try CLITool.run(["train", "--resume", stopped, "--epochs", "6", "--d-model", "8"])
        #expect(refused.status == 64 && refused.errorLinesBesidesDebugNote.first?.hasPrefix("error: --d-model: with --resume") == true)
    }

    /// Bad input: one `error:` line naming the file, line or flag, and the exit status.
    @Test func badInputIsOneLineNamingThePlace() throws {
        let t = try Self.trained.get()
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let noTab = try CLITraining.write(["yes\tabc", "no tab here"], to: "notab.tsv", in: directory).path
        let emptyLabel = try CLITraining.write(["yes\tabc", "\tabc"], to: "nolabel.tsv", in: directory).path
        let empty = try CLITraining.write([""], to: "empty.txt", in: directory).path
        let cases: [([String], Int32, String)] = [
            (["train", "--task", "classify", "--data", noTab], 65, "\(noTab):2: expected 'label<TAB>text', found no tab"),
            (["train", "--task", "classify", "--data", emptyLabel], 65, "\(emptyLabel):2: expected a label before the tab, found none"),
            (["train", "--task", "lm", "--data", empty], 65, "\(empty): expected a text to train on, found an empty file"),
            (["train", "--task", "lm", "--data", t.textFile, "--context", "100000"] + CLITraining.tinyModel, 64,
             "--context: expected fewer tokens than the training text's"),
            (["translate", "--checkpoint", t.classifier, "x"], 1,
             "\(t.classifier): holds an encoder classifier, but an encoder-decoder (translation) model is needed"),
            (["classify", "--checkpoint", t.languageModel, "x"], 1,
             "\(t.languageModel): holds a decoder-only language model, but an encoder classifier is needed"),
            (["generate", "--checkpoint", t.classifier, "--prompt", "x"], 1, "holds an encoder classifier, but a decoder-only language model is needed"),
            (["plot-attention", "--checkpoint", t.languageModel, "--text", "x", "--out", directory.path, "--kind", "cross"], 64, "--kind: expected decoder"),
            (["train", "--task", "lm", "--data", t.textFile, "--pooling", "mean"], 64, "--pooling: only for --task classify, not lm"),
            (["train", "--data", t.textFile, "--context", "8"], 64, "--context: only for --task lm, not translate"),
        ]
        for (arguments, status, message) in cases {
            let run = try CLITool.run(arguments, currentDirectory: directory)
            #expect(run.status == status, "\(arguments): \(run)")
            let lines = run.errorLinesBesidesDebugNote
            #expect(lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains(message), "\(arguments): \(run)")
        }
    }
}
