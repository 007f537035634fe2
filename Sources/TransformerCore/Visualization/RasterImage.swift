/// An RGB image with 8 bits per channel: `pixels` holds `height` rows of `width` pixels, each pixel
/// three bytes (red, green, blue), rows top to bottom, pixels left to right: [height, width, 3].
public struct RasterImage: Sendable {
    /// Width in pixels (>= 0).
    public let width: Int
    /// Height in pixels (>= 0).
    public let height: Int
    /// [height, width, 3] row-major RGB8; `pixels.count == width * height * 3`.
    public var pixels: [UInt8]

    /// An image filled with `background`. Precondition: non-negative size.
    public init(width: Int, height: Int, background: RGB) {
        precondition(width >= 0 && height >= 0, "raster size \(width)x\(height) must be non-negative")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    /// The pixel at column `x`, row `y` (0-based, origin top-left). Precondition: inside the image.
    public subscript(x: Int, y: Int) -> RGB {
        get {
            precondition(contains(x: x, y: y), "pixel (\(x), \(y)) outside \(width)x\(height)")
            let offset = (y * width + x) * 3
            return RGB(red: pixels[offset], green: pixels[offset + 1], blue: pixels[offset + 2])
        }
        set {
            precondition(contains(x: x, y: y), "pixel (\(x), \(y)) outside \(width)x\(height)")
            let offset = (y * width + x) * 3
            pixels[offset] = newValue.red
            pixels[offset + 1] = newValue.green
            pixels[offset + 2] = newValue.blue
        }
    }

    /// Whether (x, y) is a pixel of the image.
    func contains(x: Int, y: Int) -> Bool {
        x >= 0 && x < width && y >= 0 && y < height
    }

    /// Sets (x, y) if it is inside the image; drawing outside is clipped silently.
    mutating func plot(x: Int, y: Int, _ color: RGB) {
        if contains(x: x, y: y) { self[x, y] = color }
    }

    /// Fills the rectangle [x, x + width) x [y, y + height), clipped to the image.
    mutating func fill(x: Int, y: Int, width: Int, height: Int, _ color: RGB) {
        let left = max(0, x), right = min(self.width, x + width)
        let top = max(0, y), bottom = min(self.height, y + height)
        guard left < right, top < bottom else { return }
        let stride = self.width * 3
        pixels.withUnsafeMutableBufferPointer { pixels in
            for column in left..<right {   // the first row, then copies of it
                pixels[top * stride + column * 3] = color.red
                pixels[top * stride + column * 3 + 1] = color.green
                pixels[top * stride + column * 3 + 2] = color.blue
            }
            guard let base = pixels.baseAddress else { return }
            for row in (top + 1)..<max(top + 1, bottom) {
                (base + row * stride + left * 3).update(from: base + top * stride + left * 3, count: (right - left) * 3)
            }
        }
    }

    /// A 1 px line from (x0, y0) to (x1, y1) inclusive (Bresenham); `dashed` draws 3 on, 3 off.
    mutating func line(x0: Int, y0: Int, x1: Int, y1: Int, _ color: RGB, dashed: Bool = false) {
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var x = x0, y = y0, error = dx + dy, step = 0
        while true {
            if !dashed || step % 6 < 3 { plot(x: x, y: y, color) }
            if x == x1 && y == y1 { return }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
            step += 1
        }
    }

    /// A line `thickness` pixels wide: the 1 px line repeated across a small square brush.
    mutating func thickLine(x0: Int, y0: Int, x1: Int, y1: Int, _ color: RGB, thickness: Int) {
        let low = -(thickness - 1) / 2, high = thickness / 2
        for oy in low...high {
            for ox in low...high {
                line(x0: x0 + ox, y0: y0 + oy, x1: x1 + ox, y1: y1 + oy, color)
            }
        }
    }
}
