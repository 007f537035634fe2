import Foundation
import Testing
import TransformerCore

/// `train`, `translate` and `evaluate` run as processes on a tiny Pig-Latin file.
@Suite("transformer-cli train / translate / evaluate (process)")
struct CLITrainTests {
    @Test func trainWritesCheckpointsLogsAndASummary() throws {
        let trained = try CLITraining.trainedModel()
        let run = trained.run
        #expect(run.errorLinesBesidesDebugNote.isEmpty, "\(run)")
        #expect(run.errorLines.count == 1, "debug builds say once that training is slow: \(run)")
        let output = run.standardOutput
        #expect(output.contains("Data: \(trained.data.path): 40 pairs; training 36, validation 4 (--val-fraction 0.1, --seed 0)"),
                "\(run)")
        #expect(output.contains("Model: "), "\(run)")
        #expect(output.contains("Training: 2 epochs of 5 batches"), "\(run)")
        #expect(output.contains("tensorboard --logdir \(trained.directory.path)/run"), "\(run)")
        #expect(output.contains("epoch 1/2 step 1/5 loss "), "\(run)")
        #expect(output.contains("validation: loss "), "\(run)")
        #expect(output.contains("Finished at step 10 (the end of epoch 2)"), "\(run)")
        let files = try FileManager.default.contentsOfDirectory(atPath: trained.best.deletingLastPathComponent().path)
        #expect(files.contains("last.safetensors") && files.contains("best.safetensors") && files.contains("metrics.csv"))
        #expect(files.contains { $0.hasPrefix("events.out.tfevents.") }, "\(files)")
        let loaded = try Checkpoint.load(from: trained.last)
        let record = try TrainingRecord(metadata: loaded.metadata, file: "last")
        #expect(record.state?.step == 10 && record.state?.completedEpochs == 2)
        #expect(loaded.configuration?.maximumLength == 101)   // --max-len 100 + <eos>/<sos>
        #expect(record.tokenizers?.source.kind == .character)
        let csv = CLITraining.text(trained.best.deletingLastPathComponent().appendingPathComponent("metrics.csv"))
        #expect(csv.hasPrefix("step,wall_time,tag,value\n1,") && csv.contains(",val/exact_match,"))
    }

    @Test func translateArgumentsAndStandardInput() throws {
        let trained = try CLITraining.trainedModel()
        let arguments = try CLITool.run(["translate", "--checkpoint", trained.best.path, "team", "school", "", "--max-len", "12"])
        #expect(arguments.status == 0, "\(arguments)")
        #expect(arguments.standardError.isEmpty, "\(arguments)")
        let lines = arguments.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 4 && lines[2] == "" && lines[3] == "", "\(arguments)")   // the empty input gives an empty line
        let piped = try CLITool.run(["translate", "--checkpoint", trained.best.path, "--max-len", "12"], input: "team\nschool\n\n")
        #expect(piped.standardOutput == arguments.standardOutput, "\(piped)")
        let beam = try CLITool.run(["translate", "--checkpoint", trained.best.path, "--beam", "3", "--alpha", "1", "team"])
        #expect(beam.status == 0 && beam.standardOutput.filter { $0 == "\n" }.count == 1, "\(beam)")
    }

    @Test func translateJSONParsesAndCountsUnknownCharacters() throws {
        let trained = try CLITraining.trainedModel()
        let run = try CLITool.run(["translate", "--checkpoint", trained.best.path, "--json", "--max-len", "10", "--",
                                   "tëam", "-ok", ""])
        #expect(run.status == 0, "\(run)")
        #expect(run.errorLines == ["note: argument 1: 1 unknown token ('ë') not in the model's vocabulary, read as <unk>",
                                   "note: argument 2: 1 unknown token ('-') not in the model's vocabulary, read as <unk>"],
                "\(run)")
        let objects = try run.standardOutput.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 3)
        #expect(objects[0]["input"] as? String == "tëam")
        #expect(objects[0]["unknown_tokens"] as? Int == 1)
        #expect(objects[1]["input"] as? String == "-ok")   // after `--`, a text may start with a dash
        let tokens = try #require(objects[0]["tokens"] as? [String])
        #expect(tokens.joined() == objects[0]["output"] as? String)
        #expect(tokens.count <= 10)
        let ids = try #require(objects[0]["ids"] as? [Int])   // one id per token, none of them a special
        #expect(ids.count == tokens.count && ids.allSatisfy { $0 >= SpecialTokens.standard.unknown })
        #expect((objects[0]["log_probability"] as? Double).map { $0 <= 0 } == true)
        #expect(objects[2]["output"] as? String == "" && objects[2]["complete"] as? Bool == true)
    }

    @Test func translateRejectsAnInputLongerThanTheModel() throws {
        let trained = try CLITraining.trainedModel()
        let run = try CLITool.run(["translate", "--checkpoint", trained.best.path], input: "ok\n" + String(repeating: "a", count: 101) + "\n")
        #expect(run.status == 65, "\(run)")
        #expect(run.errorLines == ["error: <stdin>:2: 101 character tokens, more than the 100 the model was trained for (its --max-len)"],
                "\(run)")
        #expect(run.standardOutput.isEmpty)
    }

    @Test func evaluatePrintsATableAndJSON() throws {
        let trained = try CLITraining.trainedModel()
        let table = try CLITool.run(["evaluate", "--checkpoint", trained.best.path, "--data", trained.data.path,
                                     "--max-len", "12", "--errors", "2"])
        #expect(table.status == 0, "\(table)")
        for row in ["exact match", "token accuracy", "CER", "WER", "BLEU-4", "chrF2", "loss"] {
            #expect(table.standardOutput.contains("\n  \(row) "), "\(row) missing: \(table)")
        }
        #expect(table.standardOutput.hasPrefix("Evaluated \(trained.best.path) on \(trained.data.path): 40 pairs, greedy decoding\n"))
        let json = try CLITool.run(["evaluate", "--checkpoint", trained.best.path, "--data", trained.data.path, "--json",
                                    "--beam", "2", "--max-len", "12"])
        #expect(json.status == 0, "\(json)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["pairs"] as? Int == 40 && object["decoding"] as? String == "beam" && object["beam"] as? Int == 2)
        for key in ["exact_match", "token_accuracy", "cer", "wer", "bleu", "chrf", "loss"] {
            #expect(object[key] is Double, "\(key) missing: \(json.standardOutput)")
        }
        #expect((0...100).contains(object["chrf"] as? Double ?? -1))
        let exact = try #require(object["exact_match"] as? Double)
        #expect((0...1).contains(exact))
        #expect(object["refill_beam"] as? Bool == false)
        let refilled = try CLITool.run(["evaluate", "--checkpoint", trained.best.path, "--data", trained.data.path,
                                        "--beam", "2", "--refill-beam", "--max-len", "12"])
        #expect(refilled.status == 0 && refilled.standardOutput.hasPrefix(
            "Evaluated \(trained.best.path) on \(trained.data.path): 40 pairs, beam search (width 2, alpha 0.6, refilled)\n"),
                "\(refilled)")
    }

    @Test func malformedLinesAreListedWithTheirLineNumbersAndExit65() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines = CLITraining.pairLines
        lines[1] = "noTabHere"
        lines[3] = "a\tb\tc"
        lines[6] = "\teway"
        let data = try CLITraining.write(lines, to: "bad.tsv", in: directory)
        let logdir = directory.appendingPathComponent("run").path
        let run = try CLITool.run(["train", "--data", data.path, "--logdir", logdir] + CLITraining.tinyModel)
        #expect(run.status == 65, "\(run)")
        #expect(run.errorLines == [
            "\(data.path):2: expected 'source<TAB>target', found no tab",
            "\(data.path):4: expected 'source<TAB>target' with one tab, found 2 tabs",
            "\(data.path):7: expected a non-empty source, found only whitespace",
            "error: \(data.path): 3 invalid lines; fix them or pass --skip-invalid to leave them out",
        ], "\(run)")
        #expect(!FileManager.default.fileExists(atPath: logdir), "a data error must not leave a run directory")

        let skipped = try CLITool.run(["train", "--data", data.path, "--logdir", logdir, "--skip-invalid", "--epochs", "1",
                                       "--samples", "0"] + CLITraining.tinyModel)
        #expect(skipped.status == 0, "\(skipped)")
        #expect(skipped.errorLinesBesidesDebugNote == ["warning: \(data.path): left out 3 invalid lines (--skip-invalid); the first: "
                                       + "line 2: expected 'source<TAB>target', found no tab"], "\(skipped)")
        #expect(skipped.standardOutput.contains("Data: \(data.path): 37 pairs (3 invalid lines left out)"), "\(skipped)")
    }

    @Test func manyBadLinesAreCutShort() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines + Array(repeating: "x", count: 12), to: "bad.tsv", in: directory)
        let run = try CLITool.run(["train", "--data", data.path] + CLITraining.tinyModel)
        #expect(run.status == 65, "\(run)")
        #expect(run.errorLines.count == 7, "\(run)")   // 5 lines, "... and 7 more", the error
        #expect(run.errorLines.dropLast().last == "... and 7 more")
        #expect(run.errorLines.last == "error: \(data.path): 12 invalid lines; fix them or pass --skip-invalid to leave them out")
    }

    /// A bad command line: arguments, then the exact error line (exit 64).
    static let usageErrors: [([String], String)] = [
        (["train"], "error: --data: expected a file of source<TAB>target pairs (required unless --resume), got nothing"),
        (["train", "--data", "x", "--lr", "0.01", "--warmup", "10"], "error: --lr: cannot be combined with --warmup; give one of them"),
        (["train", "--data", "x", "--batch-size", "8", "--batch-tokens", "100"],
         "error: --batch-tokens: cannot be combined with --batch-size; give one of them"),
        (["train", "--data", "x", "--val-data", "y", "--val-fraction", "0.2"],
         "error: --val-data: cannot be combined with --val-fraction; give one of them"),
        (["train", "--data", "x", "--tokenizer", "letters"], "error: --tokenizer: expected character, word, punctuation, bpe, or a tokenizer.json / SentencePiece .model file, got 'letters'"),
        (["train", "--data", "x", "--d-model", "16", "--heads", "3"], "error: --heads: expected a divisor of --d-model (16), got 3"),
        (["train", "--data", "x", "--batch-size", "0"], "error: --batch-size: expected an integer from 1 to 1048576, got 0"),
        (["train", "--data", "x", "--label-smoothing", "1"], "error: --label-smoothing: expected a probability in [0, 1), got 1"),
        (["train", "--data", "x", "--max-len", "1048576"], "error: --max-len: expected an integer from 1 to 1048575, got 1048576"),
        (["train", "--data", "x", "--src-vocab", "10"], "error: --src-vocab: unknown option for 'train'; see 'transformer-cli train --help'"),
        (["train", "--data", "x", "word"], "error: unexpected argument 'word'; 'train' takes only --options; see 'transformer-cli train --help'"),
        (["translate", "team"], "error: missing --checkpoint or --model: give a checkpoint written by train or a MarianMT directory"),
        (["translate", "--checkpoint", "c", "--beam", "0"], "error: --beam: expected an integer from 1 to 1000, got 0"),
        (["translate", "--checkpoint", "c", "-x"],
         "error: unknown option '-x' for 'translate'; put '--' before a <text> that starts with '-'; see 'transformer-cli translate --help'"),
        (["evaluate", "--checkpoint", "c"], "error: --data: expected a value (required), got nothing"),
    ]

    @Test(arguments: usageErrors)
    func badCommandLinesExit64(arguments: [String], line: String) throws {
        let run = try CLITool.run(arguments)
        #expect(run.status == 64, "\(run)")
        #expect(run.errorLines == [line], "\(run)")
        #expect(run.standardOutput.isEmpty)
    }

    @Test func missingInputFilesExit66() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.tsv").path
        let train = try CLITool.run(["train", "--data", missing, "--logdir", directory.appendingPathComponent("run").path])
        #expect(train.status == 66, "\(train)")
        #expect(train.errorLines == ["error: \(missing): file not found"], "\(train)")
        let translate = try CLITool.run(["translate", "--checkpoint", directory.appendingPathComponent("none.safetensors").path, "x"])
        #expect(translate.status == 66, "\(translate)")
        #expect(translate.errorLines.count == 1 && translate.errorLines[0].hasPrefix("error: \(directory.path)/none.safetensors: "),
                "\(translate)")
        let empty = try CLITraining.write([], to: "empty.tsv", in: directory)
        let emptyRun = try CLITool.run(["train", "--data", empty.path])
        #expect(emptyRun.status == 65, "\(emptyRun)")
        #expect(emptyRun.errorLines == ["error: \(empty.path): expected lines of 'source<TAB>target', found no pair (the file is empty or blank)"])
    }

    @Test func unusableOutputDirectoriesExit73BeforeTraining() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let file = try CLITraining.write(["not a directory"], to: "file.txt", in: directory)
        let asOut = try CLITool.run(["train", "--data", data.path, "--out", file.path,
                                     "--logdir", directory.appendingPathComponent("logs").path] + CLITraining.tinyModel)
        #expect(asOut.status == 73, "\(asOut)")
        #expect(asOut.errorLines == ["error: --out \(file.path): is a file, not a directory; pass a directory"], "\(asOut)")
        let below = try CLITool.run(["train", "--data", data.path, "--logdir", file.path + "/run"] + CLITraining.tinyModel)
        #expect(below.status == 73, "\(below)")
        #expect(below.errorLines == ["error: --logdir \(file.path)/run: '\(file.path)' is a file, not a directory; pass a directory"],
                "\(below)")
        #expect(asOut.standardOutput.isEmpty && below.standardOutput.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("logs").path))
    }

    /// Each training step is finite, but its weights give a NaN validation loss: the run stops there with
    /// the step, before those weights are saved (it used to fail while encoding the NaN as the best loss).
    @Test func aNonFiniteValidationLossStopsBeforeSaving() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let run = try CLITool.run(["train", "--data", data.path, "--lr", "1e20", "--clip", "0", "--batch-size", "64",
                                   "--epochs", "3", "--logdir", directory.appendingPathComponent("run").path] + CLITraining.tinyModel)
        #expect(run.status == 1, "\(run)")
        #expect(run.errorLinesBesidesDebugNote.count == 1, "\(run)")
        let line = try #require(run.errorLines.last)
        #expect(line.hasPrefix("error: training diverged at step 1: validation loss "), "\(run)")
        #expect(line.contains("this epoch's weights were not saved; no checkpoint was saved before it"), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("run/last.safetensors").path))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("run/best.safetensors").path))
    }

    @Test func divergenceNamesTheStepAndExits1() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let run = try CLITool.run(["train", "--data", data.path, "--lr", "1e30", "--clip", "0", "--batch-size", "4",
                                   "--logdir", directory.appendingPathComponent("run").path] + CLITraining.tinyModel)
        #expect(run.status == 1, "\(run)")
        let line = try #require(run.errorLines.last)
        #expect(line.hasPrefix("error: training diverged at step "), "\(run)")
        #expect(line.contains("the parameters were not updated; no checkpoint was saved before it; try a lower --lr-scale or --lr"),
                "\(run)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("run/last.safetensors").path))
    }
}
