/// Reads PNG files (ISO/IEC 15948, the W3C PNG specification): the signature, chunks with their CRC-32,
/// IHDR, PLTE and tRNS, the IDAT stream (``Inflate/zlib(_:maximumOutput:)``), the five row filters, and
/// IEND. The decoder of ``PNGEncoder``'s files and of ordinary datasets' images.
///
/// Read: bit depth 8 for grey, grey + alpha, RGB and RGBA; palette images of 1, 2, 4 or 8 bits (expanded
/// to RGB, or RGBA when tRNS gives alpha); grey of 1, 2 or 4 bits, scaled to 0...255 as the
/// specification's sample scaling does (v * 255 / (2^depth - 1)). Not read (a clear error): 16-bit
/// samples and Adam7 interlacing. Ancillary chunks other than tRNS are skipped; an unknown critical chunk
/// is an error. Every malformed file is a ``PNGError`` naming the chunk or part, and the byte offset.
public enum PNGDecoder {
    /// Pixels of at most this many samples (width x height x channels) are decoded: 2^28, far above any
    /// dataset image here, so that a forged IHDR cannot ask for gigabytes.
    public static let maximumSamples = 1 << 28

    public static func decode(_ data: [UInt8]) throws(PNGError) -> PixelImage {
        guard data.count >= 8, Array(data[0..<8]) == PNGEncoder.signature else {
            throw PNGError("signature", at: 0, "not a PNG file (the first 8 bytes are not the PNG signature)")
        }
        var position = 8
        var header: Header?
        var palette: [UInt8] = [], alpha: [UInt8] = [], compressed: [UInt8] = []
        var ended = false
        while !ended {
            guard data.count - position >= 12 else {
                throw PNGError("file", at: position, "truncated: expected a chunk (at least 12 bytes), found \(data.count - position) bytes")
            }
            let length = Int(bigEndian32(data, position))
            let typeBytes = Array(data[(position + 4)..<(position + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw PNGError("chunk", at: position + 4, "the chunk type is not 4 ASCII letters")
            }
            guard length <= Int(Int32.max), data.count - position - 12 >= length else {
                throw PNGError("\(type) chunk", at: position, "truncated: \(length) data bytes declared, \(max(0, data.count - position - 12)) left")
            }
            let body = Array(data[(position + 8)..<(position + 8 + length)])
            let stored = bigEndian32(data, position + 8 + length)
            let actual = CRC32.checksum(data[(position + 4)..<(position + 8 + length)])
            guard stored == actual else {
                throw PNGError("\(type) chunk", at: position, "CRC mismatch: stored \(Inflate.hex(stored)), computed \(Inflate.hex(actual))")
            }
            if header == nil && type != "IHDR" { throw PNGError("\(type) chunk", at: position, "expected IHDR as the first chunk") }
            switch type {
            case "IHDR": header = try Header(body, at: position)
            case "PLTE":
                guard length % 3 == 0, (3...768).contains(length) else {
                    throw PNGError("PLTE chunk", at: position, "expected 1 to 256 RGB entries, found \(length) bytes")
                }
                palette = body
            case "tRNS": alpha = body
            case "IDAT": compressed += body
            case "IEND": ended = true
            default:
                guard typeBytes[0] & 0x20 != 0 else {   // upper-case first letter: critical
                    throw PNGError("\(type) chunk", at: position, "unknown critical chunk")
                }
            }
            position += 12 + length
        }
        guard let header else { throw PNGError("file", at: 8, "no IHDR chunk") }
        guard !compressed.isEmpty else { throw PNGError("file", at: position, "no IDAT chunk") }
        if header.colorType == 3 && palette.isEmpty { throw PNGError("file", at: position, "a palette image without PLTE") }
        let expected = header.height * (1 + header.rowBytes)
        let raw: [UInt8]
        do {
            raw = try Inflate.zlib(compressed, maximumOutput: expected)
        } catch {
            throw PNGError("IDAT data", at: 0, error.description)
        }
        guard raw.count == expected else {
            throw PNGError("IDAT data", at: 0, "expected \(expected) bytes of filtered rows, decompressed \(raw.count)")
        }
        let rows = try unfilter(raw, header: header)
        return try expand(rows, header: header, palette: palette, alpha: alpha)
    }

    /// IHDR's fields, checked.
    struct Header {
        let width: Int, height: Int, bitDepth: Int, colorType: Int
        /// Samples per pixel in the file (palette: 1 index).
        var samples: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]! }
        var bitsPerPixel: Int { samples * bitDepth }
        /// Bytes of one row, without its filter byte.
        var rowBytes: Int { (width * bitsPerPixel + 7) / 8 }
        /// The filters' byte distance to the corresponding byte of the previous pixel (at least 1).
        var filterStride: Int { max(1, bitsPerPixel / 8) }

        init(_ body: [UInt8], at offset: Int) throws(PNGError) {
            guard body.count == 13 else { throw PNGError("IHDR chunk", at: offset, "expected 13 bytes, found \(body.count)") }
            width = Int(PNGDecoder.bigEndian32(body, 0))
            height = Int(PNGDecoder.bigEndian32(body, 4))
            bitDepth = Int(body[8])
            colorType = Int(body[9])
            guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
                throw PNGError("IHDR chunk", at: offset, "zero or too large image size \(width)x\(height)")
            }
            let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
            guard let depths = allowed[colorType] else {
                throw PNGError("IHDR chunk", at: offset, "invalid color type \(colorType) (expected 0, 2, 3, 4 or 6)")
            }
            guard depths.contains(bitDepth) else {
                throw PNGError("IHDR chunk", at: offset, "invalid bit depth \(bitDepth) for color type \(colorType)")
            }
            guard bitDepth != 16 else {
                throw PNGError("IHDR chunk", at: offset, "unsupported bit depth 16 (8-bit and lower samples are read)")
            }
            guard body[10] == 0, body[11] == 0 else {
                throw PNGError("IHDR chunk", at: offset, "unknown compression (\(body[10])) or filter method (\(body[11]))")
            }
            guard body[12] == 0 else {
                throw PNGError("IHDR chunk", at: offset, body[12] == 1 ? "Adam7 interlacing is not supported" : "invalid interlace method \(body[12])")
            }
            let channels = colorType == 3 ? 4 : [0: 1, 2: 3, 4: 2, 6: 4][colorType]!
            guard width.multipliedReportingOverflow(by: height).partialValue <= PNGDecoder.maximumSamples / channels,
                  !width.multipliedReportingOverflow(by: height).overflow else {
                throw PNGError("IHDR chunk", at: offset, "\(width)x\(height) is more than \(PNGDecoder.maximumSamples) samples")
            }
        }
    }

    /// Undoes the row filters (None, Sub, Up, Average, Paeth): `height` rows of `rowBytes`.
    static func unfilter(_ raw: [UInt8], header: Header) throws(PNGError) -> [UInt8] {
        let (rowBytes, stride) = (header.rowBytes, header.filterStride)
        var rows = [UInt8](repeating: 0, count: header.height * rowBytes)
        for y in 0..<header.height {
            let filter = raw[y * (rowBytes + 1)]
            let source = y * (rowBytes + 1) + 1, row = y * rowBytes, previous = row - rowBytes
            for i in 0..<rowBytes {
                let x = raw[source + i]
                let a = i >= stride ? Int(rows[row + i - stride]) : 0
                let b = y > 0 ? Int(rows[previous + i]) : 0
                let c = (i >= stride && y > 0) ? Int(rows[previous + i - stride]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:   // Paeth: the neighbour closest to a + b - c (ties: a, then b, then c)
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default:
                    throw PNGError("IDAT data", at: y * (rowBytes + 1), "row \(y) has filter type \(filter) (expected 0 to 4)")
                }
                rows[row + i] = x &+ UInt8(truncatingIfNeeded: predictor)
            }
        }
        return rows
    }

    /// Unpacked samples: sub-byte grey scaled to 0...255, palette indices looked up (RGB, or RGBA with tRNS).
    static func expand(_ rows: [UInt8], header: Header, palette: [UInt8], alpha: [UInt8]) throws(PNGError) -> PixelImage {
        let (width, height, depth) = (header.width, header.height, header.bitDepth)
        func sample(_ y: Int, _ index: Int) -> Int {   // index-th sample of row y, for depths 1, 2, 4, 8
            let bit = index * depth
            let byte = rows[y * header.rowBytes + bit / 8]
            return Int(byte >> UInt8(8 - depth - bit % 8)) & ((1 << depth) - 1)
        }
        switch header.colorType {
        case 3:
            let entries = palette.count / 3
            let channels = alpha.isEmpty ? 3 : 4
            var pixels = [UInt8](repeating: 0, count: width * height * channels)
            for y in 0..<height {
                for x in 0..<width {
                    let index = sample(y, x)
                    guard index < entries else {
                        throw PNGError("IDAT data", at: 0, "pixel (\(x), \(y)) uses palette entry \(index) of \(entries)")
                    }
                    let out = (y * width + x) * channels
                    for c in 0..<3 { pixels[out + c] = palette[3 * index + c] }
                    if channels == 4 { pixels[out + 3] = index < alpha.count ? alpha[index] : 255 }
                }
            }
            return PixelImage(width: width, height: height, channels: channels, pixels: pixels)
        case 0 where depth < 8:
            let scale = 255 / ((1 << depth) - 1)
            var pixels = [UInt8](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width { pixels[y * width + x] = UInt8(sample(y, x) * scale) }
            }
            return PixelImage(width: width, height: height, channels: 1, pixels: pixels)
        default:
            return PixelImage(width: width, height: height, channels: header.samples, pixels: rows)
        }
    }

    static func bigEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        bytes[at..<(at + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}

/// A malformed or unsupported PNG: the part (chunk or data), the byte offset, and what was expected or
/// found. Callers prefix the file name.
public struct PNGError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ part: String, at offset: Int, _ problem: String) {
        description = "\(part) at byte \(offset): \(problem)"
    }
}
