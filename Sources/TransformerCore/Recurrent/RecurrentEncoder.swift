/// A stack of recurrent layers unrolled over the source, optionally bidirectional (Schuster and Paliwal
/// 1997; the encoder of Bahdanau et al. 2015). For layer l = 1..L and position s = 1..S:
///
///     forward:   f^l_s = Cell^l_fwd(x^l_s, f^l_{s-1})       s = 1, ..., S        f^l_0 = 0
///     backward:  b^l_s = Cell^l_bwd(x^l_s, b^l_{s+1})       s = S, ..., 1        b^l_{S+1} = 0
///     output:    x^{l+1}_s = [f^l_s ; b^l_s]  (bidirectional)   or   f^l_s
///
/// with x^1_s the embedded source tokens. Padding: a padded position (`keep` 0) leaves every state as
/// it was (``RecurrentState/masked(by:else:)``), so a row's forward state after its last real token is
/// its final state and its backward pass starts at its last real token, whatever the batch's padding.
/// (The outputs at padded positions are whatever state was held; attention masks them.)
///
/// Shapes: inputs S tensors `[B, E]`, keep S tensors `[B, 1]` -> outputs S tensors `[B, A]` with A = 2 H
/// (bidirectional) or H, and the final state of each layer and direction.
public final class RecurrentEncoder: Layer {
    public let architecture: RecurrentArchitecture
    public let hiddenSize: Int
    public let isBidirectional: Bool
    /// Layer l's left-to-right cell.
    public let forwardCells: [any RecurrentCell]
    /// Layer l's right-to-left cell (empty when not bidirectional).
    public let backwardCells: [any RecurrentCell]

    public init(architecture: RecurrentArchitecture, inputSize: Int, hiddenSize: Int, layerCount: Int,
                bidirectional: Bool, generator: SeededGenerator) {
        self.architecture = architecture
        self.hiddenSize = hiddenSize
        isBidirectional = bidirectional
        let directions = bidirectional ? 2 : 1
        var forward: [any RecurrentCell] = [], backward: [any RecurrentCell] = []
        for layer in 0..<layerCount {
            let size = layer == 0 ? inputSize : directions * hiddenSize
            forward.append(architecture.makeCell(inputSize: size, hiddenSize: hiddenSize, generator: generator))
            if bidirectional {
                backward.append(architecture.makeCell(inputSize: size, hiddenSize: hiddenSize, generator: generator))
            }
        }
        forwardCells = forward
        backwardCells = backward
    }

    public var children: [(name: String, layer: any Layer)] {
        indexedChildren("forward", forwardCells) + indexedChildren("backward", backwardCells)
    }

    /// A, the features of each output position: 2 H when bidirectional, else H.
    public var outputSize: Int { (isBidirectional ? 2 : 1) * hiddenSize }

    /// The final states: per layer, the forward direction's state after the last real token and (when
    /// bidirectional) the backward direction's state after the first.
    public struct FinalStates {
        public let forward: [RecurrentState]
        public let backward: [RecurrentState]
    }

    /// Runs every layer over the whole sequence; see the type's equations. Precondition: S >= 1 and
    /// `keep` has one `[B, 1]` tensor per position.
    public func callAsFunction(_ inputs: [Tensor], keep: [Tensor]) -> (outputs: [Tensor], final: FinalStates) {
        precondition(!inputs.isEmpty && inputs.count == keep.count,
                     "RecurrentEncoder needs S >= 1 inputs and one keep mask each, got \(inputs.count) and \(keep.count)")
        let batch = inputs[0].shape[0]
        var x = inputs                                                   // S x [B, E] then S x [B, A]
        var finalForward: [RecurrentState] = [], finalBackward: [RecurrentState] = []
        for layer in forwardCells.indices {
            let forward = Self.unroll(forwardCells[layer], x, keep: keep, batch: batch, order: Array(x.indices))
            finalForward.append(forward.final)
            if isBidirectional {
                let backward = Self.unroll(backwardCells[layer], x, keep: keep, batch: batch, order: x.indices.reversed())
                finalBackward.append(backward.final)
                x = zip(forward.outputs, backward.outputs).map { Tensor.concatenate([$0, $1], alongAxis: 1) }   // [B, 2H]
            } else {
                x = forward.outputs                                                                           // [B, H]
            }
        }
        return (x, FinalStates(forward: finalForward, backward: finalBackward))
    }

    /// One direction of one layer: the states at every position (in position order) and the last one.
    static func unroll(_ cell: any RecurrentCell, _ inputs: [Tensor], keep: [Tensor], batch: Int,
                       order: [Int]) -> (outputs: [Tensor], final: RecurrentState) {
        var state = cell.zeroState(batchSize: batch)
        var outputs = [Tensor?](repeating: nil, count: inputs.count)
        for s in order {
            let next = cell(inputs[s], state)
            // Rows that are all real here need no blend (the common case: the longest rows of a batch).
            state = keep[s].scalars.allSatisfy { $0 == 1 } ? next : next.masked(by: keep[s], else: state)
            outputs[s] = state.hidden                                                // [B, H]
        }
        return (outputs.map { $0! }, state)
    }

    /// The keep masks of right-padded ids `[B, S]`: S tensors `[B, 1]`, 1 where the token is not `padding`.
    public static func keepMasks(_ ids: [[Int]], padding: Int) -> [Tensor] {
        let length = ids.first?.count ?? 0
        return (0..<length).map { s in
            Tensor(shape: [ids.count, 1], scalars: ids.map { $0[s] == padding ? 0 : 1 })
        }
    }
}
