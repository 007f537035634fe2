/// The attention heads a model no longer has, by attention and layer (head pruning, Michel et al. 2019,
/// "Are Sixteen Heads Really Better than One?"; Hugging Face configurations call it `pruned_heads`).
///
/// Heads are numbered as in the unpruned model, 0..<H, so the value describes the whole history of
/// iterative pruning. An attention that lost k of its H heads keeps H' = H - k heads of the same width
/// D = C / H: its query, key and value projections are `[H' D, C]` and its output projection `[C, H' D]`,
/// so the attention's inner width H' D is no longer d_model. The kept heads keep their order.
///
/// JSON (in the model configuration, absent when nothing is pruned): `{"encoder": {"0": [1, 3]}}`: the
/// attention (``AttentionKind``'s name: `encoder`, `decoder`, `cross`), the 0-based layer, the removed heads.
public struct PrunedHeads: Equatable, Sendable {
    /// attention -> layer -> removed heads (sorted, distinct).
    public private(set) var removed: [AttentionKind: [Int: [Int]]]

    /// No head removed.
    public init() { removed = [:] }

    /// The given heads removed; duplicates are dropped and every list sorted. Empty lists are left out.
    public init(_ removed: [AttentionKind: [Int: [Int]]]) {
        self.removed = [:]
        for (kind, layers) in removed {
            for (layer, heads) in layers { remove(heads, kind: kind, layer: layer) }
        }
    }

    /// Whether no head is removed.
    public var isEmpty: Bool { removed.isEmpty }

    /// The number of heads removed in the whole model.
    public var count: Int { removed.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } } }

    /// The heads removed from `kind`'s attention in `layer` (0-based, in unpruned numbering).
    public func removedHeads(_ kind: AttentionKind, layer: Int) -> [Int] { removed[kind]?[layer] ?? [] }

    /// The heads that remain, in order, of an attention that had `headCount` heads.
    public func keptHeads(_ kind: AttentionKind, layer: Int, of headCount: Int) -> [Int] {
        let gone = Set(removedHeads(kind, layer: layer))
        return (0..<headCount).filter { !gone.contains($0) }
    }

    /// Adds `heads` to the removed heads of one attention.
    public mutating func remove(_ heads: [Int], kind: AttentionKind, layer: Int) {
        guard !heads.isEmpty else { return }
        removed[kind, default: [:]][layer] = Array(Set(removedHeads(kind, layer: layer) + heads)).sorted()
    }

    /// This value and `other` together (pruning a pruned model again).
    public func union(_ other: PrunedHeads) -> PrunedHeads {
        var result = self
        for (kind, layers) in other.removed {
            for (layer, heads) in layers { result.remove(heads, kind: kind, layer: layer) }
        }
        return result
    }

    /// Checks that every entry names an attention the model has (`kinds`), a layer below `layerCount` and
    /// heads below `headCount`, and that every attention keeps at least one head.
    public func validate(kinds: [AttentionKind], layerCount: Int, headCount: Int) throws(ConfigurationError) {
        for kind in AttentionKind.allCases {
            guard let layers = removed[kind] else { continue }
            guard kinds.contains(kind) else {
                throw ConfigurationError(field: .prunedHeads, expected: "attentions \(kinds.map(\.name).joined(separator: ", "))",
                                         found: "\(kind.name) (this model has no \(kind.title.lowercased()))")
            }
            for layer in layers.keys.sorted() {
                let heads = layers[layer] ?? []
                guard (0..<layerCount).contains(layer) else {
                    throw ConfigurationError(field: .prunedHeads, expected: "a layer from 0 to \(layerCount - 1)",
                                             found: "\(kind.name) layer \(layer)")
                }
                if let head = heads.first(where: { !(0..<headCount).contains($0) }) {
                    throw ConfigurationError(field: .prunedHeads, expected: "heads from 0 to \(headCount - 1)",
                                             found: "head \(head) in \(kind.name) layer \(layer)")
                }
                guard heads.count < headCount else {
                    throw ConfigurationError(field: .prunedHeads,
                                             expected: "at least one head kept in every attention",
                                             found: "all \(headCount) heads of \(kind.name) layer \(layer) removed")
                }
            }
        }
    }

    /// Parameters removed from the model: each removed head takes D rows (and biases) of W^Q, W^K and W^V
    /// and D columns of W^O: 4 C D + 3 D.
    func removedParameterCount(modelDimension c: Int, headDimension d: Int) -> Int {
        checkedSum([(count, checkedSum([(4 * c, d), (3, d)]))])
    }
}

extension PrunedHeads: Codable {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode([String: [String: [Int]]].self)
        var removed: [AttentionKind: [Int: [Int]]] = [:]
        for (name, layers) in raw {
            guard let kind = AttentionKind(rawValue: name) else {
                throw Swift.DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                    debugDescription: "pruned heads: unknown attention '\(name)' (expected encoder, decoder or cross)"))
            }
            for (layerName, heads) in layers {
                guard let layer = Int(layerName), layer >= 0 else {
                    throw Swift.DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                        debugDescription: "pruned heads: layer '\(layerName)' of \(name) is not a 0-based layer number"))
                }
                removed[kind, default: [:]][layer] = heads
            }
        }
        self.init(removed)
    }

    public func encode(to encoder: any Encoder) throws {
        var raw: [String: [String: [Int]]] = [:]
        for (kind, layers) in removed {
            raw[kind.name] = Dictionary(uniqueKeysWithValues: layers.map { (String($0.key), $0.value) })
        }
        var container = encoder.singleValueContainer()
        try container.encode(raw)
    }
}
