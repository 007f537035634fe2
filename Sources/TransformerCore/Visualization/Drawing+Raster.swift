/// Raster output of a ``Drawing``: every command painted into a ``RasterImage`` on white.
///
/// Differences from the SVG, by design: text uses the 5x7 ``BitmapFont`` (labels at scale 1, headings
/// bold at scale 1, the figure title at scale 2) with non-ASCII characters drawn as '?'; no
/// anti-aliasing (series lines are 2 px Bresenham lines); groups and tooltips do not exist.
extension Drawing {
    /// The picture as pixels.
    func raster() -> RasterImage {
        var image = RasterImage(width: width, height: height, background: .white)
        for command in commands {
            switch command {
            case let .rect(x, y, width, height, fill, _):
                image.fill(x: x, y: y, width: width, height: height, fill)
            case let .line(x1, y1, x2, y2, color, dashed):
                image.line(x0: x1, y0: y1, x1: x2, y1: y2, color, dashed: dashed)
            case let .polyline(points, color, _):
                let pixels = points.map { (x: Int($0.x.rounded()), y: Int($0.y.rounded())) }
                if pixels.count == 1 {
                    image.fill(x: pixels[0].x - 1, y: pixels[0].y - 1, width: 3, height: 3, color)
                }
                for (a, b) in zip(pixels, pixels.dropFirst()) {
                    image.thickLine(x0: a.x, y0: a.y, x1: b.x, y1: b.y, color, thickness: 2)
                }
            case let .colorRamp(x, y, width, height, scale):
                let lower = scale.range.lowerBound, upper = scale.range.upperBound
                for band in 0..<max(0, height) {   // band 0 is the top, the upper bound
                    let t = height > 1 ? Float(height - 1 - band) / Float(height - 1) : 0
                    image.fill(x: x, y: y + band, width: width, height: 1, scale.color(for: lower + (upper - lower) * t))
                }
            case let .image(x, y, picture):
                for row in 0..<picture.height {
                    for column in 0..<picture.width { image.plot(x: x + column, y: y + row, picture[column, row]) }
                }
            case let .text(placement):
                Self.draw(placement, into: &image)
            case .beginGroup, .endGroup:
                break
            }
        }
        return image
    }

    /// Places a text run by its anchor, as the SVG renderer does.
    static func draw(_ placement: TextPlacement, into image: inout RasterImage) {
        let scale = placement.style == .title ? 2 : 1
        let bold = placement.style != .label
        let advance = BitmapFont.advance + (bold ? 1 : 0)
        let length = BitmapFont.width(of: placement.text, scale: scale, advance: advance)
        let offset: Int
        switch placement.anchor {
        case .start: offset = 0
        case .middle: offset = length / 2
        case .end: offset = length
        }
        let across = BitmapFont.glyphHeight * scale / 2   // half the glyph height: centre -> top edge
        if placement.rotated {
            BitmapFont.draw(placement.text, x: placement.x - across, y: placement.y + offset, scale: scale,
                            color: placement.color, bold: bold, advance: advance, rotated: true, into: &image)
        } else {
            BitmapFont.draw(placement.text, x: placement.x - offset, y: placement.y - across, scale: scale,
                            color: placement.color, bold: bold, advance: advance, into: &image)
        }
    }
}
