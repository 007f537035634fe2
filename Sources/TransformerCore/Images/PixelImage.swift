/// A decoded image: `height` rows of `width` pixels of `channels` 8-bit samples, interleaved
/// (`pixels[(y * width + x) * channels + c]`). Channels: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
public struct PixelImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `[height, width, channels]`, row-major; `pixels.count == width * height * channels`.
    public let pixels: [UInt8]

    /// Precondition: positive sizes, 1...4 channels and a matching pixel count.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && (1...4).contains(channels) && pixels.count == width * height * channels,
                     "PixelImage \(width)x\(height)x\(channels) needs \(width * height * channels) samples, got \(pixels.count)")
        (self.width, self.height, self.channels, self.pixels) = (width, height, channels, pixels)
    }
}
