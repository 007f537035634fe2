import Foundation

/// Deterministic, locale-independent number formatting for labels, tooltips and data attributes.
enum NumberText {
    /// `value` with exactly `decimals` digits after the point ("0.123"); "NaN", "inf", "-inf" for
    /// non-finite values. Uses the C locale ("." as the decimal separator).
    static func fixed(_ value: Double, decimals: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        let text = String(format: "%.\(max(0, decimals))f", value)
        // "-0.000" (a tiny negative rounded to zero) reads as "0.000".
        if text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// The shortest text that reads back as the same Float (Swift's `description`), used for
    /// `data-value` attributes and JSON: "0.25", "1e-05", "nan".
    static func exact(_ value: Float) -> String {
        value.description
    }

    /// A tick label for `value` on an axis whose ticks are `step` apart: enough decimals to tell ticks
    /// apart, no more; exponent form ("1e-04") below 1e-4 or from 1e6 on.
    static func tick(_ value: Double, step: Double) -> String {
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e6) {
            return exponent(value)
        }
        let decimals = step > 0 && step.isFinite ? max(0, Int((-log10(step)).rounded(.up))) : 0
        return fixed(value, decimals: min(decimals, 6))
    }

    /// "1e-03", "2.5e+06": C's %g with up to 3 significant digits.
    static func exponent(_ value: Double) -> String {
        String(format: "%.3g", value)
    }
}
