import Foundation
import Testing
@testable import TransformerCore

/// The configuration options added for pretrained (Hugging Face) models, each tested on its own: SiLU,
/// the sin-half / cos-half sinusoids, unscaled embeddings, a shared source embedding, unmasked target
/// padding, and that configurations not using them encode exactly as before.
@Suite struct PretrainedOptionsTests {
    @Test func siluValuesAndGradient() {
        let x = Tensor(shape: [5], scalars: [-2, -0.5, 0, 1, 3])
        // x / (1 + e^-x)
        expectClose(x.silu(), Tensor(shape: [5], scalars: [-0.23840584, -0.18877034, 0, 0.7310586, 2.8577223]),
                    tolerance: Tolerance.exact)
        expectGradientsMatch([(randomTensor([2, 5], seed: 5) * 3).detached()]) { weightedSum($0[0].silu()) }
    }

    @Test func feedForwardUsesSiLU() {
        let generator = SeededGenerator(seed: 3)
        let ffn = FeedForward(modelDimension: 4, hiddenDimension: 6, activation: .silu, dropout: 0, generator: generator)
        let x = randomTensor([1, 2, 4], seed: 8)
        expectClose(ffn(x), ffn.contract(ffn.expand(x).silu()), tolerance: Tolerance.exact)
    }

    /// Marian's layout: sin of frequencies 0..<ceil(C/2), then cos of frequencies 0..<floor(C/2), both
    /// 10000^(-2i/C); checked by hand for an even and an odd width.
    @Test func sinusoidHalvesLayout() {
        let even = PositionalEncoding.sinusoidHalves(length: 3, dimension: 4)
        let w1 = pow(10000.0, -2.0 / 4)
        expectClose(Array(even.scalars[4..<8]), [Float(sin(1.0)), Float(sin(w1)), Float(cos(1.0)), Float(cos(w1))],
                    tolerance: Tolerance.exact)
        expectClose(Array(even.scalars[0..<4]), [0, 0, 1, 1], tolerance: Tolerance.exact)
        let odd = PositionalEncoding.sinusoidHalves(length: 3, dimension: 5)
        let (v1, v2) = (pow(10000.0, -2.0 / 5), pow(10000.0, -4.0 / 5))
        expectClose(Array(odd.scalars[10..<15]),
                    [Float(sin(2.0)), Float(sin(2 * v1)), Float(sin(2 * v2)), Float(cos(2.0)), Float(cos(2 * v1))],
                    tolerance: Tolerance.exact)
    }

    @Test func unscaledEmbeddingsAddPositionsOnly() {
        let x = randomTensor([1, 3, 4], seed: 2)
        let encoding = PositionalEncoding(kind: .sinusoidalHalves, maximumLength: 8, dimension: 4, dropout: 0,
                                          scalesEmbedding: false, generator: SeededGenerator(seed: 0))
        let table = PositionalEncoding.sinusoidHalves(length: 8, dimension: 4)
        expectClose(encoding(x, offset: 2).scalars, zip(x.scalars, table.scalars[8..<20]).map { $0 + $1 }, tolerance: Tolerance.exact)
        let scaled = PositionalEncoding(kind: .sinusoidalHalves, maximumLength: 8, dimension: 4, dropout: 0,
                                        generator: SeededGenerator(seed: 0))
        expectClose(scaled(x).scalars, zip(x.scalars, table.scalars[0..<12]).map { 2 * $0 + $1 }, tolerance: Tolerance.exact)
    }

    func marianLike(share: Bool = true, maskTargetPadding: Bool = false, sourceVocabulary: Int = 12) -> TransformerConfiguration {
        TransformerConfiguration(sourceVocabularySize: sourceVocabulary, targetVocabularySize: 12, modelDimension: 8, headCount: 2,
                                 layerCount: 2, feedForwardDimension: 16, dropout: 0, maximumLength: 16, normPlacement: .post,
                                 activation: .silu, positionalEncoding: .sinusoidalHalves, tieTargetEmbedding: true,
                                 specialTokens: SpecialTokens(padding: 11, start: 11, end: 0, unknown: 1),
                                 scaleEmbedding: false, shareSourceEmbedding: share, maskTargetPadding: maskTargetPadding)
    }

