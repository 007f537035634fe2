/// Random training-time changes to an image that keep its class: a horizontal flip with probability
/// 1/2, and a random crop of the image padded by `cropPadding` black pixels on every side (the
/// standard CIFAR / Fashion-MNIST augmentation: the image shifts by up to `cropPadding` pixels).
/// Validation and evaluation never augment.
public struct ImageAugmentation: Equatable, Sendable, Codable {
    public var flip: Bool
    public var cropPadding: Int

    public init(flip: Bool = false, cropPadding: Int = 0) {
        self.flip = flip
        self.cropPadding = cropPadding
    }

    /// No change at all.
    public static let none = ImageAugmentation()

    public var isNone: Bool { !flip && cropPadding == 0 }

    /// `image` flipped and shifted with draws from `generator` (two draws: the flip, then the crop
    /// offset when cropping).
    public func apply(_ image: PixelImage, generator: SeededGenerator) -> PixelImage {
        guard !isNone else { return image }
        let (w, h, c) = (image.width, image.height, image.channels)
        let mirrored = flip && generator.nextIndex(below: 2) == 1
        var dx = 0, dy = 0
        if cropPadding > 0 {
            let span = 2 * cropPadding + 1
            let offset = generator.nextIndex(below: span * span)
            (dx, dy) = (offset % span - cropPadding, offset / span - cropPadding)
        }
        if !mirrored && dx == 0 && dy == 0 { return image }
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        for y in 0..<h {
            let sy = y + dy
            guard sy >= 0 && sy < h else { continue }
            for x in 0..<w {
                let shifted = x + dx
                guard shifted >= 0 && shifted < w else { continue }
                let sx = mirrored ? w - 1 - shifted : shifted
                for k in 0..<c { out[(y * w + x) * c + k] = image.pixels[(sy * w + sx) * c + k] }
            }
        }
        return PixelImage(width: w, height: h, channels: c, pixels: out)
    }
}
