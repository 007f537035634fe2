/// A long short-term memory cell (Hochreiter and Schmidhuber 1997, with the forget gate of Gers,
/// Schmidhuber and Cummins 2000), in the form PyTorch's `nn.LSTMCell` computes:
///
///     i_t = sigmoid(W_ii x_t + b_i + W_hi h_{t-1})        input gate
///     f_t = sigmoid(W_if x_t + b_f + W_hf h_{t-1})        forget gate
///     g_t = tanh(W_ig x_t + b_g + W_hg h_{t-1})           candidate cell
///     o_t = sigmoid(W_io x_t + b_o + W_ho h_{t-1})        output gate
///     c_t = f_t * c_{t-1} + i_t * g_t
///     h_t = o_t * tanh(c_t)
///
/// Shapes: x_t `[B, I]`, h and c `[B, H]`; every W_i* is `[H, I]`, every W_h* `[H, H]`. Deviation from
/// PyTorch, stated: PyTorch has two biases per gate (b_i* and b_h*) whose sum is all that matters; here
/// there is one. Parameters: 4 (H I + H) + 4 H^2. The forget bias starts as drawn (no +1 trick).
///
/// Composed of existing differentiable ops, so its backward is theirs; a finite-difference test checks it.
public final class LSTMCell: RecurrentCell {
    public let inputSize: Int
    public let hiddenSize: Int
    public let inputInput: Linear      // W_ii [H, I], b_i [H]
    public let inputForget: Linear     // W_if [H, I], b_f [H]
    public let inputCandidate: Linear  // W_ig [H, I], b_g [H]
    public let inputOutput: Linear     // W_io [H, I], b_o [H]
    public let hiddenInput: Linear     // W_hi [H, H]
    public let hiddenForget: Linear    // W_hf [H, H]
    public let hiddenCandidate: Linear // W_hg [H, H]
    public let hiddenOutput: Linear    // W_ho [H, H]

    public init(inputSize: Int, hiddenSize: Int, generator: SeededGenerator) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        func fromInput() -> Linear { Linear(inputSize: inputSize, outputSize: hiddenSize, generator: generator) }
        func fromHidden() -> Linear { Linear(inputSize: hiddenSize, outputSize: hiddenSize, bias: false, generator: generator) }
        (inputInput, inputForget, inputCandidate, inputOutput) = (fromInput(), fromInput(), fromInput(), fromInput())
        (hiddenInput, hiddenForget, hiddenCandidate, hiddenOutput) = (fromHidden(), fromHidden(), fromHidden(), fromHidden())
    }

    public var children: [(name: String, layer: any Layer)] {
        [("inputInput", inputInput), ("inputForget", inputForget), ("inputCandidate", inputCandidate),
         ("inputOutput", inputOutput), ("hiddenInput", hiddenInput), ("hiddenForget", hiddenForget),
         ("hiddenCandidate", hiddenCandidate), ("hiddenOutput", hiddenOutput)]
    }

    public func callAsFunction(_ x: Tensor, _ state: RecurrentState) -> RecurrentState {
        precondition(x.rank == 2 && x.shape[1] == inputSize && state.hidden.shape == [x.shape[0], hiddenSize]
                     && state.cell?.shape == [x.shape[0], hiddenSize],
                     "LSTMCell needs x [B, \(inputSize)], h and c [B, \(hiddenSize)], got \(x.shape), \(state.hidden.shape), \(state.cell?.shape ?? [])")
        let (h, c) = (state.hidden, state.cell!)                                   // [B, H] each
        let i = (inputInput(x) + hiddenInput(h)).sigmoid()                         // [B, H]
        let f = (inputForget(x) + hiddenForget(h)).sigmoid()                       // [B, H]
        let g = (inputCandidate(x) + hiddenCandidate(h)).tanh()                    // [B, H]
        let o = (inputOutput(x) + hiddenOutput(h)).sigmoid()                       // [B, H]
        let newCell = f * c + i * g                                                // [B, H]
        return RecurrentState(hidden: o * newCell.tanh(), cell: newCell)
    }

    public func zeroState(batchSize: Int) -> RecurrentState {
        RecurrentState(hidden: Tensor.zeros([batchSize, hiddenSize]), cell: Tensor.zeros([batchSize, hiddenSize]))
    }

    /// 4 (H I + H) + 4 H^2: four input Linears with biases, four hidden ones without.
    public static func parameterCount(inputSize i: Int, hiddenSize h: Int) -> Int {
        4 * (h * i + h) + 4 * h * h
    }
}
