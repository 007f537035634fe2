/// PNG scanline filtering (filter method 0, PNG specification section 9.2).
///
/// For each byte x of a row, with a the byte one pixel (3 bytes) to the left, b the byte above and c
/// the byte above-left (0 outside the image), a filter stores x minus a prediction, mod 256:
/// None 0, Sub a, Up b, Average floor((a + b) / 2), Paeth whichever of a, b, c is closest to
/// a + b - c (ties in that order). Filters make smooth and repeated rows compress well.
enum PNGFilter: UInt8, CaseIterable {
    case none = 0, sub, up, average, paeth

    static let bytesPerPixel = 3

    /// The Paeth predictor.
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// The prediction for byte `i` of a row, given the raw row and the raw row above.
    func prediction(_ row: UnsafeBufferPointer<UInt8>, _ above: UnsafeBufferPointer<UInt8>?, _ i: Int) -> UInt8 {
        let a = i >= Self.bytesPerPixel ? row[i - Self.bytesPerPixel] : 0
        let b = above?[i] ?? 0
        let c = i >= Self.bytesPerPixel ? (above?[i - Self.bytesPerPixel] ?? 0) : 0
        switch self {
        case .none: return 0
        case .sub: return a
        case .up: return b
        case .average: return UInt8((Int(a) + Int(b)) / 2)
        case .paeth: return Self.paeth(a, b, c)
        }
    }

    /// The filtered image data: for each row, a filter type byte then the filtered bytes;
    /// `height * (1 + 3 * width)` bytes in all.
    static func filtered(_ image: RasterImage) -> [UInt8] {
        let stride = image.width * bytesPerPixel
        var output: [UInt8] = []
        output.reserveCapacity(image.height * (stride + 1))
        var candidate = [UInt8](repeating: 0, count: stride)
        var best = [UInt8](repeating: 0, count: stride)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<image.height {
                let row = UnsafeBufferPointer(rebasing: pixels[(y * stride)..<((y + 1) * stride)])
                let above = y > 0 ? UnsafeBufferPointer(rebasing: pixels[((y - 1) * stride)..<(y * stride)]) : nil
                var bestFilter = PNGFilter.none
                var bestScore = Int.max
                for filter in allCases {
                    var score = 0
                    for i in 0..<stride {
                        let value = row[i] &- filter.prediction(row, above, i)
                        candidate[i] = value
                        score += value < 128 ? Int(value) : 256 - Int(value)
                    }
                    if score < bestScore {
                        bestScore = score
                        bestFilter = filter
                        swap(&best, &candidate)
                    }
                }
                output.append(bestFilter.rawValue)
                output += best
            }
        }
        return output
    }
}
