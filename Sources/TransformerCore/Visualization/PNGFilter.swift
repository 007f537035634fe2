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

    /// Writes the filtered `row` into `output` (same length), given the raw row above (all zeros for
    /// the first row); returns the heuristic score, the sum of |byte| with bytes read as signed.
    /// Stops early (output incomplete) once the score exceeds `limit`.
    func apply(_ row: UnsafeBufferPointer<UInt8>, above: UnsafeBufferPointer<UInt8>,
               into output: UnsafeMutableBufferPointer<UInt8>, limit: Int = .max) -> Int {
        let left = Self.bytesPerPixel, count = row.count
        var score = 0
        @inline(__always) func emit(_ i: Int, _ value: UInt8) {
            output[i] = value
            score += value < 128 ? Int(value) : 256 - Int(value)
        }
        // One loop per filter, the first pixel (no left neighbour) handled before it.
        switch self {
        case .none:
            for i in 0..<count { emit(i, row[i]); if score > limit { return score } }
        case .sub:
            for i in 0..<min(left, count) { emit(i, row[i]) }
            for i in min(left, count)..<count { emit(i, row[i] &- row[i - left]); if score > limit { return score } }
        case .up:
            for i in 0..<count { emit(i, row[i] &- above[i]); if score > limit { return score } }
        case .average:
            for i in 0..<min(left, count) { emit(i, row[i] &- above[i] >> 1) }
            for i in min(left, count)..<count {
                emit(i, row[i] &- UInt8((Int(row[i - left]) + Int(above[i])) >> 1))
                if score > limit { return score }
            }
        case .paeth:
            for i in 0..<min(left, count) { emit(i, row[i] &- above[i]) }   // Paeth(0, b, 0) = b
            for i in min(left, count)..<count {
                emit(i, row[i] &- Self.paeth(row[i - left], above[i], above[i - left]))
                if score > limit { return score }
            }
        }
        return score
    }

    /// The filtered image data: for each row, a filter type byte then the filtered bytes;
    /// `height * (1 + 3 * width)` bytes in all.
    static func filtered(_ image: RasterImage) -> [UInt8] {
        let stride = image.width * bytesPerPixel
        var output = [UInt8](repeating: 0, count: image.height * (stride + 1))
        var candidate = [UInt8](repeating: 0, count: stride)
        let zeros = [UInt8](repeating: 0, count: stride)
        zeros.withUnsafeBufferPointer { zeros in
        image.pixels.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { output in
                candidate.withUnsafeMutableBufferPointer { candidate in
                    for y in 0..<image.height {
                        let row = UnsafeBufferPointer(rebasing: pixels[(y * stride)..<((y + 1) * stride)])
                        let above = y > 0 ? UnsafeBufferPointer(rebasing: pixels[((y - 1) * stride)..<(y * stride)]) : zeros
                        let start = y * (stride + 1)
                        let best = UnsafeMutableBufferPointer(rebasing: output[(start + 1)..<(start + 1 + stride)])
                        // Up (best on flat backgrounds) goes straight into place; a better filter overwrites it.
                        var bestScore = PNGFilter.up.apply(row, above: above, into: best)
                        output[start] = PNGFilter.up.rawValue
                        for filter in [PNGFilter.sub, .paeth, .average, .none] where bestScore > 0 {
                            let score = filter.apply(row, above: above, into: candidate, limit: bestScore - 1)
                            if score < bestScore {
                                bestScore = score
                                output[start] = filter.rawValue
                                _ = best.update(fromContentsOf: candidate)
                            }
                        }
                    }
                }
            }
        }
        }
        return output
    }
}
