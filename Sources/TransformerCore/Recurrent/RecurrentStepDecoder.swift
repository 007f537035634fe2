/// Runs a ``RecurrentEncoderDecoder``'s decoder one target position at a time for greedy decoding and
/// beam search: the sources are encoded once, and each ``step(_:)`` is one
/// ``RecurrentEncoderDecoder/decodeStep(_:state:memory:mask:)`` from the rows' recurrent states, so it
/// computes exactly what the teacher-forced pass computes at that position (tested). A step costs one
/// cell per layer and one attention over S encoder states per row, whatever t.
///
/// Rows start as one per source; ``selectRows(_:)`` reorders, duplicates or drops them together with
/// their states and encoder states. Every step runs in inference mode (no graph, dropout off; the
/// model's training flag is restored afterwards).
public final class RecurrentStepDecoder: StepDecoder {
    public let model: RecurrentEncoderDecoder
    /// The encoder states of each row's source `[R, S, A]`.
    private(set) var memory: Tensor
    /// The key-padding mask of each row's source `[R, 1, 1, S]`.
    private(set) var mask: Tensor
    /// s_{t-1} of each row, one per layer.
    private(set) var state: [RecurrentState]
    /// For each row, the index of the source it decodes.
    public private(set) var sourceRows: [Int]

    /// Encodes `sources` (validated and padded as for the Transformer, see ``DecodingError``).
    public init(model: RecurrentEncoderDecoder, sources: [[Int]]) throws(DecodingError) {
        let batch = try SourceBatch(sources, model: model)
        self.model = model
        sourceRows = Array(sources.indices)
        guard !sources.isEmpty else {   // nothing to decode: empty rows, so a step returns [0, V]
            let c = model.configuration
            memory = Tensor.zeros([0, 1, c.encoderOutputSize])
            mask = Tensor.zeros([0, 1, 1, 1])
            state = model.decoderCells.map { $0.zeroState(batchSize: 0) }
            return
        }
        let encoded = model.inferring { model.encode(batch.padded) }
        memory = encoded.states
        mask = encoded.mask
        state = encoded.initialState
    }

    public var rowCount: Int { sourceRows.count }

    /// Feeds `tokens[r]` to row r and returns the logits `[R, V]` for the next token.
    public func step(_ tokens: [Int]) -> Tensor {
        precondition(tokens.count == rowCount, "step needs one token per row (\(rowCount)), got \(tokens.count)")
        guard rowCount > 0 else { return Tensor.zeros([0, model.targetVocabularySize]) }
        return model.inferring {
            let result = model.decodeStep(tokens, state: state, memory: memory, mask: mask)
            state = result.state
            return result.logits                                                        // [R, V]
        }
    }

    public func stepLogProbabilities(_ tokens: [Int]) -> [Float] {
        Tensor.softmaxRows(step(tokens).scalars, width: model.targetVocabularySize, logarithm: true)
    }

    public func selectRows(_ rows: [Int]) {
        precondition(rows.allSatisfy { $0 >= 0 && $0 < rowCount }, "selectRows: rows \(rows) outside 0..<\(rowCount)")
        if rows == Array(0..<rowCount) { return }
        Tensor.withoutGradients {
            func pick(_ t: Tensor) -> Tensor {                                          // rows of [R, ...]
                let inner = Array(t.shape.dropFirst())
                return t.reshaped([t.shape[0], inner.reduce(1, *)]).gatheringRows(rows, indexShape: [rows.count])
                    .reshaped([rows.count] + inner)
            }
            memory = pick(memory)
            mask = pick(mask)
            state = state.map { $0.selectingRows(rows) }
        }
        sourceRows = rows.map { sourceRows[$0] }
    }
}
