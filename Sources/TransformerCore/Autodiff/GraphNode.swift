/// One recorded operation: the tensors it read and how to turn the gradient of its output into
/// gradients of those inputs.
///
/// `backward(outputGradient)` returns one entry per input, in order: the gradient with the input's
/// element count, or nil for an input that does not require a gradient (the op may skip computing it).
struct GraphNode {
    let inputs: [Tensor]
    let backward: ([Float]) -> [[Float]?]
}

extension Tensor {
    /// Wraps the result of an op, recording it in the graph when gradients are on and an input needs one.
    ///
    /// `backward` must not capture the result tensor itself (that would be a reference cycle); capture its
    /// scalars array instead.
    static func result(shape: [Int], scalars: [Float], inputs: [Tensor],
                       backward: @escaping ([Float]) -> [[Float]?]) -> Tensor {
        let output = Tensor(shape: shape, scalars: scalars)
        if GradientMode.isEnabled, inputs.contains(where: { $0.requiresGradient }) {
            output.requiresGradient = true
            output.node = GraphNode(inputs: inputs, backward: backward)
        }
        return output
    }
}