    @Test func sharedSourceEmbeddingIsOneParameter() throws {
        let model = try Transformer(configuration: marianLike(), generator: SeededGenerator(seed: 1))
        #expect(model.sourceEmbedding === model.targetEmbedding)
        #expect(model.projection.weight === model.targetEmbedding.weight)
        let names = model.namedParameters.map(\.name)
        #expect(names.contains("sourceEmbedding.weight") && !names.contains("targetEmbedding.weight"))
        #expect(model.parameterCount == model.configuration.parameterCount)
        #expect(throws: ConfigurationError.self) { try marianLike(sourceVocabulary: 10).validate() }
        let separate = try Transformer(configuration: marianLike(share: false, sourceVocabulary: 10), generator: SeededGenerator(seed: 1))
        #expect(separate.parameterCount == separate.configuration.parameterCount)
    }

    /// Without target padding masks the decoder may start with the padding id (Hugging Face's
    /// decoder_start_token_id = pad_token_id), and the cached decoder still equals the full one.
    @Test func unmaskedTargetPaddingDecodesFromThePaddingId() throws {
        let model = try Transformer(configuration: marianLike(), generator: SeededGenerator(seed: 4))
        let masked = try Transformer(configuration: marianLike(maskTargetPadding: true), generator: SeededGenerator(seed: 4))
        let source = [[3, 4, 5, 0]], target = [11, 6, 7]
        let full = Tensor.withoutGradients { model(source: source, targetInput: [target]) }                 // [1, 3, V]
        let fullMasked = Tensor.withoutGradients { masked(source: source, targetInput: [target]) }
        #expect(full.scalars != fullMasked.scalars)   // the padding id is attended to only without the mask
        let decoder = try IncrementalDecoder(model: model, sources: source)
        for (t, token) in target.enumerated() {
            expectClose(decoder.step([token]).scalars, Array(full.scalars[(t * 12)..<((t + 1) * 12)]), tolerance: Tolerance.float32)
        }
    }

    @Test func defaultOptionsEncodeAsBefore() throws {
        let plain = TransformerConfiguration(modelDimension: 8, headCount: 2, layerCount: 1, feedForwardDimension: 8)
        let json = sortedJSON(plain)
        for key in ["scaleEmbedding", "shareSourceEmbedding", "maskTargetPadding"] { #expect(!json.contains(key)) }
        #expect(json.hasPrefix("{\"activation\":\"relu\",\"dropout\":0.1,\"feedForwardDimension\":8,\"headCount\":2,"))
        let marian = marianLike()
        let decoded = try JSONDecoder().decode(TransformerConfiguration.self, from: Data(sortedJSON(marian).utf8))
        #expect(decoded == marian)
        #expect(sortedJSON(marian).contains("\"maskTargetPadding\":false,"))
    }

    @Test func halfPrecisionWidensExactly() {
        let halves: [(UInt16, Float)] = [(0x3C00, 1), (0xC000, -2), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24),
                                         (0x7BFF, 65504), (0x8000, -0.0), (0x7C00, .infinity), (0x3555, 0.33325195)]
        for (bits, value) in halves { #expect(SafeTensors.float(fromHalf: bits) == value, "0x\(String(bits, radix: 16))") }
        #expect(SafeTensors.float(fromHalf: 0x7E00).isNaN)
        #expect(SafeTensors.float(fromHalf: 0x8000).sign == .minus)
        #expect(SafeTensors.float(fromBFloat16: 0x3F80) == 1)
        #expect(SafeTensors.float(fromBFloat16: 0xC049) == -3.140625)
    }
}
