import Foundation
import Testing
@testable import TransformerCore

/// `classify-image --model DIR`, `evaluate --model DIR` and `train --task image-classify --init-from DIR` on the
/// tiny Hugging Face ViT fixtures (``ViTFixtures``), end to end as processes: the probabilities transformers
/// computes, class matching by name, fine-tuning with the head kept or new, and one-line errors for bad
/// directories and flags.
@Suite("transformer-cli Hugging Face ViT (process)")
struct CLIPretrainedViTTests {
    static var rgb: String { ViTFixtures.directory(ViTFixtures.rgb).path }

    /// An RGB image as a PNG file.
    static func writePNG(_ image: PixelImage, to url: URL) throws {
        var raster = RasterImage(width: image.width, height: image.height, background: RGB(red: 0, green: 0, blue: 0))
        for y in 0..<image.height { for x in 0..<image.width {
            let p = (y * image.width + x) * 3
            raster[x, y] = RGB(red: image.pixels[p], green: image.pixels[p + 1], blue: image.pixels[p + 2])
        } }
        try Data(PNGEncoder.encode(raster)).write(to: url)
    }

    /// DIR/<class>/<i>.png for each class, `count` images a class (the fixture's images, shifted per file).
    static func writeFolder(_ classes: [String], count: Int = 3, in directory: URL, name: String = "images") throws -> URL {
        let root = directory.appendingPathComponent(name)
        let base = try ViTFixtures.expected(ViTFixtures.rgb).images[0]
        for (k, label) in classes.enumerated() {
            let folder = root.appendingPathComponent(label)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<count {
                let pixels = base.pixels.map { UInt8((Int($0) + 40 * k + 13 * i) % 256) }
                try writePNG(PixelImage(width: base.width, height: base.height, channels: 3, pixels: pixels),
                             to: folder.appendingPathComponent("\(i).png"))
            }
        }
        return root
    }

    /// The probabilities transformers computed for the fixture's first image, through the whole CLI
    /// (PNG decoding, Pillow-equal resize, normalisation, the model).
    @Test func classifyImagePrintsTransformersProbabilities() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let expected = try ViTFixtures.expected(ViTFixtures.rgb)
        let png = directory.appendingPathComponent("first.png")
        try Self.writePNG(expected.images[0], to: png)
        let run = try CLITool.run(["classify-image", "--model", Self.rgb, "--json", "--top", "5", png.path])
        #expect(run.status == 0, "\(run)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let top = try #require(json["top"] as? [[String: Any]])
        let logits = Array(expected.logits.scalars[0..<5])
        let exps = logits.map { Foundation.exp(Double($0 - logits.max()!)) }
        let labels = ["cat", "dog", "ship", "truck", "frog"]
        let probabilities = Dictionary(uniqueKeysWithValues: zip(labels, exps.map { Float($0 / exps.reduce(0, +)) }))
        #expect(top.count == 5)
        for entry in top {
            let label = try #require(entry["label"] as? String)
            let p = Float(try #require(entry["probability"] as? Double))
            #expect(abs(p - probabilities[label]!) <= Tolerance.vitLogits, "\(label): \(p) vs \(probabilities[label]!)")
        }
        #expect(json["label"] as? String == labels[logits.indices.max { logits[$0] < logits[$1] }!])
        let plain = try CLITool.run(["classify-image", "--model", Self.rgb, png.path])
        #expect(plain.status == 0 && plain.standardOutput.split(separator: "\n").count == 6, "\(plain)")
    }

    /// `plot-attention --model DIR --image`: the [CLS] pictures of every layer and the rollout, after
    /// classifying the image as transformers does.
    @Test func plotAttentionDrawsAPretrainedViT() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let expected = try ViTFixtures.expected(ViTFixtures.rgb)
        let png = directory.appendingPathComponent("first.png")
        try Self.writePNG(expected.images[0], to: png)
        let out = directory.appendingPathComponent("plots")
        let run = try CLITool.run(["plot-attention", "--model", Self.rgb, "--image", png.path, "--rollout", "--out", out.path])
        #expect(run.status == 0, "\(run)")
        let logits = Array(expected.logits.scalars[0..<5])
        let top = ["cat", "dog", "ship", "truck", "frog"][logits.firstIndex(of: logits.max()!)!]
        #expect(run.standardOutput.contains("Classified: \(png.path) -> \(top) ("), "\(run)")
        #expect(CLIPlotAttentionTests.files(out) == ["encoder-layer1.svg", "encoder-layer2.svg", "encoder-rollout.svg"])

