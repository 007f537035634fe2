import Testing
@testable import TransformerCore

/// Tolerances of the inspection tests, named for what they allow.
enum InspectionTolerance {
    /// |Σ_j A[i, j] - 1| for one softmax row of up to ~20 Float32 terms: a few ulps of 1.
    static let rowSum: Float = 1e-5
}

@Suite struct AttentionReportTests {
    static let tokenizers: TokenizerPair = {
        let tokenizer = try! Tokenizer.build(kind: .character, texts: ["abcdefgh"])
        return TokenizerPair(source: tokenizer, target: tokenizer)
    }()

    /// A random 2-layer, 2-head model in evaluation mode; `endBias` on <eos> makes it stop early.
    static func translator(endBias: Float) throws -> Translator {
        let vocabulary = tokenizers.source.vocabularySize
        let configuration = TransformerConfiguration(sourceVocabularySize: vocabulary, targetVocabularySize: vocabulary,
                                                     modelDimension: 16, headCount: 2, layerCount: 2,
                                                     feedForwardDimension: 32, dropout: 0.1, maximumLength: 12)
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 7))
        model.projection.bias!.withMutableScalars { $0[Vocabulary.end] += endBias }
        return Translator(model: model, tokenizers: tokenizers)
    }

    @Test(arguments: [Float(0), 4])
    func shapesLabelsRowSumsAndCausalZeros(endBias: Float) throws {
        let translator = try Self.translator(endBias: endBias)
        let report = try translator.attentionReport(for: "bad cab", maximumLength: 6)
        let translation = try translator.translate(["bad cab"], search: .greedy, maximumLength: 6)[0]
        #expect(report.outputTokens == translation.tokens && report.isComplete == translation.isComplete)
        #expect(report.unknownTokens == [" "], "the space is not in the vocabulary")
        #expect(report.sourceTokens == ["b", "a", "d", " ", "c", "a", "b"])
        #expect(report.layerCount == 2 && report.headCount == 2 && report.maps.count == 3 * 2 * 2)
        let source = report.sourceTokens + ["<eos>"]
        let queries = report.outputTokens + (report.isComplete ? ["<eos>"] : [])
        #expect(!queries.isEmpty)
        for layer in 0..<2 {
            for head in 0..<2 {
                let encoder = report.map(kind: .encoderSelf, layer: layer, head: head)
                let decoder = report.map(kind: .decoderSelf, layer: layer, head: head)
                let cross = report.map(kind: .decoderCross, layer: layer, head: head)
                #expect(encoder.queryLabels == source && encoder.keyLabels == source)
                #expect(decoder.queryLabels == queries && decoder.keyLabels == Array((["<sos>"] + report.outputTokens).prefix(queries.count)))
                #expect(cross.queryLabels == queries && cross.keyLabels == source)
                for map in [encoder, decoder, cross] {
                    #expect(map.largestRowSumError < InspectionTolerance.rowSum, "\(map.title)")
                    #expect(map.values.allSatisfy { $0 >= 0 && $0 <= 1 })
                }
                for i in 0..<decoder.queryCount {
                    for j in (i + 1)..<max(i + 1, decoder.keyCount) {
                        #expect(decoder[i, j] == 0, "decoder self-attention [\(i), \(j)] is above the diagonal")
                    }
                }
            }
        }
    }

    /// The report's maps are the forward pass's tensors for the same ids, split per head, and the
    /// teacher-forced pass reproduces the KV-cached greedy decoding: the same choices, and the same
    /// log-probabilities within the incremental-decoding tolerance.
    @Test func equalsTheForwardPassAndReproducesTheGreedyOutput() throws {
        let translator = try Self.translator(endBias: 2)
        let report = try translator.attentionReport(for: "fade", maximumLength: 10)
        #expect(report.isComplete, "with the <eos> bias the random model stops: \(report.outputTokens)")
        let ids = report.outputTokens.map { translator.tokenizers.target.vocabularyTokenizer!.vocabulary.id(for: $0) }
        let model = translator.model
        model.setTraining(false)
        let output = Tensor.withoutGradients {
            model.forward(source: [translator.sourceIDs("fade").ids], targetInput: [[Vocabulary.start] + ids])
        }
        for layer in 0..<2 {
            for (kind, tensors) in [(AttentionKind.encoderSelf, output.attention.encoderSelf),
                                    (.decoderSelf, output.attention.decoderSelf), (.decoderCross, output.attention.decoderCross)] {
                let joined = report.maps(kind: kind, layer: layer).flatMap(\.values)
                #expect(joined == tensors[layer].scalars, "\(kind) layer \(layer)")
            }
        }
        let vocabulary = output.logits.shape[2]
        let choices = (0..<output.logits.shape[1]).map { t in
            let row = output.logits.scalars[(t * vocabulary)..<((t + 1) * vocabulary)]
            return (Vocabulary.end..<vocabulary).max { row[row.startIndex + $0] < row[row.startIndex + $1] }!
        }
        #expect(choices == ids + [Vocabulary.end])
        // Position t's log-probability of the chosen token equals the KV-cached decoder's at step t.
        let hypothesis = try GreedyDecoder.decode(model: model, source: translator.sourceIDs("fade").ids, maximumLength: 10)
        let logProbabilities = DecodingFixtures.logProbabilities(output.logits)[0]
        let teacherForced = zip(logProbabilities, ids + [Vocabulary.end]).map { $0[$1] }
        expectClose(teacherForced, hypothesis.tokenLogProbabilities, tolerance: DecodingTolerance.incremental)
    }

    @Test func meanOfHeadsAndRolloutAreRowStochastic() throws {
        let report = try Self.translator(endBias: 4).attentionReport(for: "abc", maximumLength: 4)
        let mean = report.meanOfHeads(kind: .encoderSelf, layer: 1)
        let heads = report.maps(kind: .encoderSelf, layer: 1)
        expectClose(mean.values, zip(heads[0].values, heads[1].values).map { ($0 + $1) / 2 }, tolerance: Tolerance.exact)
        #expect(mean.title == "Encoder self-attention, layer 2, mean of heads")
        let rollout = report.encoderRollout()
        #expect(rollout.queryCount == 4 && rollout.keyCount == 4 && rollout.largestRowSumError < InspectionTolerance.rowSum)
        #expect(report.map(kind: .decoderCross, layer: 0, head: 1).title == "Decoder cross-attention, layer 1, head 2")
    }

    @Test func maximumLengthBelowOneIsAnError() throws {
        #expect(throws: DecodingError.self) { try Self.translator(endBias: 0).attentionReport(for: "a", maximumLength: 0) }
    }
}
