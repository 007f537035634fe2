import Testing
@testable import TransformerCore

/// ``ImageResize`` and ``ImagePreprocessor`` against Pillow (fixtures by Scripts/images/make-resize-fixtures.py),
/// normalisation by hand, and ``ImageAugmentation``.
@Suite struct ImagePreprocessingTests {
    @Test(arguments: ResizeFixtures.resizes.map(\.name))
    func bilinearResizeEqualsPillowSampleForSample(name: String) throws {
        let f = try #require(ResizeFixtures.resizes.first { $0.name == name })
        let image = PixelImage(width: f.width, height: f.height, channels: f.channels, pixels: f.pixels)
        let resized = ImageResize.bilinear(image, width: f.outputWidth, height: f.outputHeight)
        #expect(resized.width == f.outputWidth && resized.height == f.outputHeight && resized.channels == f.channels)
        #expect(resized.pixels == f.resized, "first difference at sample \(resized.pixels.indices.first { resized.pixels[$0] != f.resized[$0] } ?? -1)")
    }

    @Test(arguments: ResizeFixtures.conversions.map(\.name))
    func channelConversionEqualsPillow(name: String) throws {
        let f = try #require(ResizeFixtures.conversions.first { $0.name == name })
        let image = PixelImage(width: f.width, height: f.height, channels: f.channels, pixels: f.pixels)
        #expect(ImagePreprocessor.converted(image, channels: f.targetChannels).pixels == f.converted)
    }

    @Test func sameSizeIsUnchanged() {
        let image = PixelImage(width: 3, height: 2, channels: 1, pixels: [1, 2, 3, 4, 5, 6])
        #expect(ImageResize.bilinear(image, width: 3, height: 2) == image)
    }

    /// x = (pixel / 255 - mean) / std, laid out [B, ch, S, S] from interleaved pixels.
    @Test func normalisationByHand() {
        let p = ImagePreprocessor(size: 2, channels: 3, mean: [0.5, 0.25, 0], standardDeviation: [0.5, 0.25, 1])
        let image = PixelImage(width: 2, height: 2, channels: 3, pixels: [0, 255, 51, 255, 0, 102, 128, 64, 153, 0, 0, 204])
        let x = p.normalised([image])
        #expect(x.shape == [1, 3, 2, 2])
        let expected: [Float] = [0, 255, 128, 0].map { (Float($0) / 255 - 0.5) / 0.5 }
            + [255, 0, 64, 0].map { (Float($0) / 255 - 0.25) / 0.25 } + [51, 102, 153, 204].map { Float($0) / 255 }
        expectClose(x.scalars, expected, tolerance: Tolerance.exact)
    }

    @Test func statisticsAreThePerChannelMeanAndDeviation() {
        let images = [PixelImage(width: 2, height: 1, channels: 1, pixels: [0, 255]), PixelImage(width: 2, height: 1, channels: 1, pixels: [255, 255])]
        let (mean, std) = ImagePreprocessor.statistics(of: images, channels: 1)
        expectClose(mean, [0.75], tolerance: Tolerance.exact)
        expectClose(std, [Float(0.1875).squareRoot()], tolerance: Tolerance.exact)
    }

    @Test func flipMirrorsAndCropShiftsWithBlackFill() {
        let image = PixelImage(width: 3, height: 2, channels: 1, pixels: [1, 2, 3, 4, 5, 6])
        #expect(ImageAugmentation.none.apply(image, generator: SeededGenerator(seed: 0)) == image)
        var flips = 0, sawShift = false
        for seed in 0..<64 as Range<UInt64> {
            let flipped = ImageAugmentation(flip: true).apply(image, generator: SeededGenerator(seed: seed))
            #expect(flipped == image || flipped.pixels == [3, 2, 1, 6, 5, 4])
            if flipped != image { flips += 1 }
            let shifted = ImageAugmentation(cropPadding: 1).apply(image, generator: SeededGenerator(seed: seed))
            // Every sample is either 0 (padding) or the original pixel at a shift of at most 1.
            for y in 0..<2 { for x in 0..<3 where shifted.pixels[y * 3 + x] != 0 {
                let v = Int(shifted.pixels[y * 3 + x]) - 1
                #expect(abs(v / 3 - y) <= 1 && abs(v % 3 - x) <= 1)
            } }
            if shifted != image { sawShift = true }
        }
        #expect((16...48).contains(flips), "flipped \(flips) of 64")
        #expect(sawShift)
    }
}
