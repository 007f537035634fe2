import Testing
@testable import TransformerCore

/// Binary PGM / PPM and the MNIST family's IDX files (plain and gzipped), with their malformed forms.
@Suite struct NetpbmAndIDXTests {
    func error(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch let error as ImageFileError { return error.description } catch { return "\(error)" }
    }

    @Test func readsPGMAndPPMWithCommentsAndScaling() throws {
        let pgm = Array("P5\n# made by hand\n3 2\n255\n".utf8) + [0, 10, 20, 30, 40, 255]
        #expect(try NetpbmDecoder.decode(pgm) == PixelImage(width: 3, height: 2, channels: 1, pixels: [0, 10, 20, 30, 40, 255]))
        let ppm = Array("P6 2 1 15 ".utf8) + [15, 0, 1, 7, 8, 15]   // maxval 15: v * 255 / 15
        #expect(try NetpbmDecoder.decode(ppm) == PixelImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 17, 119, 136, 255]))
        #expect(error { _ = try NetpbmDecoder.decode(Array("P6 2 1 255\n".utf8) + [1, 2, 3]) } == "Netpbm samples at byte 11: truncated: 6 bytes expected, 3 found")
        #expect(error { _ = try NetpbmDecoder.decode(Array("P5 2 1 65535\n".utf8) + [0, 0, 0, 0]) }
            == "Netpbm header at byte 12: maximum value 65535 (16-bit samples) is not supported (at most 255)")
        #expect(error { _ = try NetpbmDecoder.decode(Array("P2 1 1 255 7".utf8)) }.contains("ASCII P2 is not supported"))
        #expect(error { _ = try NetpbmDecoder.decode(Array("P5 0 4 255\n".utf8)) }.contains("zero image size 0x4"))
        #expect(error { _ = try NetpbmDecoder.decode(Array("P5 2 x".utf8)) } == "Netpbm header at byte 5: expected the height as a decimal number")
        #expect(error { _ = try NetpbmDecoder.decode(Array("P5 1 1 9\n".utf8) + [10]) }.contains("sample 10 above the maximum value 9"))
    }

    static func idx(_ sizes: [Int], _ elements: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(sizes.count)]
        for size in sizes { PNGEncoder.appendBigEndian(UInt32(size), to: &bytes) }
        return bytes + elements
    }

    /// A gzip member around `payload`, stored with the project's compressor (10-byte header, deflate, CRC-32, size).
    static func gzip(_ payload: [UInt8]) -> [UInt8] {
        var member: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255] + Deflate.compress(payload)
        let crc = CRC32.checksum(payload), size = UInt32(payload.count)
        for shift in stride(from: 0, to: 32, by: 8) { member.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { member.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        return member
    }

    @Test func readsIDXImagesAndLabelsPlainAndGzipped() throws {
        let pixels = (0..<24).map { UInt8($0 * 10) }
        let file = Self.idx([2, 3, 4], pixels)
        for data in [file, Self.gzip(file)] {
            let images = try IDXFile.images(data)
            #expect(images.count == 2 && images.rows == 3 && images.columns == 4 && images.pixels == pixels)
            #expect(images.image(1) == PixelImage(width: 4, height: 3, channels: 1, pixels: Array(pixels[12...])))
        }
        #expect(try IDXFile.labels(Self.gzip(Self.idx([3], [7, 0, 9]))) == [7, 0, 9])
        #expect(error { _ = try IDXFile.images(Self.idx([2, 3, 4], Array(pixels.dropLast()))) } == "IDX data at byte 16: expected 2 x 3 x 4 = 24 bytes, found 23")
        #expect(error { _ = try IDXFile.labels(Self.idx([2, 3, 4], pixels)) } == "IDX header at byte 3: expected 1 dimension (labels), found 3")
        #expect(error { _ = try IDXFile.images(Self.idx([1, 1, 1], [0, 0, 0, 0], type: 0x0D)) }.contains("element type 0xd is not supported"))
        #expect(error { _ = try IDXFile.images([1, 2, 3, 4, 5]) }.contains("not an IDX file"))
        var damaged = Self.gzip(file)
        damaged[damaged.count - 6] ^= 1
        #expect(error { _ = try IDXFile.images(damaged) }.hasPrefix("gzip data at byte 0: gzip member at byte"))
    }
}
