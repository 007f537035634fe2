import Foundation
import Testing
import TransformerCore

/// Ctrl-C (SIGINT) and SIGTERM during `train`: the step finishes, last.safetensors is saved, the exit
/// status is 128 + the signal, and `--resume` continues from the checkpoint.
@Suite("transformer-cli train signals (process)")
struct CLISignalTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func signalSavesTheCheckpointAndResumeContinues(signal number: Int32) throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLITraining.write(CLITraining.pairLines, to: "pairs.tsv", in: directory)
        let run = directory.appendingPathComponent("run")
        // Enough epochs that training is surely still going when the signal arrives.
        let (process, output, error) = try CLITraining.start(
            ["train", "--data", data.path, "--epochs", "1000", "--batch-size", "4", "--log-every", "1", "--samples", "0",
             "--logdir", run.path] + CLITraining.tinyModel, in: directory)
        let started = CLITraining.wait(seconds: 60) { CLITraining.text(output).contains(" step 2/") }
        #expect(started, "no progress line: \(CLITraining.text(output)) \(CLITraining.text(error))")
        kill(process.processIdentifier, number)
        let exited = CLITraining.wait(seconds: 60) { !process.isRunning }
        if !exited { process.terminate() }
        process.waitUntilExit()
        #expect(exited, "still running 60 s after the signal")
        #expect(process.terminationStatus == 128 + number, "\(CLITraining.text(output))\n\(CLITraining.text(error))")
        let name = number == SIGINT ? "SIGINT" : "SIGTERM"
        let last = run.appendingPathComponent("last.safetensors")
        #expect(CLITraining.text(output).contains("Stopped by \(name) at step "), "\(CLITraining.text(output))")
        #expect(CLITraining.text(output).contains("saved \(run.path)/last.safetensors\nResume with: transformer-cli train --resume "),
                "\(CLITraining.text(output))")
        #expect(CLITraining.text(error).contains("\(name): finishing the current step, then saving last.safetensors"))

        let loaded = try Checkpoint.load(from: last)
        let state = try #require(try TrainingRecord(metadata: loaded.metadata, file: last.path).state)
        #expect(state.step >= 2)
        let remaining = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.contains(".tmp-") }
        #expect(remaining.isEmpty, "temporary files left: \(remaining)")
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("loss.svg").path),
                "train draws loss.svg also when a signal stops it")

        // Resume and finish the epoch the signal interrupted (and one more).
        let epochs = state.completedEpochs + 2
        let resumed = try CLITool.run(["train", "--resume", last.path, "--epochs", "\(epochs)", "--samples", "0"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.standardOutput.hasPrefix("Resuming \(last.path) at step \(state.step): epoch "), "\(resumed)")
        let after = try Checkpoint.load(from: last)
        let finalState = try #require(try TrainingRecord(metadata: after.metadata, file: last.path).state)
        #expect(finalState.completedEpochs == epochs && finalState.batchesIntoEpoch == 0 && finalState.step > state.step)
        #expect(finalState.step == epochs * 9)   // 36 training pairs in batches of 4
    }

    @Test func resumeRejectsAConflictingSettingAndFinishedRuns() throws {
        let trained = try CLITraining.trainedModel()
        let conflict = try CLITool.run(["train", "--resume", trained.last.path, "--epochs", "3", "--d-model", "32"])
        #expect(conflict.status == 64, "\(conflict)")
        #expect(conflict.errorLines == ["error: --d-model: the checkpoint has 16, got 32; with --resume leave it out "
                                        + "(the checkpoint's settings are used) or start a new run"], "\(conflict)")
        let same = try CLITool.run(["train", "--resume", trained.last.path, "--epochs", "2", "--d-model", "16"])
        #expect(same.status == 64, "\(same)")
        #expect(same.errorLines == ["error: --epochs: expected more than the 2 epochs the checkpoint has completed, got 2"],
                "\(same)")
        let newRunThere = try CLITool.run(["train", "--data", trained.data.path, "--logdir", trained.last.deletingLastPathComponent().path]
                                          + CLITraining.tinyModel)
        #expect(newRunThere.status == 73, "\(newRunThere)")
        #expect(newRunThere.errorLines.first?.contains("holds last.safetensors of another run; pass --resume ") == true,
                "\(newRunThere)")
    }
}
