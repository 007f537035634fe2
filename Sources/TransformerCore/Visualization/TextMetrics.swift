/// Width estimates for text, so margins can be sized from the longest label.
///
/// SVG text is set in a monospace font whose advance is 0.6 em (DejaVu Sans Mono, Menlo, Consolas), so
/// a label of n narrow characters is n * 0.6 * fontSize wide; East Asian wide characters (CJK,
/// Hangul, kana, full-width forms, emoji) count as two. Raster text uses ``BitmapFont`` (5x7 glyphs on a
/// 6 px advance, times an integer scale, one glyph per character), so the same layout code serves both.
struct TextMetrics: Sendable {
    /// Nominal font size in pixels (SVG `font-size`; for the bitmap font, the glyph height).
    var fontSize: Int
    /// Horizontal advance of one narrow character, in pixels.
    var characterWidth: Double
    /// Distance between baselines, in pixels.
    var lineHeight: Int
    /// Whether wide (CJK) characters take two advances; false for the bitmap font.
    var countsWideCharacters: Bool

    /// Estimated width of `text` in pixels (rounded up).
    func width(of text: String) -> Int {
        var columns = 0
        for character in text {
            if countsWideCharacters, let scalar = character.unicodeScalars.first, Self.isWide(scalar) {
                columns += 2
            } else {
                columns += 1
            }
        }
        return Int((Double(columns) * characterWidth).rounded(.up))
    }

    /// Width of the widest of `texts` (0 for none).
    func maximumWidth(of texts: [String]) -> Int {
        texts.reduce(0) { max($0, width(of: $1)) }
    }

    /// East Asian Wide / Fullwidth blocks (a coarse subset of UAX #11).
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}

/// The three kinds of text a figure uses.
enum TextStyle: Sendable {
    /// Tick and token labels.
    case label
    /// Panel titles and axis titles (bold).
    case heading
    /// The figure title (larger, bold).
    case title
}

/// How text is measured for one output: SVG (a monospace font) or raster (the bitmap font).
struct Typesetting: Sendable {
    var label: TextMetrics
    var heading: TextMetrics
    var title: TextMetrics

    /// Metrics for `style`.
    func metrics(_ style: TextStyle) -> TextMetrics {
        switch style {
        case .label: label
        case .heading: heading
        case .title: title
        }
    }

    /// 11 px labels, 12 px bold headings, 16 px bold title, monospace.
    static let svg = Typesetting(
        label: TextMetrics(fontSize: 11, characterWidth: 6.6, lineHeight: 14, countsWideCharacters: true),
        heading: TextMetrics(fontSize: 12, characterWidth: 7.2, lineHeight: 16, countsWideCharacters: true),
        title: TextMetrics(fontSize: 16, characterWidth: 9.6, lineHeight: 22, countsWideCharacters: true))

    /// The 5x7 bitmap font: labels at scale 1, headings at scale 1 drawn bold (one more pixel of advance), the title at scale 2.
    static let raster = Typesetting(
        label: TextMetrics(fontSize: 7, characterWidth: 6, lineHeight: 11, countsWideCharacters: false),
        heading: TextMetrics(fontSize: 7, characterWidth: 7, lineHeight: 12, countsWideCharacters: false),
        title: TextMetrics(fontSize: 14, characterWidth: 14, lineHeight: 22, countsWideCharacters: false))
}
