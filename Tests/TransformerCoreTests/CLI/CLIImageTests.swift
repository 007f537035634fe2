import Foundation
import Testing
import TransformerCore

/// `train --task image-classify`, `classify-image`, `evaluate` and `--resume` on image checkpoints, end to
/// end as processes on tiny generated image folders and MNIST-layout files, and their bad input: a one-line
/// error naming the file or flag, and the exit status.
@Suite("transformer-cli image classification (process)")
struct CLIImageTests {
    /// An 8x8 grey image, bright in the top or the bottom half, with seeded noise.
    static func image(top: Bool, seed: Int) -> [UInt8] {
        (0..<64).map { i in
            let bright = (i / 8 < 4) == top
            let noise = UInt8((seed * 37 + i * 11) % 50)
            return bright ? 200 + noise : noise
        }
    }

    /// A binary PGM file.
    static func pgm(_ pixels: [UInt8], width: Int = 8, height: Int = 8) -> Data {
        Data("P5\n\(width) \(height)\n255\n".utf8) + Data(pixels)
    }

    /// An RGB PNG of an 8x8 image (the folder mixes formats and channels: the model is then RGB).
    static func png(_ pixels: [UInt8]) -> Data {
        var raster = RasterImage(width: 8, height: 8, background: RGB(red: 0, green: 0, blue: 0))
        for y in 0..<8 { for x in 0..<8 { let v = pixels[y * 8 + x]; raster[x, y] = RGB(red: v, green: v, blue: v) } }
        return Data(PNGEncoder.encode(raster))
    }

    /// DIR/top/*.pgm and DIR/bottom/*.pgm (one PNG each), 16 images a class.
    static func writeFolder(in directory: URL) throws -> URL {
        let root = directory.appendingPathComponent("images")
        for (name, top) in [("top", true), ("bottom", false)] {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<16 {
                let pixels = image(top: top, seed: i + (top ? 0 : 100))
                if i == 0 { try png(pixels).write(to: folder.appendingPathComponent("\(i).png")) }
                else { try pgm(pixels).write(to: folder.appendingPathComponent(String(format: "%02d.pgm", i))) }
            }
        }
        return root
    }

    struct Trained: Sendable {
        let directory: URL
        let run: CLIRun
        var images: String { directory.appendingPathComponent("images").path }
        var checkpoint: String { directory.appendingPathComponent("vit/best.safetensors").path }
        var last: String { directory.appendingPathComponent("vit/last.safetensors").path }
        func image(_ name: String) -> String { directory.appendingPathComponent("images/\(name)").path }
    }

    /// A constant learning rate: the default schedule's warm-up peak is too high for 30 steps of d_model 16.
    static let common = CLITraining.tinyModel + ["--task", "image-classify", "--batch-size", "8", "--lr", "3e-3", "--seed", "2",
                                                 "--val-fraction", "0.25"]

    static let trained: Result<Trained, any Error> = Result {
        let directory = try CLITraining.temporaryDirectory()
        let images = try writeFolder(in: directory)
        let run = try CLITool.run(["train", "--data", images.path, "--epochs", "12", "--augment", "flip", "--patch-size", "4",
                                   "--logdir", directory.appendingPathComponent("vit").path] + common)
        return Trained(directory: directory, run: run)
    }

    @Test func trainingReadsTheFolderAndWritesAnImageCheckpoint() throws {
        let t = try Self.trained.get()
        #expect(t.run.status == 0, "\(t.run)")
        #expect(t.run.standardOutput.contains("Data: 24 training and 8 validation images"), "\(t.run)")
        #expect(t.run.standardOutput.contains("2 classes (bottom, top)"))
        #expect(t.run.standardOutput.contains("Images: 8x8, RGB, 2x2 patches of 4x4 pixels (5 positions with [CLS])"))
        #expect(t.run.standardOutput.contains("augmented by horizontal flips"))
        let summary = try Checkpoint.inspect(URL(fileURLWithPath: t.checkpoint))
        #expect(summary.family == .visionTransformer && summary.metadata["task"] == "image-classify")
        #expect(summary.metadata["labels"] == "[\"bottom\",\"top\"]")
    }

