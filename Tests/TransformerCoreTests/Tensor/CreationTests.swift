import Foundation
import Testing
@testable import TransformerCore

/// zeros/ones/filled, the random initializers, and the basic Tensor accessors.
@Suite struct CreationTests {
    @Test func constants() {
        let z = Tensor.zeros([2, 3])
        #expect(z.shape == [2, 3] && z.scalars == [Float](repeating: 0, count: 6))
        #expect(!z.requiresGradient)
        let o = Tensor.ones([4], requiresGradient: true)
        #expect(o.scalars == [1, 1, 1, 1] && o.requiresGradient)
        let f = Tensor.filled([2, 1, 2], with: -2.5)
        #expect(f.shape == [2, 1, 2] && f.scalars == [-2.5, -2.5, -2.5, -2.5])
        #expect(Tensor.zeros([0, 3]).count == 0)
        let s = Tensor(4.5)
        #expect(s.shape == [] && s.rank == 0 && s.item == 4.5)
    }

    @Test func accessors() {
        let t = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        #expect(t.rank == 3 && t.count == 12)
        #expect(t[1, 2, 0] == 10)
        #expect(t[0, 1, 1] == 3)
        #expect(Tensor.strides(of: [2, 3, 4]) == [12, 4, 1])
        let d = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true).affine(scale: 2).detached()
        #expect(d.scalars == [2, 4] && !d.requiresGradient && d.node == nil)
        #expect(Tensor.normalize(axis: -1, rank: 3) == 2)
    }

    @Test func uniformStaysInRange() {
        let n = 10_000
        let u = Tensor.uniform([100, 100], in: -0.5...2, generator: SeededGenerator(seed: 101))
        #expect(u.shape == [100, 100])
        #expect(u.scalars.allSatisfy { $0 >= -0.5 && $0 < 2 })
        let mean = u.scalars.reduce(0, +) / Float(n)
        // U(-0.5, 2): mean 0.75, sd 2.5 / sqrt 12 = 0.72, standard error 0.0072.
        #expect(abs(mean - 0.75) <= 0.04, "mean \(mean)")
        // Both ends of the range are reached (not, e.g., [0, 1)).
        #expect(u.scalars.min()! < -0.45 && u.scalars.max()! > 1.95)
    }

    @Test func normalHasTheRequestedMoments() {
        let n = 10_000
        let x = Tensor.normal([n], mean: 3, standardDeviation: 2, generator: SeededGenerator(seed: 102))
        let mean = x.scalars.reduce(0, +) / Float(n)
        let variance = x.scalars.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(n - 1)
        // Standard errors: mean 2 / 100 = 0.02; sd about 2 / sqrt(2n) = 0.014. Allow five of them.
        #expect(abs(mean - 3) <= 0.1, "mean \(mean)")
        #expect(abs(variance.squareRoot() - 2) <= 0.07, "sd \(variance.squareRoot())")
        // Roughly 68% within one standard deviation.
        let within = x.scalars.filter { abs($0 - 3) < 2 }.count
        #expect(abs(Float(within) / Float(n) - 0.6827) <= 0.025)
        #expect(x.scalars.allSatisfy { $0.isFinite })
    }

    @Test func xavierUniformBound() {
        let (fanOut, fanIn) = (64, 32)
        let w = Tensor.xavierUniform([fanOut, fanIn], generator: SeededGenerator(seed: 103))
        let bound = Foundation.sqrt(6 / Float(fanIn + fanOut))   // 0.25
        #expect(w.shape == [64, 32])
        #expect(w.scalars.allSatisfy { abs($0) <= bound })
        // 2048 samples of U(-a, a): the extremes come within 1% of the bound.
        #expect(w.scalars.max()! > 0.99 * bound && w.scalars.min()! < -0.99 * bound)
        let mean = w.scalars.reduce(0, +) / Float(w.count)
        #expect(abs(mean) <= 0.02)
    }

    @Test func seedsDetermineValues() {
        let a = Tensor.normal([64], generator: SeededGenerator(seed: 104))
        let b = Tensor.normal([64], generator: SeededGenerator(seed: 104))
        let c = Tensor.normal([64], generator: SeededGenerator(seed: 105))
        #expect(a.scalars == b.scalars)
        #expect(a.scalars != c.scalars)
        let u1 = Tensor.uniform([64], in: 0...1, generator: SeededGenerator(seed: 106))
        let u2 = Tensor.uniform([64], in: 0...1, generator: SeededGenerator(seed: 106))
        let u3 = Tensor.uniform([64], in: 0...1, generator: SeededGenerator(seed: 107))
        #expect(u1.scalars == u2.scalars && u1.scalars != u3.scalars)
        let x1 = Tensor.xavierUniform([8, 8], generator: SeededGenerator(seed: 108))
        let x2 = Tensor.xavierUniform([8, 8], generator: SeededGenerator(seed: 108))
        #expect(x1.scalars == x2.scalars)
        // One generator draws a stream: two tensors from it differ.
        let shared = SeededGenerator(seed: 109)
        #expect(Tensor.normal([8], generator: shared).scalars != Tensor.normal([8], generator: shared).scalars)
    }
}
