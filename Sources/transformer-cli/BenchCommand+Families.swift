import Foundation
import TransformerCore

/// The model family `bench --arch` trains and times. Each has a plain-PyTorch twin: translate in
/// ../shared/bench/torch_ref.py, lm and classify in Scripts/bench_families_torch.py (same configs,
/// dropout, loss, Adam, clipping and timing; the same parameter counts).
enum BenchArch: String, CaseIterable, Sendable {
    /// ``Transformer``, the encoder-decoder, on the copy task (BenchCommand+Run.swift).
    case translate
    /// ``LanguageModel``, decoder-only: next-token prediction, greedy generation.
    case lm
    /// ``EncoderClassifier``: two classes, `[CLS]` pooling.
    case classify

    /// Tokens one training step counts: target tokens B x tgt_len (translate, lm) or input tokens
    /// B x src_len (classify).
    func tokensPerStep(_ config: BenchConfig) -> Int {
        let s = config.sizes
        return s.batch * (self == .classify ? s.sourceLength : s.targetLength)
    }

    /// The multiply-adds of one training step's forward pass (backward is about twice as many): every
    /// linear layer (q, k, v, o projections, both FFN layers, the output projection or head) and the
    /// attention score and value products over all T x T (or T x S) pairs, causal ones included, as
    /// torch_ref.py's `model_flops` (which counts 2 FLOPs per multiply-add). Not counted: embedding
    /// lookups, positions, softmax, LayerNorm, dropout, the loss, pooling, the optimizer.
    ///
    /// With d = d_model, F = d_ff, N layers, batch B, lengths S and T, vocabulary V:
    ///   translate: N (B S (4 d^2 + 2 d F) + 2 B S^2 d) + N (B T (6 d^2 + 2 d F) + 2 B S d^2 + 2 B T^2 d
    ///              + 2 B T S d) + B T d V
    ///   lm:        N (B T (4 d^2 + 2 d F) + 2 B T^2 d) + B T d V
    ///   classify:  N (B S' (4 d^2 + 2 d F) + 2 B S'^2 d) + 2 B d, S' = S + 1 with the [CLS] position
    func forwardMultiplyAdds(_ config: BenchConfig) -> Int {
        let s = config.sizes
        let (d, f, n, b) = (s.modelDimension, s.feedForward, s.layers, s.batch)
        func selfAttentionStack(_ t: Int) -> Int { n * (b * t * (4 * d * d + 2 * d * f) + 2 * b * t * t * d) }
        switch self {
        case .translate:
            let (src, tgt) = (s.sourceLength, s.targetLength)
            let decoder = n * (b * tgt * (6 * d * d + 2 * d * f) + 2 * b * src * d * d + 2 * b * tgt * tgt * d
                               + 2 * b * tgt * src * d)
            return selfAttentionStack(src) + decoder + b * tgt * d * s.targetVocabulary
        case .lm:
            return selfAttentionStack(s.targetLength) + b * s.targetLength * d * s.targetVocabulary
        case .classify:
            return selfAttentionStack(s.sourceLength + 1) + b * d * BenchCommand.classCount
        }
    }
}

extension BenchConfig {
    /// `--arch lm`: the config's d_model, heads, layers, d_ff; vocabulary = tgt vocab, context = tgt_len;
    /// dropout 0.1, pre-norm, ReLU, sinusoidal positions, untied projection (as the translate bench).
    var languageModelConfiguration: LanguageModelConfiguration {
        let s = sizes
        return LanguageModelConfiguration(
            vocabularySize: s.targetVocabulary, block: block, layerCount: s.layers, maximumLength: s.targetLength,
            positionalEncoding: .sinusoidal, tieEmbedding: false)
    }

    /// `--arch classify`: the encoder of the config's sizes over src_len tokens (+ the `[CLS]` position),
    /// vocabulary = src vocab, 2 classes, `[CLS]` pooling (``ClassifierConfiguration``'s default and
    /// `train --task classify`'s).
    var classifierConfiguration: ClassifierConfiguration {
        let s = sizes
        return ClassifierConfiguration(
            vocabularySize: s.sourceVocabulary, classCount: BenchCommand.classCount, block: block,
            layerCount: s.layers, maximumLength: s.sourceLength + 1, positionalEncoding: .sinusoidal,
            pooling: .classToken)
    }

    private var block: BlockConfiguration {
        let s = sizes
        return BlockConfiguration(modelDimension: s.modelDimension, headCount: s.heads, feedForwardDimension: s.feedForward,
                                  dropout: 0.1, normPlacement: .pre, activation: .relu)
    }
}

extension BenchCommand {
    static let classCount = 2
    /// The smallest id greedy generation may emit: pad, <sos> and <eos> (0, 1, 2) are never chosen, in
    /// both methods and in bench_families_torch.py; the data tokens are 3..<V.
    static let firstDataToken = 3

    /// One seeded batch of random sequences. lm: `inputs` `[B, T]`, `targets` their next tokens (`B * T`,
    /// a window of T + 1 tokens shifted by one). classify: `inputs` `[B, S]`, `targets` `B` labels in 0..<2.
    struct FamilyBatch {
        let inputs: [[Int]]
        let targets: [Int]
    }

