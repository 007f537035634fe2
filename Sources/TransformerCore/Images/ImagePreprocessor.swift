/// What an image goes through before a ``VisionTransformer``: converted to the model's channels,
/// resized to its square input (``ImageResize/bilinear(_:width:height:)``, Pillow's bilinear), rescaled
/// to [0, 1] and normalised per channel, as Hugging Face's `ViTImageProcessor` with `do_resize`,
/// `do_rescale` (1/255) and `do_normalize`:
///
///     x[c, y, x] = (pixel[y, x, c] / 255 - mean[c]) / std[c]        -> pixels [B, ch, S, S]
///
/// Channel conversion is Pillow's `convert`: grey to RGB repeats the grey value; RGB to grey is the
/// ITU-R 601-2 luma L = (19595 R + 38470 G + 7471 B + 2^15) >> 16; alpha is dropped.
/// (`ViTImageProcessor` itself does not convert; it needs images that already have the model's channels.)
public struct ImagePreprocessor: Equatable, Sendable {
    /// The side S of the square model input.
    public let size: Int
    /// 1 (grey) or 3 (RGB).
    public let channels: Int
    public let mean: [Float]
    public let standardDeviation: [Float]

    public init(size: Int, channels: Int, mean: [Float], standardDeviation: [Float]) {
        precondition(channels == 1 || channels == 3, "ImagePreprocessor needs 1 or 3 channels, got \(channels)")
        precondition(mean.count == channels && standardDeviation.count == channels,
                     "ImagePreprocessor needs one mean and one standard deviation per channel")
        (self.size, self.channels, self.mean, self.standardDeviation) = (size, channels, mean, standardDeviation)
    }

    /// The preprocessing a model was configured with.
    public init(_ configuration: VisionConfiguration) {
        self.init(size: configuration.imageSize, channels: configuration.channelCount,
                  mean: configuration.pixelMean, standardDeviation: configuration.pixelStandardDeviation)
    }

    /// `image` with the model's channels and size (8-bit still): what training stores and augments.
    public func prepared(_ image: PixelImage) -> PixelImage {
        ImageResize.bilinear(Self.converted(image, channels: channels), width: size, height: size)
    }

    /// Prepared images (``prepared(_:)``) as the model's input `[B, ch, S, S]`.
    public func normalised(_ images: [PixelImage]) -> Tensor {
        let plane = size * size
        var scalars = [Float](repeating: 0, count: images.count * channels * plane)
        for (b, image) in images.enumerated() {
            precondition(image.width == size && image.height == size && image.channels == channels,
                         "normalised(_:) needs prepared \(size)x\(size)x\(channels) images, got \(image.width)x\(image.height)x\(image.channels)")
            for c in 0..<channels {
                let (m, s) = (mean[c], standardDeviation[c])
                let base = (b * channels + c) * plane
                for i in 0..<plane {
                    scalars[base + i] = (Float(image.pixels[i * channels + c]) * (1 / 255 as Float) - m) / s
                }
            }
        }
        return Tensor(shape: [images.count, channels, size, size], scalars: scalars)
    }

    /// Any images as the model's input `[B, ch, S, S]` (converted, resized, normalised).
    public func pixels(_ images: [PixelImage]) -> Tensor { normalised(images.map(prepared)) }

    /// Pillow's `convert("L")` / `convert("RGB")` for 1-4 channel images.
    public static func converted(_ image: PixelImage, channels target: Int) -> PixelImage {
        let source = image.channels, count = image.width * image.height
        let colour = source >= 3
        if source == target { return image }
        var out = [UInt8](repeating: 0, count: count * target)
        for i in 0..<count {
            let p = i * source
            if target == 1 {
                out[i] = colour ? luma(image.pixels[p], image.pixels[p + 1], image.pixels[p + 2]) : image.pixels[p]
            } else {
                for c in 0..<3 { out[i * 3 + c] = colour ? image.pixels[p + c] : image.pixels[p] }
            }
        }
        return PixelImage(width: image.width, height: image.height, channels: target, pixels: out)
    }

    /// ITU-R 601-2 luma in Pillow's fixed point.
    static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let weighted: UInt32 = 19595 * UInt32(r) + 38470 * UInt32(g) + 7471 * UInt32(b)
        return UInt8((weighted + 0x8000) >> 16)
    }

    /// Per-channel mean and standard deviation of the rescaled pixels (x / 255) of prepared images: the
    /// normalisation a model trained from scratch on them uses.
    public static func statistics(of images: [PixelImage], channels: Int) -> (mean: [Float], standardDeviation: [Float]) {
        var sum = [Double](repeating: 0, count: channels), squares = sum, n = 0.0
        for image in images {
            for (i, value) in image.pixels.enumerated() {
                let x = Double(value) / 255
                sum[i % channels] += x
                squares[i % channels] += x * x
            }
            n += Double(image.width * image.height)
        }
        let mean = sum.map { $0 / max(1, n) }
        let std = zip(squares, mean).map { max(1e-6, ($0 / max(1, n) - $1 * $1)).squareRoot() }
        return (mean.map(Float.init), std.map(Float.init))
    }
}
