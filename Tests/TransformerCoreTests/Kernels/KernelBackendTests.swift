import Foundation
import Testing
@testable import TransformerCore

/// The one kernel dispatch point: the backend chosen from the CPU or TRANSFORMERCORE_KERNELS, its
/// scoped override, and whole ops giving the same results on every backend this CPU runs.
@Suite struct KernelBackendTests {
    /// Ops on two backends: the same math, with sums and exp in other lane orders (and fused
    /// multiply-adds in C), so equal to rounding over a few hundred terms.
    static let backendTolerance: Float = 1e-5

    @Test func theEnvironmentVariablePicksASupportedBackendOrSaysWhyNot() {
        #expect(KernelBackend.choice(fromEnvironmentValue: nil) == (KernelBackend.fastest, nil))
        #expect(KernelBackend.choice(fromEnvironmentValue: "") == (KernelBackend.fastest, nil))
        #expect(KernelBackend.choice(fromEnvironmentValue: "auto") == (KernelBackend.fastest, nil))
        #expect(KernelBackend.choice(fromEnvironmentValue: "portable") == (.portable, nil))
        #expect(KernelBackend.choice(fromEnvironmentValue: " AVX2 ").backend == (KernelBackend.avx2.isSupported ? .avx2 : .portable))
        let unknown = KernelBackend.choice(fromEnvironmentValue: "neon")
        #expect(unknown.backend == KernelBackend.fastest)
        #expect(unknown.problem == "TRANSFORMERCORE_KERNELS=neon: expected one of auto, avx512, avx2, portable")
        for backend in KernelBackend.allCases where !backend.isSupported {
            let refused = KernelBackend.choice(fromEnvironmentValue: backend.rawValue)
            #expect(refused.backend == KernelBackend.fastest)
            #expect(refused.problem?.hasPrefix("TRANSFORMERCORE_KERNELS=\(backend.rawValue): this CPU cannot run") == true)
        }
        #expect(KernelBackend.supported.last == .portable)
        #expect(KernelBackend.supported.first == KernelBackend.fastest)
    }

    @Test func theOverrideIsScoped() {
        let outside = KernelBackend.current
        KernelBackend.$override.withValue(.portable) {
            #expect(KernelBackend.current == .portable)
            #expect(GEMMOptions().backend == .portable)
            #expect(GEMMImplementation.automatic.microKernel(m: 64, n: 64, backend: GEMMOptions().backend) == .portable)
        }
        #expect(KernelBackend.current == outside)
    }

    /// A training step of a small encoder-decoder (attention with dropout, layer norm, ReLU feed-forward
    /// with dropout, cross-entropy) on each backend: the same loss and gradients as on the portable
    /// backend within ``backendTolerance`` (dropout masks must then be the same bit for bit: one flipped
    /// element would move a gradient far more). The learning rate is 0: Adam's step is sign-like for
    /// tiny gradients, so updated weights would amplify rounding (Adam's kernels are compared bit for bit
    /// in OptimizerTests).
    @Test func aTrainingStepAgreesOnEveryBackend() throws {
        func step(_ backend: KernelBackend) throws -> (loss: Float, gradients: [[Float]]) {
            try KernelBackend.$override.withValue(backend) {
                let (training, _, tokenizers) = try TrainingFixtures.data()
                let configuration = TrainingFixtures.configuration(vocabulary: tokenizers.source.vocabularySize)
                let model = try Transformer(configuration: configuration, generator: SeededGenerator(seed: 1))
                let optimizer = Adam(parameters: model.parameters)
                let batch = Batch(examples: Array(training.prefix(8)), specialTokens: .standard)
                let loss = try trainingStep(model: model, optimizer: optimizer, source: batch.source,
                                            targetInput: batch.targetInput, targetOutput: batch.targetOutput, step: 1,
                                            schedule: .constant(0), labelSmoothing: 0.1, maximumGradientNorm: nil).loss
                return (loss, model.parameters.map { $0.gradientScalars ?? [] })
            }
        }
        let reference = try step(.portable)
        #expect(reference.gradients.allSatisfy { !$0.isEmpty })
        for backend in KernelBackend.supported where backend != .portable {
            let result = try step(backend)
            #expect(abs(result.loss - reference.loss) <= Self.backendTolerance, "\(backend)")
            for (index, (a, b)) in zip(result.gradients, reference.gradients).enumerated() {
                let difference = zip(a, b).map { abs($0 - $1) }.max() ?? 0
                #expect(a.count == b.count && difference <= Self.backendTolerance,
                        "\(backend): gradient \(index) differs by \(difference)")
            }
        }
    }
}
