import Foundation
import TransformerCore

/// What one model benchmark measured, in the units of torch_ref.py's JSON.
struct BenchResult {
    var config: String
    var threads: Int
    /// The kernel backend that ran (``KernelBackend/current``: the CPU's fastest, or TRANSFORMERCORE_KERNELS).
    var kernels = KernelBackend.current.rawValue
    var stepSeconds: [Double] = []
    var forwardSeconds: [Double] = []
    var backwardSeconds: [Double] = []
    var clipOptimizerSeconds: [Double] = []
    var tokensPerStep = 0
    var losses: [Float] = []
    var params = 0
    /// Floating-point operations of one training step (BenchCommand+FLOPs.swift).
    var trainingFLOPsPerStep = 0.0
    /// The FMA peak of this backend on this many threads, measured after the steps (``FMAPeak``).
    var peakGFLOPs: Double?
    var inference: (nocacheSeconds: [Double], cachedSeconds: [Double], tokens: Int, matches: Bool)?
    /// `--arch lm|classify` (BenchCommand+Families.swift); nil for translate, whose fields stay torch_ref.py's.
    var arch: String?
    /// `--arch classify`: the timed forward passes of one batch, and its input tokens.
    var forwardInference: (seconds: [Double], tokens: Int)?
}

extension BenchCommand {
    /// One copy-task batch: source `[B, S]`, decoder input `[B, T]`, decoder target `B * T` labels.
    struct CopyBatch {
        let source: [[Int]]
        let targetInput: [[Int]]
        let targetOutput: [Int]
    }

