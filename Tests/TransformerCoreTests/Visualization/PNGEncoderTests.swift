import Testing
@testable import TransformerCore

@Suite struct PNGEncoderTests {
    /// Decodes `image`'s PNG with the test-side reader and checks every structural promise.
    func expectRoundTrip(_ image: RasterImage, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = PNGEncoder.encode(image)
        #expect(Array(file.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], sourceLocation: sourceLocation)
        let png = try PNGReader(file)   // throws on a bad CRC, size or zlib stream
        #expect(png.width == image.width && png.height == image.height, "\(name)", sourceLocation: sourceLocation)
        #expect(png.chunkTypes.first == "IHDR" && png.chunkTypes.last == "IEND" && png.chunkTypes.contains("IDAT"),
                "\(name): \(png.chunkTypes)", sourceLocation: sourceLocation)
        #expect(png.filtered.count == image.height * (1 + 3 * image.width), "\(name)", sourceLocation: sourceLocation)
        #expect(png.pixels == image.pixels, "\(name): pixels differ after unfiltering", sourceLocation: sourceLocation)
    }

    static func noiseImage(width: Int, height: Int, seed: UInt64) -> RasterImage {
        var image = RasterImage(width: width, height: height, background: .white)
        image.pixels = DeflateTests.noise(width * height * 3, seed: seed)
        return image
    }

    @Test func noiseRoundTripsAndStaysNearItsRawSize() throws {
        let image = Self.noiseImage(width: 61, height: 40, seed: 5)
        try expectRoundTrip(image, "noise")
        #expect(PNGEncoder.encode(image).count < image.pixels.count + image.height + 200)
    }

    @Test func smoothAndFlatImagesRoundTripAndCompress() throws {
        var gradient = RasterImage(width: 90, height: 50, background: .white)
        for y in 0..<50 { for x in 0..<90 { gradient[x, y] = RGB(red: UInt8(x * 2), green: UInt8(y * 5), blue: UInt8((x + y) % 256)) } }
        try expectRoundTrip(gradient, "gradient")
        #expect(PNGEncoder.encode(gradient).count < gradient.pixels.count / 4)
        let flat = RasterImage(width: 200, height: 100, background: RGB(red: 68, green: 1, blue: 84))
        try expectRoundTrip(flat, "flat")
        #expect(PNGEncoder.encode(flat).count < flat.pixels.count / 50)   // fixed Huffman codes only: ~1 bit per 20 bytes
    }

    @Test func everyFilterTypeRoundTrips() throws {
        // Rows of different character make the heuristic pick different filters.
        var image = Self.noiseImage(width: 23, height: 12, seed: 8)
        for x in 0..<23 { image[x, 3] = image[x, 2] }                                  // Up
        for x in 0..<23 { image[x, 5] = RGB(red: UInt8(x * 9), green: UInt8(x * 9), blue: 0) }   // Sub
        for x in 0..<23 { image[x, 7] = RGB(red: 9, green: 9, blue: 9) }
        try expectRoundTrip(image, "mixed")
        let filters = Set(try PNGReader(PNGEncoder.encode(image)).filtered.enumerated()
            .filter { $0.offset % (1 + 3 * 23) == 0 }.map(\.element))
        #expect(filters.count >= 3, "filters used: \(filters.sorted())")
    }

    @Test func tinyAndEmptyImagesAreWellFormed() throws {
        try expectRoundTrip(RasterImage(width: 1, height: 1, background: .black), "1x1")
        let empty = try PNGReader(PNGEncoder.encode(RasterImage(width: 0, height: 0, background: .white)))
        #expect(empty.width == 0 && empty.height == 0 && empty.pixels.isEmpty)
    }

    @Test func largeImagesSplitIDATAndStillRoundTrip() throws {
        let image = Self.noiseImage(width: 150, height: 146, seed: 2)   // 65.7 kB of noise > one 64 KiB chunk
        let png = try PNGReader(PNGEncoder.encode(image))
        #expect(png.chunkTypes.filter { $0 == "IDAT" }.count == 2)
        #expect(png.pixels == image.pixels)
    }

    @Test func heatmapFigurePNGDecodesToItsRaster() throws {
        let figure = HeatmapFigure(title: "tiny", panels: [
            Heatmap(title: "head 0", rowLabels: ["a", "b"], columnLabels: ["x", "y", "z"], values: [0, 0.5, 1, 1, 0.5, 0]),
        ])
        let raster = figure.raster()
        let png = try PNGReader(figure.png())
        #expect(png.width == raster.width && png.height == raster.height)
        #expect(png.pixels == raster.pixels)
        #expect(figure.raster().pixels == raster.pixels, "deterministic")
    }
}
