/// An 8-bit-per-channel sRGB colour, the unit of both the SVG fills and the raster pixels.
public struct RGB: Equatable, Hashable, Sendable {
    /// Red channel, 0...255.
    public var red: UInt8
    /// Green channel, 0...255.
    public var green: UInt8
    /// Blue channel, 0...255.
    public var blue: UInt8

    /// A colour from its three channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour as a lowercase CSS/SVG hex literal, `"#rrggbb"` (always 7 characters).
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for channel in [red, green, blue] {
            text.append(digits[Int(channel >> 4)])
            text.append(digits[Int(channel & 0x0F)])
        }
        return text
    }

    /// A colour from a 24-bit `0xRRGGBB` literal.
    init(hex value: UInt32) {
        self.init(red: UInt8(truncatingIfNeeded: value >> 16), green: UInt8(truncatingIfNeeded: value >> 8),
                  blue: UInt8(truncatingIfNeeded: value))
    }

    /// Linear interpolation in sRGB channel space: `a + (b - a) * t`, `t` in 0...1, rounded to nearest.
    static func mix(_ a: RGB, _ b: RGB, _ t: Float) -> RGB {
        func channel(_ x: UInt8, _ y: UInt8) -> UInt8 {
            UInt8(max(0, min(255, (Float(x) + (Float(y) - Float(x)) * t).rounded())))
        }
        return RGB(red: channel(a.red, b.red), green: channel(a.green, b.green), blue: channel(a.blue, b.blue))
    }

    static let white = RGB(red: 255, green: 255, blue: 255)
    static let black = RGB(red: 0, green: 0, blue: 0)
    /// Dark grey for text and axes.
    static let ink = RGB(hex: 0x222222)
    /// Light grey for grid lines.
    static let gridLine = RGB(hex: 0xdddddd)
}