    @Test func classifyImagePrintsTheTopClassesAndJSON() throws {
        let t = try Self.trained.get()
        let plain = try CLITool.run(["classify-image", "--checkpoint", t.checkpoint, t.image("top/03.pgm"), t.image("bottom/0.png")])
        #expect(plain.status == 0, "\(plain)")
        let lines = plain.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 6 && lines[0] == t.image("top/03.pgm") && lines[3] == t.image("bottom/0.png"), "\(plain)")
        #expect(lines[1].hasPrefix("  top ") && lines[4].hasPrefix("  bottom "), "\(plain)")
        let percents = [lines[1], lines[2]].map { Double($0.split(separator: " ").last!.dropLast())! }
        #expect(abs(percents.reduce(0, +) - 100) < 0.02 && percents[0] >= percents[1])
        let json = try CLITool.run(["classify-image", "--checkpoint", t.checkpoint, "--json", "--top", "1"], input: t.image("bottom/05.pgm") + "\n")
        #expect(json.status == 0, "\(json)")
        #expect(json.standardOutput.hasPrefix("{\"image\":\"\(t.image("bottom/05.pgm"))\",\"label\":\"bottom\",\"top\":[{\"label\":\"bottom\",\"probability\":"),
                "\(json)")
    }

    @Test func evaluatePrintsAccuracyAndTheConfusionMatrix() throws {
        let t = try Self.trained.get()
        let run = try CLITool.run(["evaluate", "--checkpoint", t.checkpoint, "--data", t.images])
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.hasPrefix("Images: 32 from \(t.images)\naccuracy  "), "\(run)")
        #expect(run.standardOutput.contains("confusion (rows: true class, columns: predicted)"))
        let json = try CLITool.run(["evaluate", "--checkpoint", t.checkpoint, "--data", t.images, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["images"] as? Int == 32)
        let accuracy = try #require(object["accuracy"] as? Double)
        #expect(accuracy >= 0.9, "accuracy \(accuracy) on a task told apart by the brighter half")
        let confusion = try #require(object["confusion"] as? [[Int]])
        #expect(confusion.flatMap { $0 }.reduce(0, +) == 32)
    }

    @Test func plotAttentionDrawsEveryLayerAndTheRolloutOverTheImage() throws {
        let t = try Self.trained.get()
        let out = t.directory.appendingPathComponent("plots")
        let run = try CLITool.run(["plot-attention", "--checkpoint", t.checkpoint, "--image", t.image("top/02.pgm"),
                                   "--out", out.path, "--format", "png", "--rollout"])
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.hasPrefix("Classified: \(t.image("top/02.pgm")) -> "), "\(run)")
        for name in ["encoder-layer1.png", "encoder-rollout.png"] {
            let bytes = try [UInt8](Data(contentsOf: out.appendingPathComponent(name)))
            #expect(try PNGDecoder.decode(bytes).width > 0)
        }
        let page = try CLITool.run(["plot-attention", "--checkpoint", t.checkpoint, "--image", t.image("top/02.pgm"),
                                    "--out", out.path, "--format", "html", "--head", "2"])
        let html = try String(contentsOf: out.appendingPathComponent("attention.html"), encoding: .utf8)
        #expect(page.status == 0 && html.contains("data:image/png;base64,"), "\(page)")
        let kind = try CLITool.run(["plot-attention", "--checkpoint", t.checkpoint, "--image", t.image("top/02.pgm"), "--out", out.path, "--kind", "cross"])
        #expect(kind.status == 64 && kind.errorLines == ["error: --kind: expected encoder (a Vision Transformer has only that attention), got cross"], "\(kind)")
        let text = try CLITool.run(["plot-attention", "--checkpoint", t.checkpoint, "--text", "hello", "--out", out.path])
        #expect(text.status == 64 && text.errorLines.count == 1 && text.errorLines[0].hasPrefix("error: --image: expected an image file"), "\(text)")
        let head = try CLITool.run(["plot-attention", "--checkpoint", t.checkpoint, "--image", t.image("top/02.pgm"), "--out", out.path, "--head", "3"])
        #expect(head.status == 64 && head.errorLines == ["error: --head: expected an integer from 1 to 2 (the heads of layer 1), got 3"], "\(head)")
    }

    @Test func resumeContinuesTheImageRun() throws {
        let t = try Self.trained.get()
        let out = t.directory.appendingPathComponent("resumed")
        let run = try CLITool.run(["train", "--resume", t.last, "--epochs", "13", "--out", out.path, "--logdir", out.path])
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.contains("Resuming after 12 epochs"), "\(run)")
        #expect(try Checkpoint.inspect(out.appendingPathComponent("last.safetensors")).family == .visionTransformer)
    }

    @Test func anMNISTLayoutDirectoryWithClassNamesTrains() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = 12
        var images = Data([0, 0, 8, 3, 0, 0, 0, UInt8(count), 0, 0, 0, 8, 0, 0, 0, 8])
        var labels = Data([0, 0, 8, 1, 0, 0, 0, UInt8(count)])
        for i in 0..<count {
            images += Data(Self.image(top: i % 2 == 0, seed: i))
            labels.append(UInt8(i % 2))
        }
        try images.write(to: directory.appendingPathComponent("train-images-idx3-ubyte"))
        try labels.write(to: directory.appendingPathComponent("train-labels-idx1-ubyte"))
        try Data("up\ndown\n".utf8).write(to: directory.appendingPathComponent("classes.txt"))
        let run = try CLITool.run(["train", "--data", directory.path, "--epochs", "1", "--patch-size", "4", "--logdir", directory.appendingPathComponent("run").path]
                                  + Self.common)
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.contains("Data: 9 training and 3 validation images"), "\(run)")
        #expect(run.standardOutput.contains("2 classes (up, down)") && run.standardOutput.contains("Images: 8x8, grey"), "\(run)")
    }

    @Test func badImageInputIsOneLineNamingTheFlagOrFile() throws {
        let t = try Self.trained.get()
        let runs = t.directory.appendingPathComponent("bad")
        func train(_ extra: [String]) throws -> CLIRun {
            try CLITool.run(["train", "--data", t.images, "--epochs", "1", "--logdir", runs.path] + Self.common + extra)
        }
        let patch = try train(["--patch-size", "3"])
        #expect(patch.status == 64 && patch.errorLinesBesidesDebugNote == ["error: --patch-size: expected a divisor of the image size 8, got 3"], "\(patch)")
        let augment = try train(["--augment", "flip,spin"])
        #expect(augment.status == 64 && augment.errorLinesBesidesDebugNote
                == ["error: --augment: expected a comma-separated list of flip, crop, crop:N (N from 1 to 64), or none, got 'spin'"], "\(augment)")
        let tokenizer = try train(["--tokenizer", "word"])
        #expect(tokenizer.status == 64 && tokenizer.errorLinesBesidesDebugNote
                == ["error: --tokenizer: only for --task translate or classify or lm, not image-classify"], "\(tokenizer)")
        let positional = try train(["--positional", "rope"])   // the ViT's positions are its learned table
        #expect(positional.status == 64 && positional.errorLinesBesidesDebugNote
                == ["error: --positional: only for --task translate or classify or lm, not image-classify"], "\(positional)")
        let notDirectory = try CLITool.run(["train", "--data", t.checkpoint, "--epochs", "1", "--logdir", runs.path] + Self.common)
        #expect(notDirectory.status == 65 && notDirectory.errorLinesBesidesDebugNote.count == 1
                && notDirectory.errorLinesBesidesDebugNote[0].hasPrefix("error: \(t.checkpoint): expected a directory of images"), "\(notDirectory)")
        // A broken PNG among the images: the error names it.
        let broken = t.directory.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken.appendingPathComponent("a"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: broken.appendingPathComponent("b"), withIntermediateDirectories: true)
        try Self.pgm(Self.image(top: true, seed: 1)).write(to: broken.appendingPathComponent("a/1.pgm"))
        try Self.png(Self.image(top: false, seed: 1)).prefix(40).write(to: broken.appendingPathComponent("b/1.png"))
        let truncated = try CLITool.run(["train", "--data", broken.path, "--epochs", "1", "--logdir", runs.path] + Self.common)
        #expect(truncated.status == 65 && truncated.errorLinesBesidesDebugNote.count == 1
                && truncated.errorLinesBesidesDebugNote[0].hasPrefix("error: \(broken.appendingPathComponent("b/1.png").path): "), "\(truncated)")
        let missing = try CLITool.run(["classify-image", "--checkpoint", t.checkpoint, t.directory.appendingPathComponent("nope.png").path])
        #expect(missing.status == 65 && missing.errorLines.count == 1 && missing.errorLines[0].contains("nope.png: cannot read the file"), "\(missing)")
        #expect(!FileManager.default.fileExists(atPath: runs.appendingPathComponent("last.safetensors").path))
    }
}
