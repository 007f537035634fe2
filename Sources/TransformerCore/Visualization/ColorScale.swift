/// Maps a scalar to a colour: a piecewise-linear colour ramp over `range`.
///
/// For a value v, t = (v - lower) / (upper - lower) clamped to [0, 1]; the colour is interpolated
/// linearly (per sRGB channel) between the two ramp stops around t. Values outside `range` clamp to the
/// end colours (+inf to the top, -inf to the bottom). NaN maps to ``ColorScale/notANumberColor``
/// (mid grey, #808080), which is not on the viridis ramp. If the range is a single point, values below
/// it get the bottom colour, above it the top colour, and the point itself the middle colour.
public struct ColorScale: Sendable {
    /// The values mapped to the two ends of the ramp.
    public var range: ClosedRange<Float>
    /// The ramp's colours at equally spaced positions t = i / (count - 1); at least two.
    let stops: [RGB]

    /// The colour given to NaN values: #808080.
    public static let notANumberColor = RGB(red: 128, green: 128, blue: 128)

    /// A scale from `range` onto a ramp through `stops` (equally spaced; precondition: at least two).
    public init(range: ClosedRange<Float>, stops: [RGB]) {
        precondition(stops.count >= 2, "a colour scale needs at least 2 stops, got \(stops.count)")
        self.range = range
        self.stops = stops
    }

    /// Viridis (matplotlib's default map, van der Walt & Smith 2015): perceptually uniform, readable in
    /// grey scale and by colour-blind readers, dark purple (#440154) at the bottom to yellow (#fde725)
    /// at the top. Approximated by its 11 colours at t = 0, 0.1, ..., 1 with linear interpolation
    /// between them (within a few units per channel of the 256-entry table). Lightness increases
    /// monotonically along the ramp.
    public static func viridis(range: ClosedRange<Float> = 0...1) -> ColorScale {
        ColorScale(range: range, stops: [
            0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
            0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725,
        ].map { RGB(hex: $0) })
    }

    /// The position of `value` on the ramp, in [0, 1]; nil for NaN.
    func position(of value: Float) -> Float? {
        if value.isNaN { return nil }
        let width = range.upperBound - range.lowerBound
        guard width > 0, width.isFinite else {
            return value < range.lowerBound ? 0 : value > range.upperBound ? 1 : 0.5
        }
        return max(0, min(1, (value - range.lowerBound) / width))
    }

    /// The colour for `value`: clamped to `range`; NaN gives ``notANumberColor``.
    public func color(for value: Float) -> RGB {
        guard let t = position(of: value) else { return Self.notANumberColor }
        let scaled = t * Float(stops.count - 1)
        let index = min(Int(scaled), stops.count - 2)
        return RGB.mix(stops[index], stops[index + 1], scaled - Float(index))
    }
}
