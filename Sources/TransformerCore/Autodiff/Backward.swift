extension Tensor {
    /// Backpropagates from this scalar: accumulates d(self)/d(leaf) into `gradient` of every tensor
    /// in the graph that requires a gradient.
    ///
    /// Nodes are visited in reverse topological order, so each node's output gradient is complete before
    /// its backward function runs. Gradients accumulate (`+=`) across calls; call ``zeroGradient()``
    /// (or an optimizer's `zeroGradients()`) between steps. Intermediate results keep their gradient too.
    public func backward() {
        precondition(scalars.count == 1, "backward() needs a scalar (one element), shape is \(shape)")
        precondition(requiresGradient, "backward() on a tensor that does not require a gradient")
        let order = topologicalOrder()
        accumulateGradient([1])
        for tensor in order.reversed() {
            guard let node = tensor.node, let outputGradient = tensor.gradientScalars else { continue }
            let inputGradients = node.backward(outputGradient)
            precondition(inputGradients.count == node.inputs.count, "backward returned wrong gradient count")
            for (input, gradient) in zip(node.inputs, inputGradients) where input.requiresGradient {
                if let gradient { input.accumulateGradient(gradient) }
            }
        }
    }

    /// Clears the accumulated gradient.
    public func zeroGradient() {
        gradientScalars = nil
    }

    /// Adds `delta` into the gradient buffer, creating it on first use.
    func accumulateGradient(_ delta: [Float]) {
        precondition(delta.count == scalars.count,
                     "gradient has \(delta.count) elements, tensor of shape \(shape) has \(scalars.count)")
        guard gradientScalars != nil else {
            gradientScalars = delta
            return
        }
        gradientScalars!.withUnsafeMutableBufferPointer { g in
            delta.withUnsafeBufferPointer { d in
                for i in 0..<g.count { g[i] += d[i] }
            }
        }
    }

    /// Every tensor reachable from self through recorded nodes, inputs before the ops that read them.
    /// Iterative depth-first search, so deep graphs cannot overflow the stack.
    func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(tensor: Tensor, expanded: Bool)] = [(self, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded {
                order.append(tensor)
                continue
            }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in tensor.node?.inputs ?? [] where input.requiresGradient {
                if !visited.contains(ObjectIdentifier(input)) { stack.append((input, false)) }
            }
        }
        return order
    }
}
