import Foundation

/// The fields of a Hugging Face `preprocessor_config.json` for a ViT (`ViTImageProcessor`, transformers
/// 5.25; older `ViTFeatureExtractor` files too) and the ``ImagePreprocessor`` settings they amount to.
///
/// `ViTImageProcessor` computes, per channel c (with its defaults):
///
///     resize to size (do_resize true, size {height: 224, width: 224}, resample 2 = bilinear)
///     x = pixel * rescale_factor                      (do_rescale true, rescale_factor 1/255)
///     x = (x - image_mean[c]) / image_std[c]          (do_normalize true, image_mean = image_std = 0.5)
///
/// ``ImagePreprocessor`` computes (pixel / 255 - mean) / std, so the rescale factor r is folded into
/// its mean and standard deviation: with r' = 255 r (1 for the usual 1/255), mean = image_mean / r' and
/// std = image_std / r' (r = 1 without do_rescale; mean 0 and std 1 without do_normalize). Equal in exact
/// arithmetic; in Float32 the folded form differs from transformers' by rounding only.
///
/// What is refused, with a one-line error: `resample` other than 2 (0 nearest, 1 Lanczos, 3 bicubic,
/// 4 box, 5 Hamming: ``ImageResize`` is Pillow's bilinear only); a `size` that is not square or not the
/// model's `image_size`; `do_center_crop` or `do_pad` true. Stated deviations: `size` may be
/// `{shortest_edge: N}` (N must be the model's side): a square image is resized exactly as transformers
/// does, a non-square one to N x N (transformers would give it a non-square shape the ViT refuses);
/// with `do_resize` false images of the model's size pass unchanged, others are resized too; images are
/// converted to the model's channels (``ImagePreprocessor/converted(_:channels:)``), which
/// `ViTImageProcessor` does not do.
public struct ViTPreprocessorConfiguration: Equatable, Sendable {
    /// The side the processor resizes to (nil with do_resize false).
    public var size: Int?
    public var rescaleFactor: Double
    /// `image_mean` / `image_std` as given (after do_normalize), one per channel.
    public var imageMean: [Double]
    public var imageStandardDeviation: [Double]

    /// Pillow's resampling filters by the number transformers stores.
    public static let resampleNames = [0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming"]

    /// Reads `preprocessor_config.json` at `url` for a model with `channels` channels and `imageSize` pixels a side.
    public init(contentsOf url: URL, channels: Int, imageSize: Int) throws(CheckpointError) {
        let json = try HuggingFaceJSON(contentsOf: url, holding: "the ViTImageProcessor settings of the model (preprocessor_config.json)")
        func fail(_ detail: String) -> CheckpointError { CheckpointError(file: json.file, kind: .invalidConfiguration, detail: detail) }
        let resample = try json.integer("resample") ?? 2
        guard resample == 2 else {
            throw fail("\"resample\" is \(resample) (\(Self.resampleNames[resample] ?? "unknown")), expected 2 (bilinear, the only "
                + "resampling TransformerCore implements)")
        }
        for key in ["do_center_crop", "do_pad"] where try json.bool(key) == true {
            throw fail("\"\(key)\" is true, expected false (ViTImageProcessor resizes, rescales and normalises only)")
        }
        if try json.bool("do_resize") ?? true {
            let side = try Self.side(json)
            guard side == imageSize else {
                throw fail("\"size\" is \(side)x\(side), expected the model's image_size \(imageSize)x\(imageSize) (config.json)")
            }
            size = side
        } else {
            size = nil
        }
        let rescales = try json.bool("do_rescale") ?? true
        rescaleFactor = rescales ? try json.number("rescale_factor") ?? 1.0 / 255 : 1
        guard rescaleFactor > 0 else { throw fail("\"rescale_factor\" is \(rescaleFactor), expected a positive number") }
        if try json.bool("do_normalize") ?? true {
            imageMean = try Self.perChannel(json, "image_mean", channels: channels)
            imageStandardDeviation = try Self.perChannel(json, "image_std", channels: channels)
            if let bad = imageStandardDeviation.first(where: { !($0 > 0) }) {
                throw fail("\"image_std\" holds \(bad), expected positive numbers")
            }
        } else {
            imageMean = [Double](repeating: 0, count: channels)
            imageStandardDeviation = [Double](repeating: 1, count: channels)
        }
    }

    /// `size`: {height, width} (equal), {shortest_edge}, or an integer (older feature extractors).
    static func side(_ json: HuggingFaceJSON) throws(CheckpointError) -> Int {
        guard let value = json["size"] else { return 224 }
        func fail(_ detail: String) -> CheckpointError { CheckpointError(file: json.file, kind: .invalidConfiguration, detail: detail) }
        if case .number = value { return try json.requiredInteger("size") }
        guard case .object(let members) = value else { throw json.fail("size", expected: "{\"height\": N, \"width\": N}", found: value) }
        func integer(_ key: String) -> Int? {
            guard case .number(let text)? = members.first(where: { $0.key == key })?.value else { return nil }
            return Int(text)
        }
        if let height = integer("height"), let width = integer("width") {
            guard height == width else {
                throw fail("\"size\" is \(height)x\(width) (height x width), expected a square (TransformerCore's ViT takes square images)")
            }
            return height
        }
        if let edge = integer("shortest_edge"), members.count == 1 { return edge }
        throw fail("\"size\" has the keys " + members.map { "\"\($0.key)\"" }.joined(separator: ", ")
            + ", expected \"height\" and \"width\" or \"shortest_edge\"")
    }

    /// A list of `channels` numbers, or one number for every channel; default 0.5 (IMAGENET_STANDARD_MEAN / STD).
    static func perChannel(_ json: HuggingFaceJSON, _ key: String, channels: Int) throws(CheckpointError) -> [Double] {
        guard let value = json[key] else { return [Double](repeating: 0.5, count: channels) }
        if case .number = value, let number = try json.number(key) { return [Double](repeating: number, count: channels) }
        guard case .array(let items) = value else { throw json.fail(key, expected: "a list of \(channels) numbers", found: value) }
        let numbers = items.compactMap { if case .number(let text) = $0 { Double(text) } else { nil } }
        guard numbers.count == items.count, numbers.count == channels, numbers.allSatisfy(\.isFinite) else {
            throw CheckpointError(file: json.file, kind: .invalidConfiguration,
                                  detail: "\"\(key)\" has \(items.count) entries, expected \(channels) numbers (one per channel of config.json's num_channels)")
        }
        return numbers
    }

    /// r' = 255 r, taken as exactly 1 when within 1e-9 of it (1/255 written in decimal).
    var foldedScale: Double {
        let scale = 255 * rescaleFactor
        return abs(scale - 1) < 1e-9 ? 1 : scale
    }

    /// The ``ImagePreprocessor`` mean: image_mean / (255 r).
    public var pixelMean: [Float] { imageMean.map { Float($0 / foldedScale) } }
    /// The ``ImagePreprocessor`` standard deviation: image_std / (255 r).
    public var pixelStandardDeviation: [Float] { imageStandardDeviation.map { Float($0 / foldedScale) } }
}
