import Testing
@testable import TransformerCore

/// PNG files against Pillow (PNGFixtures, Scripts/images/make-png-fixtures.py), round trips through the
/// project's own encoder, sub-byte grey built by hand, and damaged files giving one-line ``PNGError``s.
@Suite struct PNGDecoderTests {
    @Test(arguments: PNGFixtures.all.filter { $0.channels > 0 }.map(\.name))
    func decodesWhatPillowWroteAsPillowReadsIt(name: String) throws {
        let fixture = try #require(PNGFixtures.all.first { $0.name == name })
        let image = try PNGDecoder.decode(fixture.file)
        #expect(image.width == fixture.width && image.height == fixture.height && image.channels == fixture.channels)
        #expect(image.pixels == fixture.pixels)
    }

    @Test func roundTripsTheProjectsOwnPNGs() throws {
        var raster = RasterImage(width: 17, height: 9, background: RGB(red: 10, green: 20, blue: 30))
        var generator = SeededGenerator(seed: 5)
        for i in raster.pixels.indices where i % 5 != 0 { raster.pixels[i] = UInt8.random(in: 0...255, using: &generator) }
        let image = try PNGDecoder.decode(PNGEncoder.encode(raster))
        #expect(image == PixelImage(width: 17, height: 9, channels: 3, pixels: raster.pixels))
    }

    /// A PNG assembled here: IHDR, one IDAT of `rows` (each with its filter byte) compressed by ``Deflate``,
    /// IEND, every CRC right.
    static func png(width: Int, height: Int, depth: UInt8, colorType: UInt8, rows: [UInt8], extra: [(String, [UInt8])] = []) -> [UInt8] {
        var file = PNGEncoder.signature
        var header: [UInt8] = []
        PNGEncoder.appendBigEndian(UInt32(width), to: &header)
        PNGEncoder.appendBigEndian(UInt32(height), to: &header)
        header += [depth, colorType, 0, 0, 0]
        PNGEncoder.appendChunk("IHDR", header, to: &file)
        for (type, body) in extra { PNGEncoder.appendChunk(type, body, to: &file) }
        PNGEncoder.appendChunk("IDAT", Deflate.zlib(rows), to: &file)
        PNGEncoder.appendChunk("IEND", [], to: &file)
        return file
    }

    /// 2- and 4-bit grey, which Pillow does not write: samples scaled by 255 / (2^depth - 1), a row tail
    /// of padding bits ignored, and the Sub and Up filters on packed bytes.
    @Test func unpacksSubByteGrey() throws {
        // 2-bit, 5 pixels: 0 1 2 3 2 -> bytes 0b00011011, 0b10000000 (6 padding bits); row 2 filtered Up.
        let two = try PNGDecoder.decode(Self.png(width: 5, height: 2, depth: 2, colorType: 0,
                                                 rows: [0, 0b0001_1011, 0b1000_0000, 2, 0, 0]))
        #expect(two.pixels == [0, 85, 170, 255, 170, 0, 85, 170, 255, 170])
        // 4-bit, 3 pixels: 15 0 7 -> 0xF0, 0x70; row 2 filtered Sub (stride 1 byte): 0x01, 0x01 -> 0x01, 0x02,
        // i.e. pixels 0 1 0 (the low nibble of 0x02 is padding).
        let four = try PNGDecoder.decode(Self.png(width: 3, height: 2, depth: 4, colorType: 0,
                                                  rows: [0, 0xF0, 0x70, 1, 0x01, 0x01]))
        #expect(four.pixels == [255, 0, 119, 0, 17, 0])
    }

    @Test func damagedAndUnsupportedFilesAreOneLineErrors() throws {
        func error(_ file: [UInt8]) -> String {
            do { _ = try PNGDecoder.decode(file); return "no error" } catch { return error.description }
        }
        let good = try #require(PNGFixtures.all.first { $0.name == "rgb8" }).file
        #expect(error(Array(good.prefix(60))).contains("truncated"))
        #expect(error(Array(good.dropLast(12))).contains("truncated: expected a chunk"))   // no IEND
        var crc = good
        crc[45] ^= 0x40   // a byte inside IDAT's data
        #expect(error(crc).hasPrefix("IDAT chunk at byte 33: CRC mismatch"))
        #expect(error(Array("GIF89a..".utf8) + good.dropFirst(8)) == "signature at byte 0: not a PNG file (the first 8 bytes are not the PNG signature)")
        let sixteen = try #require(PNGFixtures.all.first { $0.name == "grey16" }).file
        #expect(error(sixteen) == "IHDR chunk at byte 8: unsupported bit depth 16 (8-bit and lower samples are read)")
        #expect(error(Self.png(width: 0, height: 3, depth: 8, colorType: 0, rows: [])) == "IHDR chunk at byte 8: zero or too large image size 0x3")
        #expect(error(Self.png(width: 2, height: 1, depth: 8, colorType: 5, rows: [0, 1, 2])).contains("invalid color type 5"))
        #expect(error(Self.png(width: 2, height: 1, depth: 8, colorType: 0, rows: [5, 1, 2])).contains("filter type 5"))
        #expect(error(Self.png(width: 2, height: 2, depth: 8, colorType: 0, rows: [0, 1, 2])).contains("expected 6 bytes of filtered rows"))
        #expect(error(Self.png(width: 2, height: 1, depth: 8, colorType: 3, rows: [0, 0, 1])) .contains("a palette image without PLTE"))
        #expect(error(Self.png(width: 2, height: 1, depth: 8, colorType: 3, rows: [0, 0, 1], extra: [("PLTE", [1, 2, 3])]))
            .contains("uses palette entry 1 of 1"))
        #expect(error(Self.png(width: 1, height: 1, depth: 8, colorType: 0, rows: [0, 9], extra: [("ABCD", [])]))
            .contains("unknown critical chunk"))
        #expect(error(Self.png(width: 1, height: 1, depth: 8, colorType: 0, rows: [0, 9], extra: [("abCD", [7])])) == "no error")
    }
}
