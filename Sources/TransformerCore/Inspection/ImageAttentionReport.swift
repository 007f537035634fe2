import Foundation

/// What a ``VisionTransformer`` looked at in one image: the `[CLS]` query's attention to every patch in
/// every layer and head, and the attention rollout of all layers (``AttentionRollout``) read from the
/// `[CLS]` row, ready to be drawn over the image (``ImageOverlayFigure``).
///
/// The `[CLS]` row of a layer's weights `[H, 1 + N, 1 + N]` has 1 + N entries summing to 1; the patch
/// entries 1...N are kept, the weight `[CLS]` puts on itself is left out (said in the figure titles),
/// so a panel's values sum to 1 minus that self weight.
public struct ImageAttentionReport: Sendable {
    /// The prepared image (the model's size and channels).
    public let image: PixelImage
    /// Patches per side.
    public let grid: Int
    /// The predicted class and its probability.
    public let label: String
    public let probability: Float
    /// `classRows[layer][head]`: the `[CLS]` query's weights on patches 0..<N (grid row-major).
    public let classRows: [[[Float]]]
    /// The rollout's `[CLS]` row over the patches.
    public let rollout: [Float]

    /// One forward pass of `model` on `image` (any size and channels: it is prepared first) in inference mode.
    public init(model: VisionTransformer, labels: [String], image: PixelImage) {
        let preprocessor = ImagePreprocessor(model.configuration)
        let prepared = preprocessor.prepared(image)
        let (logits, weights) = model.inferring { model.forward(preprocessor.normalised([prepared])) }
        let probabilities = Tensor.withoutGradients { logits.softmax() }.scalars
        var best = 0
        for k in probabilities.indices where probabilities[k] > probabilities[best] { best = k }
        let n = model.configuration.sequenceLength
        var rows: [[[Float]]] = [], means: [[Float]] = []
        for layer in weights {                                        // [1, H, n, n]
            let values = layer.scalars, heads = layer.shape[1]
            rows.append((0..<heads).map { h in Array(values[(h * n * n + 1)..<(h * n * n + n)]) })
            var mean = [Float](repeating: 0, count: n * n)
            for h in 0..<heads { for i in 0..<(n * n) { mean[i] += values[h * n * n + i] / Float(heads) } }
            means.append(mean)
        }
        let rolled = AttentionRollout.rollout(meanOfHeads: means, size: n)
        self.image = prepared
        grid = model.configuration.gridSize
        label = labels[best]
        probability = probabilities[best]
        classRows = rows
        rollout = Array(rolled[1..<n])
    }

    public var layerCount: Int { classRows.count }

    /// A scale from 0 to the largest value shown (attention over many patches is far below 1).
    static func scale(_ panels: [OverlayPanel]) -> ColorScale {
        let top = panels.flatMap(\.values).max() ?? 1
        return .viridis(range: 0...max(top, Float.leastNormalMagnitude))
    }

    /// Layer `layer`'s (from 0) `[CLS]` attention, one panel per head (or only `heads`, from 0).
    public func layerFigure(_ layer: Int, heads: [Int]? = nil) -> ImageOverlayFigure {
        let panels = (heads ?? Array(classRows[layer].indices)).map {
            OverlayPanel(title: "head \($0 + 1)", values: classRows[layer][$0])
        }
        return ImageOverlayFigure(title: "[CLS] attention to each patch, layer \(layer + 1) (its self-attention left out); "
                                  + "predicted \(label) " + String(format: "%.1f%%", 100 * probability),
                                  image: image, grid: grid, panels: panels, scale: Self.scale(panels))
    }

    /// The rollout of all layers, read from the `[CLS]` row, next to the plain image.
    public func rolloutFigure() -> ImageOverlayFigure {
        let panels = [OverlayPanel(title: "rollout, \(layerCount) layers", values: rollout)]
        return ImageOverlayFigure(title: "Attention rollout from [CLS] to each patch; "
                                  + "predicted \(label) " + String(format: "%.1f%%", 100 * probability),
                                  image: image, grid: grid, panels: panels, scale: Self.scale(panels))
    }
}

extension ImageOverlayFigure {
    /// One self-contained HTML page showing `figures` (each as an embedded PNG) under `title`.
    public static func page(title: String, figures: [(name: String, figure: ImageOverlayFigure)]) -> String {
        var html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(XMLEscaping.escaped(title))</title>"
            + "<style>body{font-family:sans-serif;margin:16px}img{image-rendering:pixelated;display:block;margin:8px 0 24px}</style>"
            + "</head><body>\n<h1>\(XMLEscaping.escaped(title))</h1>\n"
        for (name, figure) in figures {
            html += "<h2>\(XMLEscaping.escaped(name))</h2>\n<img alt=\"\(XMLEscaping.escaped(figure.title))\" "
                + "src=\"data:image/png;base64,\(Data(figure.png()).base64EncodedString())\">\n"
        }
        return html + "</body></html>\n"
    }
}
