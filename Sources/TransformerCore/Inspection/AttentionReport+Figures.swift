/// Ready-made pictures of an ``AttentionReport`` with the renderers of `Visualization/`: what
/// `transformer-cli plot-attention` writes. Layers and heads are 0-based; titles count from 1.
///
/// ```swift
/// let report = try translator.attentionReport(for: "shopping", maximumLength: 30)
/// let svg = report.figure(kind: .decoderCross, layer: 0).svg()     // all heads in a grid
/// let html = report.viewerPage(includingRollout: true).html()     // every map, interactive
/// ```
extension AttentionReport {
    /// Viridis over [0, 1]: attention weights are probabilities, and a fixed range makes colours
    /// comparable between pictures (0 is always the darkest colour).
    public static let colorScale = ColorScale.viridis(range: 0...1)

    /// One kind and layer: the given heads (default all the layer has: a pruned layer has fewer) as panels titled "head 1", "head 2", ...,
    /// under the title "Decoder cross-attention, layer 1: shopping -> oppingshay", or the single map's
    /// full title ("..., layer 1, head 2: ...") when one head is asked for.
    public func figure(kind: AttentionKind, layer: Int, heads: [Int]? = nil) -> HeatmapFigure {
        let chosen = (heads ?? Array(maps(kind: kind, layer: layer).indices)).map { map(kind: kind, layer: layer, head: $0) }
        let title = chosen.count == 1 ? chosen[0].title : "\(kind.title), layer \(layer + 1)"
        return HeatmapFigure(title: "\(title): \(caption())",
                             panels: chosen.map { $0.heatmap(title: "head \(($0.head ?? 0) + 1)") },
                             scale: Self.colorScale, rowAxisTitle: axisTitles(kind).rows, columnAxisTitle: axisTitles(kind).columns)
    }

    /// The encoder's attention rollout (``encoderRollout()``) as a one-panel figure.
    public func rolloutFigure() -> HeatmapFigure {
        let rollout = encoderRollout()
        return HeatmapFigure(title: "\(rollout.title): \(caption())", panels: [rollout.heatmap(title: "rollout")],
                             scale: Self.colorScale, rowAxisTitle: "\(axisNoun ?? "source token") (after the last layer)",
                             columnAxisTitle: "\(axisNoun ?? "source token") (input)")
    }

    /// An interactive page with the chosen maps (default: every kind, layer and head), and the encoder
    /// rollout when `includingRollout` (listed under its own kind, "Encoder attention rollout", as
    /// "combined"). The page's menus show layer and head numbers as given; they are given counted from
    /// 1, so the menus agree with the map titles, the file names and the `--layer` / `--head` flags.
    public func viewerPage(kinds: [AttentionKind] = AttentionKind.allCases, layers: [Int]? = nil, heads: [Int]? = nil,
                           includingRollout: Bool = false) -> HeatmapViewerPage {
        var entries: [HeatmapViewerPage.Entry] = []
        for kind in kinds {
            for layer in layers ?? Array(0..<layerCount) {
                for head in heads ?? Array(maps(kind: kind, layer: layer).indices) {
                    let map = map(kind: kind, layer: layer, head: head)
                    entries.append(.init(kind: kind.title, layer: layer + 1, head: head + 1, heatmap: map.heatmap()))
                }
            }
        }
        if includingRollout {
            let rollout = encoderRollout()
            entries.append(.init(kind: "Encoder attention rollout", layer: rollout.layer + 1, head: nil,
                                 heatmap: rollout.heatmap()))
        }
        return HeatmapViewerPage(title: "Attention: \(caption(limit: 80))", entries: entries, scale: Self.colorScale)
    }
}
