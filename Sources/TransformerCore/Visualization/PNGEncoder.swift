/// Writes a ``RasterImage`` as a PNG file (ISO/IEC 15948, W3C PNG 2nd edition).
///
/// Layout: the 8-byte signature 89 50 4E 47 0D 0A 1A 0A; an IHDR chunk (width, height, bit depth 8,
/// colour type 2 = truecolour RGB, compression 0, filter method 0, no interlace); the image data as
/// one zlib stream (``Deflate/zlib(_:)``) split over IDAT chunks of at most 64 KiB; an empty IEND.
/// Each chunk is length (u32 big-endian, data only), 4-byte type, data, CRC-32 (``CRC32``) of type
/// and data. Before compression every scanline is prefixed by its filter type byte; the filter
/// (None, Sub, Up, Average or Paeth, section 9.2) is chosen per row by the usual heuristic: the one
/// whose output has the smallest sum of absolute values when read as signed bytes.
public enum PNGEncoder {
    /// The PNG file signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// Largest IDAT chunk written.
    static let idatChunkSize = 65536

    /// The PNG file bytes for `image`. A zero-width or zero-height image is encoded as-is (valid
    /// structure, though many viewers refuse such a file).
    public static func encode(_ image: RasterImage) -> [UInt8] {
        var file = signature
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        header += [8, 2, 0, 0, 0]   // bit depth, colour type RGB, deflate, adaptive filtering, no interlace
        appendChunk("IHDR", header, to: &file)
        let compressed = Deflate.zlib(PNGFilter.filtered(image))
        var start = 0
        repeat {
            let end = min(compressed.count, start + idatChunkSize)
            appendChunk("IDAT", Array(compressed[start..<end]), to: &file)
            start = end
        } while start < compressed.count
        appendChunk("IEND", [], to: &file)
        return file
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// Length, type, data, CRC-32(type + data).
    static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        appendBigEndian(UInt32(data.count), to: &file)
        file += typeBytes
        file += data
        appendBigEndian(CRC32.update(CRC32.checksum(typeBytes), with: data), to: &file)
    }
}
