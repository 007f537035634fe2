import Foundation

/// Resizing 8-bit images as Pillow's `Image.resize(size, Image.BILINEAR)` does (the resize of Hugging
/// Face's image processors), sample for sample: a separable triangle filter whose support grows with
/// the downscale factor (so shrinking averages every source pixel, "antialiased"), coefficients
/// rounded to 22-bit fixed point, the horizontal pass first and its result rounded to 8 bits before
/// the vertical pass (Pillow's `src/libImaging/Resample.c`, `ImagingResample` for 8-bit modes; equal to
/// Pillow 12.0 on every tested size pair; Pillow 13.0 differs by 1 in a few samples for some size pairs).
///
/// For output pixel i of a pass from n to m samples, with scale s = n / m and f = max(1, s):
///
///     center = (i + 0.5) s,   support = f
///     taps j = max(0, trunc(center - f + 0.5)) ..< min(n, trunc(center + f + 0.5))
///     w_j = max(0, 1 - |(j - center + 0.5) / f|),  normalised to sum 1, then round(w_j 2^22)
///     out_i = clamp((2^21 + sum_j w_j in_j) >> 22, 0, 255)
public enum ImageResize {
    /// Fixed-point bits of Pillow's 8-bit resampling coefficients (32 - 8 - 2).
    static let precisionBits = 22

    /// `image` (grey or RGB) resized to `width` x `height`, every channel alike. Returns `image` itself
    /// when the size is unchanged. Images with alpha are refused: Pillow resizes those premultiplied,
    /// and ``ImagePreprocessor`` drops alpha before resizing.
    public static func bilinear(_ image: PixelImage, width: Int, height: Int) -> PixelImage {
        precondition(width > 0 && height > 0, "resize needs a positive size, got \(width)x\(height)")
        precondition(image.channels == 1 || image.channels == 3, "resize needs a grey or RGB image, got \(image.channels) channels")
        var current = image
        if width != image.width { current = horizontal(current, width: width) }
        if height != image.height { current = vertical(current, height: height) }
        return current
    }

    /// The taps of each output sample: first source index and fixed-point weights.
    static func coefficients(inputSize: Int, outputSize: Int) -> [(first: Int, weights: [Int32])] {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(1, scale)
        let support = filterScale   // the triangle's support is 1
        return (0..<outputSize).map { i in
            let center = (Double(i) + 0.5) * scale
            let first = max(0, Int(center - support + 0.5))
            let end = min(inputSize, Int(center + support + 0.5))
            var weights = (first..<max(first, end)).map { j -> Double in
                let x = abs((Double(j) - center + 0.5) / filterScale)
                return x < 1 ? 1 - x : 0
            }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            let one = Double(1 << precisionBits)
            return (first, weights.map { w in Int32(w < 0 ? -0.5 + w * one : 0.5 + w * one) })
        }
    }

    static func clip8(_ sum: Int64) -> UInt8 {
        let shifted = sum >> Int64(precisionBits)
        return UInt8(clamping: min(255, max(0, shifted)))
    }

    static func horizontal(_ image: PixelImage, width: Int) -> PixelImage {
        let taps = coefficients(inputSize: image.width, outputSize: width), c = image.channels
        var out = [UInt8](repeating: 0, count: width * image.height * c)
        let half = Int64(1) << Int64(precisionBits - 1)
        for y in 0..<image.height {
            let row = y * image.width * c
            for (x, tap) in taps.enumerated() {
                for channel in 0..<c {
                    var sum = half
                    for (k, w) in tap.weights.enumerated() {
                        sum += Int64(image.pixels[row + (tap.first + k) * c + channel]) * Int64(w)
                    }
                    out[(y * width + x) * c + channel] = clip8(sum)
                }
            }
        }
        return PixelImage(width: width, height: image.height, channels: c, pixels: out)
    }

    static func vertical(_ image: PixelImage, height: Int) -> PixelImage {
        let taps = coefficients(inputSize: image.height, outputSize: height), c = image.channels
        let rowLength = image.width * c
        var out = [UInt8](repeating: 0, count: rowLength * height)
        let half = Int64(1) << Int64(precisionBits - 1)
        for (y, tap) in taps.enumerated() {
            for i in 0..<rowLength {
                var sum = half
                for (k, w) in tap.weights.enumerated() {
                    sum += Int64(image.pixels[(tap.first + k) * rowLength + i]) * Int64(w)
                }
                out[y * rowLength + i] = clip8(sum)
            }
        }
        return PixelImage(width: image.width, height: height, channels: c, pixels: out)
    }
}
