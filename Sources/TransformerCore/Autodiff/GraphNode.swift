/// One recorded operation: the graph vertices of the tensors it read and how to turn the gradient of its
/// output into gradients of those inputs.
///
/// `backward(outputGradient)` returns one entry per input, in order: the gradient with the input's
/// element count, or nil for an input that does not require a gradient (the op may skip computing it).
struct GraphNode {
    let inputs: [GraphVertex]
    let backward: ([Float]) -> [[Float]?]
}

/// The autodiff side of one tensor: whether it requires a gradient, its accumulated gradient and the op
/// that produced it. The graph links vertices, not tensors, so that (as in PyTorch) the graph does not
/// keep an intermediate result's values alive: an op's output lives only as long as the caller holds
/// the tensor or a backward function captured the values it needs. A tensor holds its vertex; a vertex
/// never refers back to its tensor.
final class GraphVertex {
    /// The element count of the tensor (the size every gradient flowing here must have).
    let count: Int
    var requiresGradient: Bool
    /// The accumulated gradient of a leaf; nil until a backward pass reaches it.
    var gradientScalars: [Float]?
    /// The op that produced the tensor, when it was recorded; nil for leaves.
    var node: GraphNode?
    /// True once a backward pass has released `node` (see ``Tensor/backward(retainingGraph:)``): an
    /// intermediate result whose graph is gone, not a leaf.
    var graphReleased = false

    init(count: Int, requiresGradient: Bool) {
        self.count = count
        self.requiresGradient = requiresGradient
    }

    /// Releases the recorded graph behind this vertex iteratively. The default release is recursive
    /// (this vertex's node holds its inputs, whose nodes hold theirs, ...), using several stack frames
    /// per op, so dropping a chain of ~50,000 ops overflowed a test thread's stack in a debug build.
    deinit {
        // No local copy of `node` may outlive this line: it would keep every input non-unique.
        guard var pending = node?.inputs else { return }
        node = nil
        while !pending.isEmpty {
            var input = pending.removeLast()
            // Only a vertex nobody else holds is about to be freed; detach its inputs first so that its
            // own deinit finds no node and returns at once. Shared vertices stay as they are.
            if isKnownUniquelyReferenced(&input), let inputs = input.node?.inputs {
                input.node = nil
                pending.append(contentsOf: inputs)
            }
        }
    }
}

extension Tensor {
    /// Wraps the result of an op, recording it in the graph when gradients are on and an input needs one.
    ///
    /// `backward` must not capture the result tensor itself (that would be a reference cycle); capture its
    /// scalars array instead. What it captures is what the op keeps for backward: capture arrays, not
    /// input tensors, and only those it needs.
    static func result(shape: [Int], scalars: [Float], inputs: [Tensor],
                       backward: @escaping ([Float]) -> [[Float]?]) -> Tensor {
        let output = Tensor(shape: shape, scalars: scalars)
        if GradientMode.isEnabled, inputs.contains(where: { $0.requiresGradient }) {
            output.requiresGradient = true
            output.node = GraphNode(inputs: inputs.map(\.vertex), backward: backward)
        }
        return output
    }
}