    /// Four batches drawn from `seed` (seed + 1 in `bench`, as the copy task's), tokens uniform in [3, vocab).
    /// (A different generator than torch's: the same distribution, not the same numbers.)
    static func familyBatches(_ arch: BenchArch, _ config: BenchConfig, count: Int = 4, seed: UInt64) -> [FamilyBatch] {
        let s = config.sizes
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            switch arch {
            case .classify:
                let ids = (0..<s.batch).map { _ in
                    (0..<s.sourceLength).map { _ in Int.random(in: firstDataToken..<s.sourceVocabulary, using: &generator) }
                }
                let labels = (0..<s.batch).map { _ in Int.random(in: 0..<classCount, using: &generator) }
                return FamilyBatch(inputs: ids, targets: labels)
            case .lm, .translate:
                let windows = (0..<s.batch).map { _ in
                    (0...s.targetLength).map { _ in Int.random(in: firstDataToken..<s.targetVocabulary, using: &generator) }
                }
                return FamilyBatch(inputs: windows.map { Array($0.dropLast()) }, targets: windows.flatMap { $0.dropFirst() })
            }
        }
    }

    /// `--arch lm|classify`: the translate bench's training loop and report around the family's model.
    func runFamily() throws {
        let batches = Self.familyBatches(arch, config, seed: seed &+ 1)
        var result = BenchResult(config: config.rawValue, threads: ComputeThreads.effective)
        result.arch = arch.rawValue
        result.tokensPerStep = arch.tokensPerStep(config)
        result.trainingFLOPsPerStep = Self.trainingFLOPs(forwardMultiplyAdds: Double(arch.forwardMultiplyAdds(config)))
        switch arch {
        case .lm:
            let model = try LanguageModel(configuration: config.languageModelConfiguration, generator: SeededGenerator(seed: seed))
            try train(model, batches: batches, into: &result) { model($0.inputs) }   // [B, T, V]
            result.peakGFLOPs = FMAPeak.measure(threads: result.threads)
            if runsInference { try benchGeneration(model, prompts: batches[0].inputs.map { [$0[0]] }, into: &result) }
        case .classify:
            let model = try EncoderClassifier(configuration: config.classifierConfiguration, generator: SeededGenerator(seed: seed))
            try train(model, batches: batches, into: &result) { model($0.inputs) }   // [B, 2]
            result.peakGFLOPs = FMAPeak.measure(threads: result.threads)
            if runsInference {
                let ids = batches[0].inputs
                _ = model.inferring { model(ids) }                                     // warm-up
                let seconds = (0..<inferenceRepetitions).map { _ in Self.timed { _ = model.inferring { model(ids) } } }
                result.forwardInference = (seconds, ids.count * ids[0].count)
                printError("[\(label(result))] classified \(ids.count) texts \(inferenceRepetitions + 1) times")
            }
        case .translate:
            preconditionFailure("translate runs runModel()")
        }
        print(json ? Self.jsonLine(result) : Self.familyTable(result))
    }

    /// "tiny lm t=2", the progress lines' prefix.
    private func label(_ r: BenchResult) -> String { "\(r.config) \(arch.rawValue) t=\(r.threads)" }

    /// Warm-up and timed steps of `model` over `batches` in turn, `logits` giving each batch's logits; the
    /// loss is cross-entropy with label smoothing 0.1 (no ignored index: no batch has padding, and
    /// class 0 is a label), then the step of ``timedStep(optimizer:loss:)``. Afterwards the gradients are
    /// freed and the model is left in inference mode, as the translate bench before it decodes.
    private func train<Model: TransformerModel>(_ model: Model, batches: [FamilyBatch], into result: inout BenchResult,
                                                logits: (FamilyBatch) -> Tensor) throws {
        let optimizer = Adam(parameters: model.parameters, learningRate: 1e-3, beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
        result.params = model.parameterCount
        model.setTraining(true)
        recordSteps(into: &result, label: label(result)) { index in
            let batch = batches[index % batches.count]
            return Self.timedStep(optimizer: optimizer) {
                crossEntropy(logits: logits(batch), targets: batch.targets, ignoreIndex: nil, labelSmoothing: 0.1)
            }
        }
        optimizer.zeroGradients()
        model.setTraining(false)
    }

    /// Greedy generation of tgt_len tokens after each row's one-token prompt, without the cache and with
    /// it, one untimed run each and then `--infer-reps` timed; fills `result.inference`.
    private func benchGeneration(_ model: LanguageModel, prompts: [[Int]], into result: inout BenchResult) throws {
        let length = config.sizes.targetLength
        let reference = Self.generateWithoutCache(model: model, prompts: prompts, length: length)    // warm-up
        let nocache = (0..<inferenceRepetitions).map { _ in
            Self.timed { _ = Self.generateWithoutCache(model: model, prompts: prompts, length: length) }
        }
        let cached = Self.generateWithCache(model: model, prompts: prompts, length: length)          // warm-up
        let cachedTimes = (0..<inferenceRepetitions).map { _ in
            Self.timed { _ = Self.generateWithCache(model: model, prompts: prompts, length: length) }
        }
        result.inference = (nocache, cachedTimes, prompts.count * length, reference == cached)
        printError("[\(label(result))] generated \(prompts.count * length) tokens \(inferenceRepetitions + 1) "
                   + "times each way; cache matches no cache: \(reference == cached)")
    }

    /// The most probable id >= ``firstDataToken`` of each of `rows` rows of `width` logits (ties to the
    /// lowest id, as torch's argmax), row r read at `scalars[offset(r) ..< offset(r) + width]`.
    static func greedyTokens(_ scalars: [Float], rows: Int, width: Int, offset: (Int) -> Int) -> [Int] {
        scalars.withUnsafeBufferPointer { z in
            (0..<rows).map { row in
                let start = offset(row)
                var best = firstDataToken, bestValue = -Float.infinity
                for token in firstDataToken..<width where z[start + token] > bestValue {
                    best = token; bestValue = z[start + token]
                }
                return best
            }
        }
    }

    /// Greedy generation with the library's incremental decoding for ``LanguageModel``: one
    /// ``KeyValueCache`` for all rows, each step feeding one token per row at the next position
    /// (`forward(_:cache:)`, as ``TextGenerator`` does for one row). The prompt takes position 0, so
    /// tgt_len tokens fill exactly the context (the last one generated is never fed).
    static func generateWithCache(model: LanguageModel, prompts: [[Int]], length: Int) -> [[Int]] {
        model.inferring {
            let vocabulary = model.configuration.vocabularySize
            let cache = KeyValueCache(for: model.decoder, rowCount: prompts.count, capacity: length)
            var next = prompts.map { $0[0] }
            var generated = prompts.map { _ in [Int]() }
            for _ in 0..<length {
                let logits = model.forward(next.map { [$0] }, cache: cache).logits                  // [B, 1, V]
                next = greedyTokens(logits.scalars, rows: prompts.count, width: vocabulary) { $0 * vocabulary }
                for row in generated.indices { generated[row].append(next[row]) }
            }
            return generated
        }
    }

    /// Greedy generation without a cache: at every step the whole model re-run over the prefix and the
    /// output projection applied to the last position only, as bench_families_torch.py's
    /// `greedy_nocache` (`LanguageModel.forward` without a cache, except that it would project every
    /// position). Emits the same tokens as ``generateWithCache(model:prompts:length:)``.
    static func generateWithoutCache(model: LanguageModel, prompts: [[Int]], length: Int) -> [[Int]] {
        model.inferring {
            let (vocabulary, width) = (model.configuration.vocabularySize, model.configuration.block.modelDimension)
            var prefix = prompts
            for _ in 0..<length {
                let (rows, t) = (prefix.count, prefix[0].count)
                let mask = AttentionMask.target(prefix, paddingIndex: model.specialTokens.padding)   // [B, 1, t, t]
                let x = model.positionalEncoding(model.embedding(prefix))                            // [B, t, C]
                let hidden = model.decoder(x, mask: mask).output.scalars                             // [B, t, C]
                var last = [Float](repeating: 0, count: rows * width)                                // [B, C]
                for row in 0..<rows {
                    let start = (row * t + t - 1) * width
                    last.replaceSubrange(row * width..<(row + 1) * width, with: hidden[start..<start + width])
                }
                let logits = model.projection(Tensor(shape: [rows, width], scalars: last))             // [B, V]
                let next = greedyTokens(logits.scalars, rows: rows, width: vocabulary) { $0 * vocabulary }
                for row in prefix.indices { prefix[row].append(next[row]) }
            }
            return prefix.map { Array($0.dropFirst()) }
        }
    }

    /// `--arch classify`'s inference figures, in ``fields(_:)`` (nothing for the other families): input
    /// tokens per second of a forward pass under no-grad, its median time, the tokens and the repetitions.
    static func forwardInferenceFields(_ r: BenchResult) -> [(String, JSONLine.Value)] {
        guard let inference = r.forwardInference else { return [] }
        let seconds = median(inference.seconds)
        return [
            ("infer_tokens_per_s", .number(rounded(Double(inference.tokens) / seconds, 1))),
            ("infer_ms_median", .number(rounded(seconds * 1e3, 3))),
            ("infer_tokens", .integer(inference.tokens)),
            ("infer_reps", .integer(inference.seconds.count)),
        ]
    }

    /// ``table(_:)`` for `--arch lm|classify`: the same rows, the family and its token unit in the title.
    static func familyTable(_ r: BenchResult) -> String {
        let rows = fields(r).map { name, value -> [String] in
            [name, JSONLine.render(value).replacingOccurrences(of: "\"", with: "")]
        }
        let unit = r.arch == BenchArch.classify.rawValue ? "input" : "target"
        return "bench --config \(r.config) --arch \(r.arch ?? ""), \(r.threads) thread\(r.threads == 1 ? "" : "s"), "
            + "\(r.kernels) kernels (times in ms, rates in \(unit) tokens per second):\n"
            + TextFormatting.table(rows, rightAligned: [1])
    }
}
