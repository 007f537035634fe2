extension Tensor {
    /// Backpropagates from this scalar: accumulates d(self)/d(leaf) into `gradient` of every leaf
    /// (a tensor not produced by a recorded op, such as a parameter) that requires a gradient.
    ///
    /// Nodes are visited in reverse topological order, so each node's output gradient is complete before
    /// its backward function runs. Gradients accumulate (`+=`) across calls; call ``zeroGradient()``
    /// (or an optimizer's `zeroGradients()`) between steps. As in PyTorch, intermediate results do not
    /// keep a gradient: the memory for one is freed as soon as its op's backward has run.
    ///
    /// Unless `retainingGraph` is true, the graph is released as the pass goes (as PyTorch without
    /// `retain_graph`): once a node's backward has run, the node, the values it saved and its references
    /// to its inputs are dropped, so the activations of a training step are freed from the loss down
    /// while the gradients are being computed, instead of all living until the pass ends. The values of
    /// tensors held elsewhere stay as they are; only a second backward through a released node is an
    /// error (pass `retainingGraph: true` to the first call for that).
    public func backward(retainingGraph: Bool = false) {
        precondition(scalars.count == 1, "backward() needs a scalar (one element), shape is \(shape)")
        precondition(requiresGradient, "backward() on a tensor that does not require a gradient")
        precondition(!vertex.graphReleased, "backward() through a graph that an earlier backward() released; pass retainingGraph: true to that call")
        // Inputs before the ops that read them: popping from the end visits every tensor after all of its
        // consumers, and drops this array's reference to it.
        var order = vertex.topologicalOrder()
        // This pass's gradients, kept apart from the accumulated `gradientScalars` of leaves; an entry is
        // removed once its tensor's backward has consumed it.
        var pass: [ObjectIdentifier: [Float]] = [ObjectIdentifier(vertex): [1]]
        while let current = order.popLast() {   // a vertex (its tensor itself may be gone)
            guard let outputGradient = pass.removeValue(forKey: ObjectIdentifier(current)) else { continue }
            guard let node = current.node else {   // a leaf: keep its gradient
                precondition(!current.graphReleased,
                             "backward() through a graph that an earlier backward() released; pass retainingGraph: true to that call")
                current.accumulateGradient(outputGradient)
                continue
            }
            if !retainingGraph {
                current.node = nil   // `node` (a local copy) is the last holder of the closure and inputs
                current.graphReleased = true
            }
            let inputGradients = node.backward(outputGradient)
            precondition(inputGradients.count == node.inputs.count, "backward returned wrong gradient count")
            for (input, gradient) in zip(node.inputs, inputGradients) where input.requiresGradient {
                guard let gradient else { continue }
                precondition(gradient.count == input.count,
                             "gradient has \(gradient.count) elements, the input has \(input.count)")
                let key = ObjectIdentifier(input)
                if var sum = pass.removeValue(forKey: key) {
                    Tensor.accumulate(gradient, into: &sum)
                    pass[key] = sum
                } else {
                    pass[key] = gradient
                }
            }
        }
    }

    /// Clears the accumulated gradient.
    public func zeroGradient() {
        gradientScalars = nil
    }

    /// Adds `delta` into the gradient buffer, creating it on first use.
    func accumulateGradient(_ delta: [Float]) {
        vertex.accumulateGradient(delta)
    }

    /// total += delta, elementwise.
    static func accumulate(_ delta: [Float], into total: inout [Float]) {
        total.withUnsafeMutableBufferPointer { g in
            delta.withUnsafeBufferPointer { d in
                for i in 0..<g.count { g[i] += d[i] }
            }
        }
    }
}

extension GraphVertex {
    /// Adds `delta` into the gradient buffer, creating it on first use.
    func accumulateGradient(_ delta: [Float]) {
        precondition(delta.count == count, "gradient has \(delta.count) elements, the tensor has \(count)")
        guard gradientScalars != nil else {
            gradientScalars = delta
            return
        }
        Tensor.accumulate(delta, into: &gradientScalars!)
    }

    /// Every vertex reachable from self through recorded nodes, inputs before the ops that read them.
    /// Iterative depth-first search, so deep graphs cannot overflow the stack.
    func topologicalOrder() -> [GraphVertex] {
        var order: [GraphVertex] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(vertex: GraphVertex, expanded: Bool)] = [(self, false)]
        while let (vertex, expanded) = stack.popLast() {
            if expanded {
                order.append(vertex)
                continue
            }
            guard visited.insert(ObjectIdentifier(vertex)).inserted else { continue }
            stack.append((vertex, true))
            for input in vertex.node?.inputs ?? [] where input.requiresGradient {
                if !visited.contains(ObjectIdentifier(input)) { stack.append((input, false)) }
            }
        }
        return order
    }
}
