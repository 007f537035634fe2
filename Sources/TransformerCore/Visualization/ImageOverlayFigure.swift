/// One panel of an ``ImageOverlayFigure``: a title and one value per patch of the grid, row-major.
public struct OverlayPanel: Sendable, Equatable {
    public var title: String
    /// `grid * grid` values, patch (gy, gx) at `gy * grid + gx`.
    public var values: [Float]

    public init(title: String, values: [Float]) {
        self.title = title
        self.values = values
    }
}

/// Heatmaps over an image: each panel shows the image with one value per square patch painted over it
/// (the colour of the value on ``scale``, blended with the pixels at ``opacity``), e.g. the `[CLS]`
/// token's attention to each patch in one head of a Vision Transformer. Panels are laid out four to a
/// row under the title, with a colour legend on the right.
///
/// Rendering: each panel is a raster of the image enlarged by a whole factor (patch borders fall on
/// pixel boundaries), embedded in the SVG as a PNG (`<image>`, pixelated) and painted directly into the PNG.
public struct ImageOverlayFigure: Sendable {
    public var title: String
    /// The image under the heatmaps (grey or RGB), square, its side a multiple of ``grid``.
    public var image: PixelImage
    /// Patches per side.
    public var grid: Int
    public var panels: [OverlayPanel]
    public var scale: ColorScale
    /// Weight of the heatmap colour over the pixel, 0...1.
    public var opacity: Float

    public init(title: String, image: PixelImage, grid: Int, panels: [OverlayPanel], scale: ColorScale = .viridis(), opacity: Float = 0.6) {
        precondition(image.channels == 1 || image.channels == 3, "ImageOverlayFigure needs a grey or RGB image")
        precondition(grid > 0 && image.width == image.height && image.width % grid == 0,
                     "ImageOverlayFigure needs a square image whose side is a multiple of the grid \(grid)")
        precondition(panels.allSatisfy { $0.values.count == grid * grid }, "every panel needs \(grid * grid) values")
        (self.title, self.image, self.grid, self.panels, self.scale, self.opacity) = (title, image, grid, panels, scale, opacity)
    }

    /// Panels this wide or less are enlarged to about this size.
    static let targetPanelSize = 160
    static let columns = 4, gap = 16, margin = 12

    /// The whole-number enlargement of the image in each panel.
    var zoom: Int { max(1, Self.targetPanelSize / image.width) }

    /// Panel `panel` as pixels: the image enlarged, each patch blended with its value's colour.
    public func panelRaster(_ panel: OverlayPanel) -> RasterImage {
        let z = zoom, side = image.width, patch = side / grid
        var raster = RasterImage(width: side * z, height: side * z, background: .white)
        let alpha = max(0, min(1, opacity))
        for y in 0..<side {
            for x in 0..<side {
                let p = (y * side + x) * image.channels
                let pixel = image.channels == 1 ? (image.pixels[p], image.pixels[p], image.pixels[p])
                                                : (image.pixels[p], image.pixels[p + 1], image.pixels[p + 2])
                let tint = scale.color(for: panel.values[(y / patch) * grid + x / patch])
                func blend(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Float(a) * (1 - alpha) + Float(b) * alpha).rounded()) }
                raster.fill(x: x * z, y: y * z, width: z, height: z,
                            RGB(red: blend(pixel.0, tint.red), green: blend(pixel.1, tint.green), blue: blend(pixel.2, tint.blue)))
            }
        }
        return raster
    }

    func drawing(_ typesetting: Typesetting) -> Drawing {
        let size = image.width * zoom, heading = typesetting.heading.lineHeight
        let columns = min(Self.columns, max(1, panels.count)), rows = (panels.count + columns - 1) / columns
        let top = Self.margin + typesetting.title.lineHeight + 6
        let legend = ColorLegend(scale: scale, barHeight: max(120, size), metrics: typesetting.label)
        let gridWidth = columns * size + (columns - 1) * Self.gap
        let contentWidth = max(gridWidth + Self.gap + legend.width, typesetting.title.width(of: title))
        var drawing = Drawing(width: Self.margin * 2 + contentWidth,
                              height: top + rows * (heading + size) + max(0, rows - 1) * Self.gap + Self.margin, title: title)
        drawing.text(title, x: Self.margin, y: Self.margin + typesetting.title.lineHeight / 2, style: .title)
        for (index, panel) in panels.enumerated() {
            let x = Self.margin + (index % columns) * (size + Self.gap)
            let y = top + (index / columns) * (heading + size + Self.gap)
            drawing.add(.beginGroup(className: "panel", title: panel.title))
            drawing.text(panel.title, x: x, y: y + heading / 2, style: .heading)
            drawing.add(.image(x: x, y: y + heading, panelRaster(panel)))
            drawing.add(.endGroup)
        }
        legend.draw(x: Self.margin + gridWidth + Self.gap, y: top + heading, into: &drawing)
        return drawing
    }

    public func svg() -> String { drawing(.svg).svg() }
    public func raster() -> RasterImage { drawing(.raster).raster() }
    public func png() -> [UInt8] { PNGEncoder.encode(raster()) }
}
