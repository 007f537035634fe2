import Foundation

/// Tick positions for a chart axis: "nice" numbers that cover the data.
///
/// Linear axes step by 1, 2 or 5 times a power of ten, chosen so that about `targetCount` intervals span
/// the data; the axis runs from the largest multiple of the step at or below the data minimum to the
/// smallest at or above the maximum (Heckbert, "Nice numbers for graph labels", Graphics Gems 1990).
/// Logarithmic axes put ticks at powers of ten (every k-th decade when there are many), at 1, 2, 5
/// times a power of ten when the data spans at most two decades, and at 1, 2, ..., 9 times a power of
/// ten when that would still leave fewer than three ticks.
struct AxisTicks: Equatable, Sendable {
    /// Tick values, ascending; the first is `lower`, the last is `upper`.
    var values: [Double]
    /// The axis range, which contains the data.
    var lower: Double
    var upper: Double
    /// Distance between linear ticks (the ratio for logarithmic ones); sets the label precision.
    var step: Double
    /// Whether positions are proportional to log10(value).
    var logarithmic: Bool

    /// Ticks for a linear axis covering `minimum...maximum`. A zero-width range is widened (by 1 around
    /// zero, else by half the value's magnitude); non-finite input gives the axis 0...1.
    static func linear(minimum: Double, maximum: Double, targetCount: Int = 5) -> AxisTicks {
        guard minimum.isFinite, maximum.isFinite, minimum <= maximum else {
            return linear(minimum: 0, maximum: 1, targetCount: targetCount)
        }
        var lower = minimum, upper = maximum
        if upper - lower <= abs(upper) * 1e-12 {
            let pad = lower == 0 ? 1 : abs(lower) * 0.5
            lower -= pad
            upper += pad
        }
        let step = niceStep((upper - lower) / Double(max(1, targetCount)))
        let first = (lower / step).rounded(.down), last = (upper / step).rounded(.up)
        let values = stride(from: first, through: last, by: 1).map { $0 * step }
        return AxisTicks(values: values, lower: first * step, upper: last * step, step: step, logarithmic: false)
    }

    /// 1, 2, 5 or 10 times the power of ten at or below `rough`, the smallest such at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let normalized = rough / magnitude
        let factor: Double = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10
        return factor * magnitude
    }

    /// Ticks for a logarithmic axis covering `minimum...maximum` (both must be > 0; otherwise the axis
    /// 0.1...1 is returned). At most about 7 labelled decades.
    static func logarithmic(minimum: Double, maximum: Double) -> AxisTicks {
        guard minimum > 0, maximum >= minimum, maximum.isFinite else {
            return logarithmic(minimum: 0.1, maximum: 1)
        }
        if maximum <= minimum * 1.000_001 {   // a single value: widen by a factor of two each way
            return logarithmic(minimum: minimum / 2, maximum: maximum * 2)
        }
        let low = log10(minimum).rounded(.down), high = max(log10(maximum).rounded(.up), low + 1)
        let decades = Int(high - low)
        if decades > 2 {   // powers of ten, every k-th decade
            let every = Double((decades + 6) / 7)
            let candidates = stride(from: low, through: high + every, by: every).map { scaled(1, $0) }
            return covering(minimum, maximum, candidates, step: pow(10, every))
        }
        // 1, 2, 5 times powers of ten; 1, 2, ..., 9 when that leaves fewer than 3 ticks.
        func ticks(_ mantissas: [Double]) -> AxisTicks {
            let candidates = stride(from: low, through: high, by: 1).flatMap { exponent in
                mantissas.map { scaled($0, exponent) }
            }
            return covering(minimum, maximum, candidates, step: 2)
        }
        let coarse = ticks([1, 2, 5])
        return coarse.values.count >= 3 ? coarse : ticks([1, 2, 3, 4, 5, 6, 7, 8, 9])
    }

    /// mantissa * 10^exponent for an integral exponent, dividing for negative exponents so that e.g.
    /// scaled(7, -1) is the Double nearest 0.7 (7 * 0.1 is not).
    private static func scaled(_ mantissa: Double, _ exponent: Double) -> Double {
        exponent >= 0 ? mantissa * pow(10, exponent) : mantissa / pow(10, -exponent)
    }

    /// The log axis from the last candidate at or below `minimum` to the first at or above `maximum`.
    private static func covering(_ minimum: Double, _ maximum: Double, _ candidates: [Double], step: Double) -> AxisTicks {
        let start = candidates.lastIndex { $0 <= minimum * (1 + 1e-12) } ?? 0
        let end = candidates.firstIndex { $0 >= maximum * (1 - 1e-12) } ?? candidates.count - 1
        let values = Array(candidates[start...max(start + 1, end)])
        return AxisTicks(values: values, lower: values[0], upper: values[values.count - 1], step: step, logarithmic: true)
    }

    /// Where `value` falls on the axis, 0 at `lower` to 1 at `upper`.
    func fraction(of value: Double) -> Double {
        if logarithmic {
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return (value - lower) / (upper - lower)
    }

    /// The label of tick `value`.
    func label(_ value: Double) -> String {
        if logarithmic {
            let exponent = log10(value)
            return abs(exponent) >= 4 ? NumberText.exponent(value) : NumberText.tick(value, step: value)
        }
        return NumberText.tick(value, step: step)
    }
}