    /// Four batches drawn from `seed` (torch_ref.py uses seed + 1 for the data): tokens uniform in
    /// [3, vocab), target = source, decoder input = <sos> + target[:-1]. (A different generator than
    /// torch's, so the same distribution, not the same numbers.)
    static func copyBatches(_ config: BenchConfig, count: Int = 4, seed: UInt64) -> [CopyBatch] {
        let s = config.sizes
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let source = (0..<s.batch).map { _ in
                (0..<s.sourceLength).map { _ in Int.random(in: 3..<s.sourceVocabulary, using: &generator) }
            }
            let target = source.map { Array($0.prefix(s.targetLength)) }   // src_len == tgt_len in every config
            return CopyBatch(source: source, targetInput: target.map { [1] + $0.dropLast() },
                             targetOutput: target.flatMap { $0 })
        }
    }

    func runModel() throws {
        let configuration = config.configuration
        let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: seed))
        let optimizer = Adam(parameters: model.parameters, learningRate: 1e-3, beta1: 0.9, beta2: 0.98, epsilon: 1e-9)
        let batches = Self.copyBatches(config, seed: seed &+ 1)
        var result = BenchResult(config: config.rawValue, threads: ComputeThreads.effective)
        result.params = model.parameterCount
        result.tokensPerStep = batches[0].targetOutput.count
        result.trainingFLOPsPerStep = Self.trainingFLOPs(forwardMultiplyAdds: Double(BenchArch.translate.forwardMultiplyAdds(config)))

        model.setTraining(true)
        recordSteps(into: &result, label: "\(config.rawValue) t=\(result.threads)") { index in
            let batch = batches[index % batches.count]
            return Self.timedStep(optimizer: optimizer) {
                crossEntropy(logits: model(source: batch.source, targetInput: batch.targetInput),   // [B, T, V]
                             targets: batch.targetOutput, ignoreIndex: model.specialTokens.padding, labelSmoothing: 0.1)
            }
        }

        result.peakGFLOPs = FMAPeak.measure(threads: result.threads)
        if runsInference {
            // The last step's gradients are not needed to decode: free them before decoding (torch_ref.py's
            // decoding runs under no_grad; here they would add the model's size to the peak RSS).
            optimizer.zeroGradients()
            model.setTraining(false)
            let source = batches[0].source
            let length = config.sizes.targetLength
            let reference = try Self.decodeWithoutCache(model: model, source: source, length: length)   // warm-up
            let nocache = try (0..<inferenceRepetitions).map { _ in
                try Self.timed { _ = try Self.decodeWithoutCache(model: model, source: source, length: length) }
            }
            let cached = try Self.decodeWithCache(model: model, source: source, length: length)          // warm-up
            let cachedTimes = try (0..<inferenceRepetitions).map { _ in
                try Self.timed { _ = try Self.decodeWithCache(model: model, source: source, length: length) }
            }
            result.inference = (nocache, cachedTimes, source.count * length, reference == cached)
            printError("[\(config.rawValue) t=\(result.threads)] decoded \(source.count * length) tokens "
                       + "\(inferenceRepetitions + 1) times each way; cache matches no cache: \(reference == cached)")
        }
        print(json ? Self.jsonLine(result) : Self.table(result))
    }

    /// The times of one full step: forward + loss, backward, clip + Adam, and the whole.
    typealias StepTimes = (loss: Float, forward: Double, backward: Double, clipOptimizer: Double, total: Double)

    /// `--warmup` untimed then `--steps` timed steps, `step(index)` running step `index`: every loss and
    /// the timed steps' times go into `result`, a progress line per timed step to stderr under `label`.
    func recordSteps(into result: inout BenchResult, label: String, _ step: (Int) -> StepTimes) {
        for index in 0..<(warmup + steps) {
            let times = step(index)
            result.losses.append(times.loss)
            guard index >= warmup else { continue }
            result.forwardSeconds.append(times.forward)
            result.backwardSeconds.append(times.backward)
            result.clipOptimizerSeconds.append(times.clipOptimizer)
            result.stepSeconds.append(times.total)
            printError("[\(label)] step \(index - warmup + 1)/\(steps) "
                       + String(format: "%.1f ms loss %.4f", times.total * 1e3, times.loss))
        }
    }

    /// One full step timed in three parts, as torch_ref.py's `train_step`: zero the gradients, forward
    /// and loss (the loss read back); backward; clipping at norm 1 and the Adam step.
    static func timedStep(optimizer: Adam, loss makeLoss: () -> Tensor) -> StepTimes {
        let t0 = GEMMBenchmark.now()
        optimizer.zeroGradients()
        let loss = makeLoss()
        let value = loss.item
        let t1 = GEMMBenchmark.now()
        loss.backward()
        let t2 = GEMMBenchmark.now()
        _ = clipGradientNorm(optimizer.parameters, maximumNorm: 1)
        optimizer.step()
        let t3 = GEMMBenchmark.now()
        return (value, t1 - t0, t2 - t1, t3 - t2, t3 - t0)
    }

    /// Greedy decoding with the key/value cache (``GreedyDecoder``) for exactly `length` steps: the end
    /// token given is `<sos>` (1), which greedy decoding never emits, so no row stops early.
    static func decodeWithCache(model: Transformer, source: [[Int]], length: Int) throws -> [[Int]] {
        try model.inferring {
            try GreedyDecoder.decode(model: model, sources: source, maximumLength: length, startToken: 1,
                                     endToken: 1, batchSize: source.count).map(\.tokens)
        }
    }

    /// Greedy decoding without a cache: the encoder once, then at each step the decoder re-run over the
    /// whole prefix (cross-attention keys and values recomputed too) and the next token read from the
    /// last position. `Transformer.decode` projects every position to logits, not only the last: a
    /// little more work than torch_ref.py's `greedy_nocache`. Padding and `<sos>` are never chosen, as in
    /// ``GreedyDecoder``, so both methods emit the same tokens.
    static func decodeWithoutCache(model: Transformer, source: [[Int]], length: Int) throws -> [[Int]] {
        model.inferring {
            let encoded = model.encode(source)
            let vocabulary = model.configuration.targetVocabularySize
            var prefix = source.map { _ in [1] }
            for _ in 0..<length {
                let logits = model.decode(prefix, memory: encoded.memory, sourceMask: encoded.sourceMask).logits  // [B, t, V]
                let t = prefix[0].count
                logits.scalars.withUnsafeBufferPointer { scalars in
                    for row in prefix.indices {
                        let offset = (row * t + t - 1) * vocabulary
                        var best = 2, bestValue = -Float.infinity
                        for token in 2..<vocabulary where scalars[offset + token] > bestValue {
                            best = token; bestValue = scalars[offset + token]
                        }
                        prefix[row].append(best)
                    }
                }
            }
            return prefix.map { Array($0.dropFirst()) }
        }
    }

    static func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = GEMMBenchmark.now()
        try body()
        return GEMMBenchmark.now() - start
    }
}
