import Foundation

/// Adds position information to token embeddings (paper §3.5), then applies dropout:
///
///     y = dropout(x * sqrt(d_model) + PE[offset ..< offset + T])
///
/// with the sinusoidal table
///
///     PE(pos, 2i)   = sin(pos / 10000^(2i / d_model))
///     PE(pos, 2i+1) = cos(pos / 10000^(2i / d_model))
///
/// or, with `.sinusoidalHalves` (Marian), the same values with sin in columns 0..<ceil(C/2) and cos after
///
///     PE(pos, i) = sin(pos / 10000^(2i / d_model)),  PE(pos, ceil(C/2) + i) = cos(pos / 10000^(2i / d_model))
///
/// or, with `.learned`, a trained `[maxLen, C]` table. With `.rotary` (RoPE) and `.linearBiases` (ALiBi)
/// there is no table, the positions enter the self-attentions instead (``AttentionPositions``), and this
/// layer is only
///
///     y = dropout(x * sqrt(d_model))
///
/// (the same scaling as with a table, so a model differs only in where its positions go; without a table
/// there is also no length limit here). The sqrt(d_model) scaling of the embeddings is
/// from paper §3.4; with `scalesEmbedding` false it is left out (y = dropout(x + PE), Hugging Face's
/// `scale_embedding = false`). Shapes: x `[B, T, C]` -> y `[B, T, C]`; T + offset must not exceed maxLen.
public final class PositionalEncoding: Layer {
    public let kind: TransformerConfiguration.PositionalEncodingKind
    public let maximumLength: Int
    public let dimension: Int
    /// The fixed sinusoidal table `[maxLen, C]` (not a parameter); nil for learned encodings, RoPE and ALiBi.
    public let sinusoidTable: Tensor?
    /// The learned table, for `.learned`.
    public let learned: Embedding?
    /// Whether token embeddings are multiplied by sqrt(d_model) before the positions are added.
    public let scalesEmbedding: Bool
    let dropout: Dropout

    public init(kind: TransformerConfiguration.PositionalEncodingKind, maximumLength: Int, dimension: Int,
                dropout: Float, scalesEmbedding: Bool = true, generator: SeededGenerator) {
        self.kind = kind
        self.maximumLength = maximumLength
        self.dimension = dimension
        self.scalesEmbedding = scalesEmbedding
        switch kind {
        case .sinusoidal:
            sinusoidTable = PositionalEncoding.sinusoids(length: maximumLength, dimension: dimension)
            learned = nil
        case .sinusoidalHalves:
            sinusoidTable = PositionalEncoding.sinusoidHalves(length: maximumLength, dimension: dimension)
            learned = nil
        case .learned:
            sinusoidTable = nil
            learned = Embedding(vocabularySize: maximumLength, dimension: dimension, generator: generator)
        case .rotary, .linearBiases:
            (sinusoidTable, learned) = (nil, nil)
        }
        self.dropout = Dropout(probability: dropout, generator: generator)
    }

    public var children: [(name: String, layer: any Layer)] {
        (learned.map { [("embedding", $0 as any Layer)] } ?? []) + [("dropout", dropout)]
    }

    /// The paper's table: PE[pos, 2i] = sin(pos * w_i), PE[pos, 2i+1] = cos(pos * w_i), w_i = 10000^(-2i/C).
    /// Computed in Double and rounded once. Shape `[length, dimension]`.
    public static func sinusoids(length: Int, dimension: Int) -> Tensor {
        var table = [Float](repeating: 0, count: length * dimension)
        for position in 0..<length {
            for column in 0..<dimension {
                let pairIndex = column / 2   // i
                let frequency = pow(10000.0, -Double(2 * pairIndex) / Double(dimension))
                let angle = Double(position) * frequency
                table[position * dimension + column] = Float(column % 2 == 0 ? sin(angle) : cos(angle))
            }
        }
        return Tensor(shape: [length, dimension], scalars: table)
    }

    /// Marian's table (Hugging Face `MarianSinusoidalPositionalEmbedding.create_weight`, computed the same way:
    /// angle = pos / 10000^(2i / C) in Double, rounded once): sin of frequencies i = 0..<ceil(C/2) in the first
    /// ceil(C/2) columns, cos of frequencies i = 0..<floor(C/2) in the rest. Shape `[length, dimension]`.
    public static func sinusoidHalves(length: Int, dimension: Int) -> Tensor {
        let sinColumns = (dimension + 1) / 2
        var table = [Float](repeating: 0, count: length * dimension)
        for position in 0..<length {
            for column in 0..<dimension {
                let isSin = column < sinColumns
                let frequencyIndex = isSin ? column : column - sinColumns   // i
                let angle = Double(position) / pow(10000.0, Double(2 * frequencyIndex) / Double(dimension))
                table[position * dimension + column] = Float(isSin ? sin(angle) : cos(angle))
            }
        }
        return Tensor(shape: [length, dimension], scalars: table)
    }

    /// x `[B, T, C]` token embeddings -> `[B, T, C]`; `offset` is the position of the first token.
    public func callAsFunction(_ x: Tensor, offset: Int = 0) -> Tensor {
        let length = x.shape[1]
        precondition(x.rank == 3 && x.shape[2] == dimension, "PositionalEncoding needs [B, T, \(dimension)], got \(x.shape)")
        let scaled = scalesEmbedding ? x * Float(dimension).squareRoot() : x
        guard kind.addsTable else { return dropout(scaled) }   // RoPE, ALiBi: positions act in the attentions
        precondition(offset + length <= maximumLength,
                     "sequence of \(offset + length) positions exceeds the maximum length \(maximumLength)")
        let positions: Tensor   // [1, T, C]
        if let learned {
            positions = learned([Array(offset..<(offset + length))])
        } else {
            let rows = sinusoidTable!.scalars[(offset * dimension)..<((offset + length) * dimension)]
            positions = Tensor(shape: [1, length, dimension], scalars: Array(rows))
        }
        return dropout(scaled + positions)
    }
}
