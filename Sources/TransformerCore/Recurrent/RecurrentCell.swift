/// What a recurrent cell carries from one time step to the next: the hidden state h `[B, H]` and, for
/// an LSTM, the cell state c `[B, H]` (nil for a GRU).
public struct RecurrentState {
    /// h `[B, H]`.
    public var hidden: Tensor
    /// c `[B, H]` (LSTM only).
    public var cell: Tensor?

    public init(hidden: Tensor, cell: Tensor? = nil) {
        self.hidden = hidden
        self.cell = cell
    }

    /// Row-wise choice between two states: `keep[b] = 1` takes row b of `self`, 0 takes row b of `old`,
    ///
    ///     h = m h_new + (1 - m) h_old          m [B, 1] of 0s and 1s
    ///
    /// How an encoder holds a row's state over its padding (the state after the last real token is the
    /// row's final state). Differentiable: it is a multiply and an add.
    public func masked(by keep: Tensor, else old: RecurrentState) -> RecurrentState {
        let drop = 1 - keep                                                      // [B, 1]
        func blend(_ new: Tensor, _ old: Tensor) -> Tensor { new * keep + old * drop }
        return RecurrentState(hidden: blend(hidden, old.hidden),
                              cell: cell.map { blend($0, old.cell!) })
    }

    /// The rows `rows` of every tensor, in that order (beam search and finished rows): `[R, H]`.
    public func selectingRows(_ rows: [Int]) -> RecurrentState {
        func pick(_ t: Tensor) -> Tensor { t.gatheringRows(rows, indexShape: [rows.count]) }
        return RecurrentState(hidden: pick(hidden), cell: cell.map(pick))
    }
}

/// One step of a recurrent network: (x_t `[B, I]`, state_{t-1}) -> state_t, with h_t `[B, H]` the output.
/// ``GRUCell`` and ``LSTMCell`` are the two kinds; ``RecurrentEncoder`` and ``RecurrentEncoderDecoder``
/// unroll them over time.
public protocol RecurrentCell: Layer {
    /// I, the input features.
    var inputSize: Int { get }
    /// H, the hidden (and cell) state size.
    var hiddenSize: Int { get }
    /// state_t from x_t `[B, I]` and state_{t-1}.
    func callAsFunction(_ input: Tensor, _ state: RecurrentState) -> RecurrentState
    /// The all-zero state of `batchSize` rows, the usual initial state.
    func zeroState(batchSize: Int) -> RecurrentState
}

/// The two recurrent cells, for configurations and the command line (`--architecture gru|lstm`).
public enum RecurrentArchitecture: String, Codable, CaseIterable, Sendable {
    /// Gated recurrent unit (Cho et al. 2014), ``GRUCell``.
    case gru
    /// Long short-term memory (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al.
    /// 2000), ``LSTMCell``.
    case lstm

    /// "GRU", "LSTM".
    public var title: String { rawValue.uppercased() }

    /// A cell of this kind with weights drawn from `generator`.
    public func makeCell(inputSize: Int, hiddenSize: Int, generator: SeededGenerator) -> any RecurrentCell {
        switch self {
        case .gru: GRUCell(inputSize: inputSize, hiddenSize: hiddenSize, generator: generator)
        case .lstm: LSTMCell(inputSize: inputSize, hiddenSize: hiddenSize, generator: generator)
        }
    }

    /// Trainable parameters of one cell in closed form (see each cell's documentation).
    public func cellParameterCount(inputSize i: Int, hiddenSize h: Int) -> Int {
        switch self {
        case .gru: GRUCell.parameterCount(inputSize: i, hiddenSize: h)
        case .lstm: LSTMCell.parameterCount(inputSize: i, hiddenSize: h)
        }
    }
}
