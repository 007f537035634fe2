@testable import TransformerCore

/// Reads a PNG the way an ordinary decoder would, for the tests: checks the signature and every
/// chunk's CRC-32 (computed with the bitwise reference definition), reads IHDR, concatenates IDAT,
/// inflates it with ``Inflate`` (checked against Python's zlib in InflateTests) and undoes the five
/// scanline filters itself (RGB8 only, and 0 x 0 images, which ``PNGDecoder`` refuses).
struct PNGReader {
    enum Failure: Error { case badSignature, truncated, badCRC(String), missingChunk(String), unsupported, badSize(Int) }

    var width = 0, height = 0
    var chunkTypes: [String] = []
    /// The decompressed, still filtered image data.
    var filtered: [UInt8] = []
    /// The unfiltered RGB8 pixels, [height, width, 3].
    var pixels: [UInt8] = []

    init(_ file: [UInt8]) throws {
        guard file.count >= 8, Array(file[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw Failure.badSignature
        }
        var position = 8, idat: [UInt8] = []
        func u32(_ at: Int) -> Int { file[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        while position < file.count {
            guard position + 12 <= file.count else { throw Failure.truncated }
            let length = u32(position)
            guard position + 12 + length <= file.count else { throw Failure.truncated }
            let typeAndData = Array(file[(position + 4)..<(position + 8 + length)])
            let type = String(decoding: typeAndData[0..<4], as: UTF8.self)
            guard CRC32.referenceChecksum(typeAndData) == UInt32(u32(position + 8 + length)) else { throw Failure.badCRC(type) }
            chunkTypes.append(type)
            let data = Array(typeAndData[4...])
            if type == "IHDR" {
                width = Int(data[0..<4].reduce(0) { $0 << 8 | Int($1) })
                height = Int(data[4..<8].reduce(0) { $0 << 8 | Int($1) })
                guard Array(data[8...]) == [8, 2, 0, 0, 0] else { throw Failure.unsupported }
            }
            if type == "IDAT" { idat += data }
            position += 12 + length
        }
        guard chunkTypes.first == "IHDR" else { throw Failure.missingChunk("IHDR") }
        guard chunkTypes.last == "IEND" else { throw Failure.missingChunk("IEND") }
        filtered = try Inflate.zlib(idat)
        let stride = width * 3
        guard filtered.count == height * (1 + stride) else { throw Failure.badSize(filtered.count) }
        pixels = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = filtered[y * (stride + 1)]
            for i in 0..<stride {
                let x = Int(filtered[y * (stride + 1) + 1 + i])
                let a = i >= 3 ? Int(pixels[y * stride + i - 3]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + i]) : 0
                let c = i >= 3 && y > 0 ? Int(pixels[(y - 1) * stride + i - 3]) : 0
                let prediction: Int
                switch filter {
                case 0: prediction = 0
                case 1: prediction = a
                case 2: prediction = b
                case 3: prediction = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    prediction = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw Failure.unsupported
                }
                pixels[y * stride + i] = UInt8((x + prediction) & 0xFF)
            }
        }
    }
}
