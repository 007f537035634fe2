/// A gated recurrent unit (Cho et al. 2014, "Learning Phrase Representations using RNN Encoder-Decoder
/// for Statistical Machine Translation"), in the form PyTorch's `nn.GRUCell` computes:
///
///     r_t = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1})                 reset gate
///     z_t = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1})                 update gate
///     n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))     candidate
///     h_t = (1 - z_t) * n_t + z_t * h_{t-1}
///
/// Shapes: x_t `[B, I]`, h `[B, H]`; every W_i* is `[H, I]`, every W_h* `[H, H]` (Linear weights are
/// `[out, in]`). Deviation from PyTorch, stated: PyTorch also has biases b_hr and b_hz, which only add
/// to b_ir and b_iz; they are left out, so there are 4 bias vectors, not 6. b_hn is kept: r_t multiplies
/// it, so it is not redundant. Parameters: 3 (H I + H) + 3 H^2 + H.
///
/// Composed of existing differentiable ops (linear, sigmoid, tanh, elementwise multiply and add), so
/// its backward is theirs; a finite-difference test checks it.
///
/// ```swift
/// let cell = GRUCell(inputSize: 8, hiddenSize: 16, generator: SeededGenerator(seed: 0))
/// let state = cell(x, cell.zeroState(batchSize: 4))   // x [4, 8] -> state.hidden [4, 16]
/// ```
public final class GRUCell: RecurrentCell {
    public let inputSize: Int
    public let hiddenSize: Int
    public let inputReset: Linear       // W_ir [H, I], b_ir [H]
    public let inputUpdate: Linear      // W_iz [H, I], b_iz [H]
    public let inputCandidate: Linear   // W_in [H, I], b_in [H]
    public let hiddenReset: Linear      // W_hr [H, H]
    public let hiddenUpdate: Linear     // W_hz [H, H]
    public let hiddenCandidate: Linear  // W_hn [H, H], b_hn [H]

    public init(inputSize: Int, hiddenSize: Int, generator: SeededGenerator) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        inputReset = Linear(inputSize: inputSize, outputSize: hiddenSize, generator: generator)
        inputUpdate = Linear(inputSize: inputSize, outputSize: hiddenSize, generator: generator)
        inputCandidate = Linear(inputSize: inputSize, outputSize: hiddenSize, generator: generator)
        hiddenReset = Linear(inputSize: hiddenSize, outputSize: hiddenSize, bias: false, generator: generator)
        hiddenUpdate = Linear(inputSize: hiddenSize, outputSize: hiddenSize, bias: false, generator: generator)
        hiddenCandidate = Linear(inputSize: hiddenSize, outputSize: hiddenSize, generator: generator)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("inputReset", inputReset), ("inputUpdate", inputUpdate), ("inputCandidate", inputCandidate),
         ("hiddenReset", hiddenReset), ("hiddenUpdate", hiddenUpdate), ("hiddenCandidate", hiddenCandidate)]
    }

    public func callAsFunction(_ x: Tensor, _ state: RecurrentState) -> RecurrentState {
        precondition(x.rank == 2 && x.shape[1] == inputSize && state.hidden.shape == [x.shape[0], hiddenSize],
                     "GRUCell needs x [B, \(inputSize)] and h [B, \(hiddenSize)], got \(x.shape) and \(state.hidden.shape)")
        let h = state.hidden                                                        // [B, H]
        let r = (inputReset(x) + hiddenReset(h)).sigmoid()                          // [B, H]
        let z = (inputUpdate(x) + hiddenUpdate(h)).sigmoid()                        // [B, H]
        let n = (inputCandidate(x) + r * hiddenCandidate(h)).tanh()                 // [B, H]
        return RecurrentState(hidden: (1 - z) * n + z * h)                          // [B, H]
    }

    public func zeroState(batchSize: Int) -> RecurrentState {
        RecurrentState(hidden: Tensor.zeros([batchSize, hiddenSize]))
    }

    /// 3 (H I + H) + 3 H^2 + H: the three input Linears with biases, the three hidden ones, b_hn.
    public static func parameterCount(inputSize i: Int, hiddenSize h: Int) -> Int {
        3 * (h * i + h) + 3 * h * h + h
    }
}