        let text = try CLITool.run(["plot-attention", "--model", Self.rgb, "--text", "a cat", "--out", out.path])
        #expect(text.status == 64 && text.standardError.hasPrefix("error: --image: expected an image file"), "\(text)")
        let marian = MarianFixtures.directory(MarianFixtures.gelu).path
        let notViT = try CLITool.run(["plot-attention", "--model", marian, "--image", png.path, "--out", out.path])
        #expect(notViT.status == 64 && notViT.standardError.contains("is not a ViTForImageClassification directory"), "\(notViT)")
    }

    @Test func evaluateMatchesClassesByName() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = try Self.writeFolder(["dog", "truck"], in: directory)
        let run = try CLITool.run(["evaluate", "--model", Self.rgb, "--data", folder.path, "--json"])
        #expect(run.status == 0, "\(run)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(json["images"] as? Int == 6)
        // The confusion matrix is over the model's 5 classes, rows in id2label order: only dog (1) and truck (3) have images.
        let confusion = try #require(json["confusion"] as? [[Int]])
        #expect(confusion.count == 5 && confusion.map { $0.reduce(0, +) } == [0, 3, 0, 3, 0])

        let unknown = try Self.writeFolder(["dog", "zebra"], count: 1, in: directory, name: "other")
        let bad = try CLITool.run(["evaluate", "--model", Self.rgb, "--data", unknown.path])
        #expect(bad.status == 65, "\(bad)")
        #expect(bad.errorLinesBesidesDebugNote == ["error: \(unknown.path): class 'zebra' is not a class of the model \(Self.rgb) "
                                                   + "(cat, dog, ship, truck, frog)"])
    }

    @Test func badDirectoriesAreOneLineErrors() throws {
        let directory = try ViTLoaderErrorTests.copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = directory.appendingPathComponent("x.png")
        try Self.writePNG(try ViTFixtures.expected(ViTFixtures.rgb).images[1], to: image)
        let config = directory.appendingPathComponent("config.json")
        func expectError(_ phrase: String, file: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let run = try CLITool.run(["classify-image", "--model", directory.path, image.path])
            #expect(run.status != 0, "\(run)", sourceLocation: sourceLocation)
            #expect(run.errorLinesBesidesDebugNote.count == 1, "\(run)", sourceLocation: sourceLocation)
            let line = run.errorLinesBesidesDebugNote.first ?? ""
            #expect(line.hasPrefix("error: \(file): ") && line.contains(phrase), "\(run)", sourceLocation: sourceLocation)
        }
        try ViTLoaderErrorTests.edit(directory, "config.json") { $0["architectures"] = ["ViTForMaskedImageModeling"] }
        try expectError("\"architectures\" is [\"ViTForMaskedImageModeling\"], expected [\"ViTForImageClassification\"]", file: config.path)
        try Data("{\"hidden_size\": ".utf8).write(to: config)
        try expectError("is not valid JSON", file: config.path)
        try ViTLoaderErrorTests.edit(directory, "config.json") { $0["intermediate_size"] = 48 }
        try expectError("tensor \"vit.encoder.layer.0.intermediate.dense.weight\" has shape [64, 32], expected [48, 32]",
                        file: directory.appendingPathComponent("model.safetensors").path)
        try FileManager.default.removeItem(at: config)
        try expectError("no such file; expected a Hugging Face ViTForImageClassification config.json", file: config.path)
        let both = try CLITool.run(["classify-image", "--model", directory.path, "--checkpoint", "x", image.path])
        #expect(both.status == 64 && both.errorLinesBesidesDebugNote == ["error: --checkpoint and --model: give one of the two, not both"])
    }

    static let fineTuning = ["train", "--task", "image-classify", "--init-from", rgb, "--epochs", "1", "--batch-size", "4",
                             "--lr", "1e-3", "--val-fraction", "0.2", "--seed", "3"]

    @Test func fineTuningKeepsTheHeadForTheModelsClassesAndMakesANewOneOtherwise() throws {
        let directory = try CLITraining.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let same = try Self.writeFolder(["cat", "dog", "ship", "truck", "frog"], count: 2, in: directory, name: "same")
        let kept = try CLITool.run(Self.fineTuning + ["--data", same.path, "--logdir", directory.appendingPathComponent("kept").path])
        #expect(kept.status == 0, "\(kept)")
        #expect(kept.standardOutput.contains("Initialised from \(Self.rgb): ViTForImageClassification, 2 layers, d_model 32, 4 heads, dropout 0.0"))
        #expect(kept.standardOutput.contains("Head: kept (the data's classes are the model's id2label names)"), "\(kept)")
        #expect(kept.standardOutput.contains("Images: 32x32, RGB, 4x4 patches of 8x8 pixels (17 positions with [CLS]), normalised by "
                                             + "mean 0.5000/0.5000/0.5000 and std 0.5000/0.5000/0.5000"), "\(kept)")

        let other = try Self.writeFolder(["left", "right"], count: 4, in: directory, name: "other")
        let logdir = directory.appendingPathComponent("new")
        let new = try CLITool.run(Self.fineTuning + ["--data", other.path, "--logdir", logdir.path, "--dropout", "0.1"])
        #expect(new.status == 0, "\(new)")
        #expect(new.standardOutput.contains("dropout 0.1"))
        #expect(new.standardOutput.contains("Head: new, randomly initialised for the data's 2 classes (left, right); the model's "
                                            + "id2label has 5 (cat, dog, ship, truck, frog)"), "\(new)")
        // The fine-tuned checkpoint is an ordinary image checkpoint: classify-image and --resume read it.
        let checkpoint = logdir.appendingPathComponent("last.safetensors").path
        let classified = try CLITool.run(["classify-image", "--checkpoint", checkpoint, other.appendingPathComponent("left/0.png").path])
        #expect(classified.status == 0 && classified.standardOutput.contains("left") && classified.standardOutput.contains("right"), "\(classified)")
        let resumed = try CLITool.run(["train", "--resume", checkpoint, "--epochs", "2"])
        #expect(resumed.status == 0 && resumed.standardOutput.contains("Resuming after 1 epochs"), "\(resumed)")
    }

    @Test func initFromFlagErrors() throws {
        let cases: [([String], String)] = [
            (["--d-model", "64"], "error: --d-model: with --init-from the model comes from the directory; leave it out"),
            (["--patch-size", "4"], "error: --patch-size: with --init-from the model comes from the directory; leave it out"),
            (["--resume", "x.safetensors"], "error: --init-from: cannot be combined with --resume (the checkpoint holds the weights)"),
        ]
        for (extra, message) in cases {
            let run = try CLITool.run(Self.fineTuning + ["--data", "unused"] + extra)
            #expect(run.status == 64 && run.errorLinesBesidesDebugNote == [message], "\(run)")
        }
        let text = try CLITool.run(["train", "--task", "classify", "--init-from", Self.rgb, "--data", "unused"])
        #expect(text.status == 64 && text.errorLinesBesidesDebugNote == ["error: --init-from: only for --task image-classify, not classify"], "\(text)")
        let missing = try CLITool.run(["train", "--task", "image-classify", "--init-from", "/nonexistent-vit", "--data",
                                       try Self.writeFolder(["a", "b"], count: 1, in: try CLITraining.temporaryDirectory()).path])
        #expect(missing.status != 0 && missing.errorLinesBesidesDebugNote
                == ["error: /nonexistent-vit: no such directory; expected a Hugging Face ViTForImageClassification directory"], "\(missing)")
    }
}
