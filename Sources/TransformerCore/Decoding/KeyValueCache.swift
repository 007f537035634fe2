/// The caches of one block: its self-attention's and, when it has one, its cross-attention's.
public struct BlockCache {
    public let selfAttention: AttentionCache
    public let crossAttention: AttentionCache?
}

/// Every block's ``BlockCache`` for one stack: what an incremental decoder (``IncrementalDecoder``,
/// ``LanguageModel``'s generation) passes to ``TransformerStack/callAsFunction(_:mask:memory:memoryMask:cache:)``
/// so that a step computes only the new position.
public final class KeyValueCache {
    public let blocks: [BlockCache]

    /// Empty caches for `stack`'s blocks, R = `rowCount` rows, room for `capacity` positions before growing.
    public init(for stack: TransformerStack, rowCount: Int, capacity: Int = 16) {
        blocks = stack.layers.map { block in
            let (h, d) = (block.selfAttention.headCount, block.selfAttention.headDimension)
            return BlockCache(
                selfAttention: AttentionCache(role: .selfAttention, headCount: h, headDimension: d, rowCount: rowCount, capacity: capacity),
                crossAttention: block.crossAttention.map {
                    AttentionCache(role: .crossAttention, headCount: $0.headCount, headDimension: $0.headDimension, rowCount: rowCount)
                })
        }
    }

    /// t, the positions cached (fed so far).
    public var length: Int { blocks.first?.selfAttention.length ?? 0 }
    /// R, the rows being decoded.
    public var rowCount: Int { blocks.first?.selfAttention.rowCount ?? 0 }

    /// Keeps rows `rows` in that order in every cache: new row i continues old row `rows[i]`.
    /// Beam search calls it with each surviving beam's parent; greedy decoding with the unfinished rows.
    public func selectRows(_ rows: [Int]) {
        for block in blocks {
            block.selfAttention.selectRows(rows)
            block.crossAttention?.selectRows(rows)
        }
    }
}
