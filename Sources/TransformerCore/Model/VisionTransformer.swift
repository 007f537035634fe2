/// The Vision Transformer (ViT, Dosovitskiy et al. 2021, §3.1): an image cut into P x P patches, each
/// flattened and linearly embedded, a learned `[CLS]` vector before them, learned position embeddings,
/// the shared pre-norm encoder blocks, and a classification head on the `[CLS]` output. Shapes with
/// B images of `channels` x S x S pixels, G = S / P, N = G^2 patches, K classes:
///
///     pixels [B, ch, S, S] -> patches [B, N, ch P P] -> patchEmbedding -> [B, N, C]
///         -> ([CLS] prepended: [B, 1 + N, C]) -> + positions -> dropout
///         -> encoder (self-attention over all 1 + N positions, no mask) -> final LayerNorm
///         -> the [CLS] row [B, C] -> head -> logits [B, K]
///
/// Equation (1) of the paper: z_0 = [x_class; x_p^1 E; ...; x_p^N E] + E_pos. A patch is flattened in
/// (channel, y, x) order, so the embedding E equals a convolution with kernel and stride P whose weight
/// `[C, ch, P, P]` is read as `[C, ch P P]` (Hugging Face's `ViTPatchEmbeddings`).
///
/// Deviations stated: the paper's head is an MLP with one hidden layer during pre-training and a single
/// linear layer when fine-tuning; here it is always the single linear layer (as Hugging Face's
/// `ViTForImageClassification`). Pixels are normalised before the model (``ImagePreprocessor``).
///
/// ```swift
/// let vit = try VisionTransformer(configuration: .init(imageSize: 28, patchSize: 7, channelCount: 1,
///     classCount: 10, block: .init(modelDimension: 32, headCount: 4, feedForwardDimension: 64, activation: .gelu),
///     layerCount: 2), generator: SeededGenerator(seed: 0))
/// let logits = vit(Tensor.zeros([2, 1, 28, 28]))   // [2, 10]
/// ```
public final class VisionTransformer: ConfiguredModel {
    public static let family = ModelFamily.visionTransformer

    public let configuration: VisionConfiguration
    public let patchEmbedding: Linear                // [C, ch P P] weight, [C] bias
    /// The learned `[CLS]` vector `[1, 1, C]`.
    public let classToken: Tensor
    /// Learned positions `[1 + N, C]`, added without scaling the embeddings.
    public let positionalEncoding: PositionalEncoding
    public let encoder: TransformerStack             // N pre-norm blocks, then the final LayerNorm
    public let head: Linear                          // [K, C] weight, [K] bias

    public init(configuration c: VisionConfiguration, generator: SeededGenerator) throws(ConfigurationError) {
        try c.validate()
        configuration = c
        let width = c.block.modelDimension
        patchEmbedding = Linear(inputSize: c.patchLength, outputSize: width, generator: generator)
        classToken = Tensor.normal([1, 1, width], standardDeviation: 0.02, generator: generator, requiresGradient: true)
        positionalEncoding = PositionalEncoding(kind: .learned, maximumLength: c.sequenceLength, dimension: width,
                                                dropout: c.block.dropout, scalesEmbedding: false, generator: generator)
        encoder = try TransformerStack(configuration: c.block, layerCount: c.layerCount, causal: false,
                                       crossAttention: false, prunedHeads: c.prunedHeads ?? PrunedHeads(),
                                       selfAttentionKind: .encoderSelf, generator: generator)
        head = Linear(inputSize: width, outputSize: c.classCount, generator: generator)
    }

    public var ownParameters: [NamedParameter] { [("classToken", classToken)] }
    public var children: [(name: String, layer: any Layer)] {
        [("patchEmbedding", patchEmbedding), ("positionalEncoding", positionalEncoding), ("encoder", encoder), ("head", head)]
    }


    /// The patches of normalised pixels `[B, ch, S, S]` as rows: `[B, N, ch P P]`, patch n = (gy, gx) =
    /// (n / G, n % G) in row-major grid order, each flattened in (channel, y, x) order. Differentiable
    /// (a reshape and a permutation).
    public func patches(_ pixels: Tensor) -> Tensor {
        let c = configuration, batch = pixels.shape[0], g = c.gridSize, p = c.patchSize
        precondition(pixels.shape == [batch, c.channelCount, c.imageSize, c.imageSize],
                     "VisionTransformer needs pixels [B, \(c.channelCount), \(c.imageSize), \(c.imageSize)], got \(pixels.shape)")
        return pixels.reshaped([batch, c.channelCount, g, p, g, p])     // [B, ch, gy, y, gx, x]
            .permuted([0, 2, 4, 1, 3, 5])                                // [B, gy, gx, ch, y, x]
            .reshaped([batch, c.patchCount, c.patchLength])              // [B, N, ch P P]
    }

    /// Logits `[B, K]` and each block's self-attention weights `[B, H, 1 + N, 1 + N]` (position 0 is
    /// `[CLS]`, position 1 + n patch n) for normalised pixels `[B, ch, S, S]`.
    public func forward(_ pixels: Tensor) -> (logits: Tensor, weights: [Tensor]) {
        let batch = pixels.shape[0], width = configuration.block.modelDimension
        let embedded = patchEmbedding(patches(pixels))                                      // [B, N, C]
        let classRows = classToken + Tensor.zeros([batch, 1, width])                        // [B, 1, C]
        let x = Tensor.concatenate([classRows, embedded], alongAxis: 1)                     // [B, 1 + N, C]
        let encoded = encoder(positionalEncoding(x), mask: nil)                             // [B, 1 + N, C]
        let length = configuration.sequenceLength
        let pick = (0..<batch).flatMap { _ in [1] + [Float](repeating: 0, count: length - 1) }   // the [CLS] row
        return (head(encoded.output.weightedPositionSum(pick)), encoded.selfWeights)        // [B, K]
    }

    /// Logits `[B, K]`.
    public func callAsFunction(_ pixels: Tensor) -> Tensor { forward(pixels).logits }
}
