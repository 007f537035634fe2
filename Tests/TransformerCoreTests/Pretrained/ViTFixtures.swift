import Foundation
import Testing
import TransformerCore

/// The tiny random ViTForImageClassification fixtures of `Tests/Fixtures/ViT/` (built by
/// `Scripts/vit/make-vit-fixtures.py` with transformers 5.25, torch 2.15 and Pillow 13.0) and what
/// `transformers` computed on them (`expected.json`).
enum ViTFixtures {
    /// `Tests/Fixtures/ViT`, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()      // Pretrained
        .deletingLastPathComponent()      // TransformerCoreTests
        .deletingLastPathComponent()      // Tests
        .appendingPathComponent("Fixtures/ViT", isDirectory: true)

    /// F32, RGB 32x32, patches of 8, hidden 32, 2 layers, 4 heads, 5 classes, mean = std = 0.5; two images.
    static let rgb = "tiny-rgb-f32"
    /// BF16, RGB, ImageNet mean and std, 3 classes.
    static let bf16 = "tiny-rgb-bf16"
    /// F16, grey 16x16, patches of 4, hidden 16, 1 layer, 2 heads, 4 classes; an older export's names (no
    /// "vit." prefix, a pooler stored) and rescale_factor 1/127.5.
    static let grey = "tiny-grey-f16-legacy-names"
    static let all = [rgb, bf16, grey]

    static func directory(_ name: String) -> URL { root.appendingPathComponent(name, isDirectory: true) }

    struct Expected {
        let images: [PixelImage]
        let pixelValues: Tensor
        let logits: Tensor
        let attentions: [Tensor]
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("expected.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        func floats(_ value: Any?) -> [Float] { ((value as? [Double]) ?? []).map(Float.init) }
        func tensor(_ shape: Any?, _ values: Any?) throws -> Tensor {
            Tensor(shape: try #require(shape as? [Int]), scalars: floats(values))
        }
        let images = try #require(json["images"] as? [[String: Any]]).map { entry in
            PixelImage(width: entry["width"] as? Int ?? 0, height: entry["height"] as? Int ?? 0, channels: entry["channels"] as? Int ?? 0,
                       pixels: (entry["pixels"] as? [Int] ?? []).map(UInt8.init))
        }
        let shapes = try #require(json["attention_shapes"] as? [[Int]])
        let maps = try #require(json["attentions"] as? [[Double]])
        return Expected(images: images, pixelValues: try tensor(json["pixel_values_shape"], json["pixel_values"]),
                        logits: try tensor(json["logits_shape"], json["logits"]),
                        attentions: zip(shapes, maps).map { Tensor(shape: $0, scalars: $1.map(Float.init)) })
    }
}
