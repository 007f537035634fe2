/// Every hyperparameter of the ``VisionTransformer``, in one validated value: the image it takes, the
/// patches it cuts it into, the shared ``BlockConfiguration``, the number of encoder blocks, the classes,
/// and the pixel normalisation the model was trained with.
///
/// The defaults follow ViT-Base/16 (Dosovitskiy et al. 2021, Table 1) except for the block: pass
/// `BlockConfiguration(modelDimension: 768, headCount: 12, feedForwardDimension: 3072, activation: .gelu)`
/// for the paper's.
public struct VisionConfiguration: Equatable, Sendable, Codable, PrunableConfiguration {
    /// The side of the square input image, in pixels (images of other sizes are resized to it).
    public var imageSize: Int
    /// P, the side of a square patch; `imageSize` must be a multiple of it.
    public var patchSize: Int
    /// Input channels: 1 (grey) or 3 (RGB).
    public var channelCount: Int
    /// K, the number of classes.
    public var classCount: Int
    public var block: BlockConfiguration
    /// N, the number of encoder blocks.
    public var layerCount: Int
    /// Per-channel mean and standard deviation of the rescaled pixels (x / 255): the input is
    /// (x / 255 - mean) / std, as Hugging Face's `ViTImageProcessor` (`image_mean`, `image_std`).
    public var pixelMean: [Float]
    public var pixelStandardDeviation: [Float]
    /// The heads pruning removed (``AttentionKind/encoderSelf`` entries); nil: none (and absent from JSON).
    public var prunedHeads: PrunedHeads?

    public init(imageSize: Int = 224, patchSize: Int = 16, channelCount: Int = 3, classCount: Int,
                block: BlockConfiguration = BlockConfiguration(), layerCount: Int = 12,
                pixelMean: [Float]? = nil, pixelStandardDeviation: [Float]? = nil, prunedHeads: PrunedHeads? = nil) {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.channelCount = channelCount
        self.classCount = classCount
        self.block = block
        self.layerCount = layerCount
        self.pixelMean = pixelMean ?? [Float](repeating: 0.5, count: channelCount)
        self.pixelStandardDeviation = pixelStandardDeviation ?? [Float](repeating: 0.5, count: channelCount)
        self.prunedHeads = prunedHeads.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The patch grid's side, imageSize / P.
    public var gridSize: Int { imageSize / max(1, patchSize) }
    /// The number of patches, (imageSize / P)^2.
    public var patchCount: Int { gridSize * gridSize }
    /// The length of a flattened patch, channels P^2.
    public var patchLength: Int { channelCount * patchSize * patchSize }
    /// Positions the encoder sees: `[CLS]` and the patches.
    public var sequenceLength: Int { 1 + patchCount }

    /// Trainable parameters in closed form: patch embedding (channels P^2 C + C), `[CLS]` C, learned
    /// positions (1 + patches) C, N blocks, the final norm (pre-norm) 2 C, head K C + K, less the pruned
    /// heads' 4 C D + 3 D each.
    public var parameterCount: Int {
        let c = block.modelDimension
        return checkedSum([(-1, prunedHeads?.removedParameterCount(modelDimension: c, headDimension: block.headDimension) ?? 0),
                           (patchLength, c), (1, c), (1, c), (sequenceLength, c),
                           (layerCount, block.parameterCount(crossAttention: false)),
                           (block.normPlacement == .pre ? 2 : 0, c), (classCount, c), (classCount, 1)])
    }

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.checkSize(imageSize, .imageSize)
        try ConfigurationError.checkSize(patchSize, .patchSize)
        guard imageSize % patchSize == 0 else {
            throw ConfigurationError(field: .patchSize, expected: "a divisor of the image size \(imageSize)", found: "\(patchSize)")
        }
        guard patchCount + 1 <= TransformerConfiguration.maximumSize else {
            throw ConfigurationError(field: .patchSize, expected: "at most \(TransformerConfiguration.maximumSize - 1) patches",
                                     found: "\(patchCount) patches of \(patchSize) pixels in a \(imageSize)-pixel image")
        }
        guard channelCount == 1 || channelCount == 3 else {
            throw ConfigurationError(field: .channelCount, expected: "1 (grey) or 3 (RGB)", found: "\(channelCount)")
        }
        guard pixelMean.count == channelCount, pixelStandardDeviation.count == channelCount,
              pixelMean.allSatisfy(\.isFinite), pixelStandardDeviation.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw ConfigurationError(field: .pixelNormalization,
                                     expected: "\(channelCount) finite means and \(channelCount) positive standard deviations",
                                     found: "means \(pixelMean), standard deviations \(pixelStandardDeviation)")
        }
        guard classCount >= 2 && classCount <= TransformerConfiguration.maximumSize else {
            throw ConfigurationError(field: .classCount, expected: "at least 2 classes", found: "\(classCount)")
        }
        try block.validate()
        try ConfigurationError.checkSize(layerCount, .layerCount)
        guard parameterCount <= TransformerConfiguration.maximumStoredScalars else {
            throw ConfigurationError(field: .modelSize, expected: "at most \(TransformerConfiguration.maximumStoredScalars) parameters",
                                     found: "\(parameterCount)")
        }
        try prunedHeads?.validate(kinds: [.encoderSelf], layerCount: layerCount, headCount: block.headCount)
    }
}
