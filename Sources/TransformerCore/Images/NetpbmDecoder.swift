/// Reads binary Netpbm images: PGM (`P5`, grey) and PPM (`P6`, RGB), the header "P5|P6 width height
/// maxval" as whitespace-separated ASCII decimals with `#` comments, one whitespace byte, then the samples
/// row by row. Samples are scaled to 0...255 when maxval is below 255 (v * 255 / maxval, rounded);
/// maxval above 255 (two bytes a sample) is refused with a clear error, as are the ASCII forms P2/P3.
public enum NetpbmDecoder {
    public static func decode(_ data: [UInt8]) throws(ImageFileError) -> PixelImage {
        guard data.count >= 2, data[0] == UInt8(ascii: "P") else {
            throw ImageFileError("Netpbm header", at: 0, "expected P5 (PGM) or P6 (PPM)")
        }
        let channels: Int
        switch data[1] {
        case UInt8(ascii: "5"): channels = 1
        case UInt8(ascii: "6"): channels = 3
        case UInt8(ascii: "2"), UInt8(ascii: "3"):
            throw ImageFileError("Netpbm header", at: 0, "ASCII P\(Character(UnicodeScalar(data[1]))) is not supported (binary P5 and P6 are)")
        default: throw ImageFileError("Netpbm header", at: 0, "expected P5 (PGM) or P6 (PPM)")
        }
        var position = 2
        func number(_ name: String) throws(ImageFileError) -> Int {
            while position < data.count {   // whitespace and comments
                if data[position] == UInt8(ascii: "#") {
                    while position < data.count && data[position] != 10 && data[position] != 13 { position += 1 }
                } else if [9, 10, 11, 12, 13, 32].contains(data[position]) {
                    position += 1
                } else {
                    break
                }
            }
            let start = position
            var value = 0
            while position < data.count, (48...57).contains(data[position]) {
                value = value * 10 + Int(data[position] - 48)
                guard value <= Int(Int32.max) else { throw ImageFileError("Netpbm header", at: start, "the \(name) is too large") }
                position += 1
            }
            guard position > start else { throw ImageFileError("Netpbm header", at: start, "expected the \(name) as a decimal number") }
            return value
        }
        let width = try number("width"), height = try number("height"), maxval = try number("maximum value")
        guard width > 0, height > 0 else { throw ImageFileError("Netpbm header", at: position, "zero image size \(width)x\(height)") }
        guard (1...255).contains(maxval) else {
            throw ImageFileError("Netpbm header", at: position,
                                 maxval == 0 ? "maximum value 0" : "maximum value \(maxval) (16-bit samples) is not supported (at most 255)")
        }
        guard width.multipliedReportingOverflow(by: height).partialValue <= PNGDecoder.maximumSamples / channels,
              !width.multipliedReportingOverflow(by: height).overflow else {
            throw ImageFileError("Netpbm header", at: position, "\(width)x\(height) is more than \(PNGDecoder.maximumSamples) samples")
        }
        guard position < data.count, [9, 10, 11, 12, 13, 32].contains(data[position]) else {
            throw ImageFileError("Netpbm header", at: position, "expected one whitespace byte before the samples")
        }
        position += 1
        let count = width * height * channels
        guard data.count - position >= count else {
            throw ImageFileError("Netpbm samples", at: position, "truncated: \(count) bytes expected, \(data.count - position) found")
        }
        var pixels = Array(data[position..<(position + count)])
        if maxval < 255 {
            for i in pixels.indices {
                guard Int(pixels[i]) <= maxval else {
                    throw ImageFileError("Netpbm samples", at: position + i, "sample \(pixels[i]) above the maximum value \(maxval)")
                }
                pixels[i] = UInt8((Int(pixels[i]) * 255 + maxval / 2) / maxval)
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: pixels)
    }
}

/// A malformed or unsupported image file other than PNG (Netpbm, IDX): the part, the byte offset, and what
/// was expected or found. Callers prefix the file name.
public struct ImageFileError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ part: String, at offset: Int, _ problem: String) {
        description = "\(part) at byte \(offset): \(problem)"
    }
}
