import Foundation
import Testing
@testable import TransformerCore

/// backward(): accumulation, recording rules, no-grad mode, shared inputs and deep graphs.
@Suite struct BackwardTests {
    @Test func gradientsAccumulateAcrossBackwardCalls() {
        let x = Tensor(shape: [3], scalars: [1, 2, 3], requiresGradient: true)
        (x * 2).sum().backward()
        #expect(x.gradientScalars == [2, 2, 2])
        (x * 3).sum().backward()
        #expect(x.gradientScalars == [5, 5, 5])
    }

    @Test func backwardTwiceOnTheSameGraphAddsTheSameGradientTwice() {
        // A second pass through the same graph must not push the first pass's gradient again.
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let hidden = x * 2            // an intermediate
        let loss = (hidden * hidden).sum()   // d loss / dx = 8 x
        loss.backward(retainingGraph: true)
        #expect(x.gradientScalars == [8, 16])
        loss.backward()
        #expect(x.gradientScalars == [16, 32])
        #expect(hidden.gradientScalars == nil)   // intermediates keep no gradient (as in PyTorch)
    }

    @Test func intermediateSharedByTwoGraphs() {
        // A value computed once and used by two losses: each backward adds its own contribution only.
        let w = Tensor(shape: [2], scalars: [1, -1], requiresGradient: true)
        let shared = w * 3
        (shared * 2).sum().backward(retainingGraph: true)   // `shared`'s node is needed again below
        #expect(w.gradientScalars == [6, 6])
        shared.sum().backward()
        #expect(w.gradientScalars == [9, 9])
    }

    @Test func backwardReleasesTheGraphButNotTheValues() {
        // Without retainingGraph, each node is dropped once its backward has run (as PyTorch frees the
        // saved tensors); tensors the caller holds keep their values, and a leaf keeps accumulating.
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let hidden = x * 2
        let loss = (hidden * hidden).sum()
        loss.backward()
        #expect(x.gradientScalars == [8, 16])
        #expect(hidden.node == nil && loss.node == nil)
        #expect(hidden.graphReleased && loss.graphReleased && !x.graphReleased)
        #expect(hidden.scalars == [2, 4] && loss.item == 20)
        (x * x).sum().backward()   // a new graph on the same leaf
        #expect(x.gradientScalars == [10, 20])
    }

    @Test func theGraphDoesNotKeepIntermediateTensorsAlive() {
        // The graph links vertices, not tensors: an intermediate nobody holds is freed at once, and only
        // what its op's backward captured (here exp's output values) stays for backward.
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        weak var weakHidden: Tensor?
        let loss: Tensor = {
            let hidden = x.exp()
            weakHidden = hidden
            return (hidden * hidden).sum()
        }()
        #expect(weakHidden == nil)
        loss.backward()
        let expected = x.scalars.map { 2 * Foundation.exp(2 * $0) }
        for (g, e) in zip(x.gradientScalars ?? [], expected) { #expect(abs(g - e) <= 1e-5 * e) }
    }

    @Test func retainingTheGraphKeepsEveryNode() {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let hidden = x.exp()
        let loss = hidden.sum()
        loss.backward(retainingGraph: true)
        #expect(hidden.node != nil && loss.node != nil && !hidden.graphReleased)
    }

    @Test func zeroGradientClears() {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        (x * x).sum().backward()
        #expect(x.gradientScalars != nil)
        x.zeroGradient()
        #expect(x.gradientScalars == nil)
        #expect(x.gradient == nil)
        (x * 5).sum().backward()
        #expect(x.gradientScalars == [5, 5])
        #expect(x.gradient?.shape == [2])
    }

    @Test func opsOnConstantsAreNotRecorded() {
        let a = Tensor(shape: [2], scalars: [1, 2]), b = Tensor(shape: [2], scalars: [3, 4])
        let c = (a * b).exp().sum()
        #expect(c.node == nil)
        #expect(!c.requiresGradient)
        let m = a.reshaped([1, 2]).matmul(b.reshaped([2, 1])).softmax()
        #expect(m.node == nil && !m.requiresGradient)
        // backward() on such a result would be a programmer error; its inputs keep no gradient.
        #expect(a.gradientScalars == nil && b.gradientScalars == nil)
    }

    @Test func recordedWhenAnyInputRequiresAGradient() {
        let a = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let b = Tensor(shape: [2], scalars: [3, 4])
        let c = a * b
        #expect(c.requiresGradient)
        #expect(c.node?.inputs.count == 2)
        // Leaves have no node.
        #expect(a.node == nil)
    }

    @Test func withoutGradientsRecordsNothingAndNests() {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        #expect(GradientMode.isEnabled)
        let y = Tensor.withoutGradients { () -> Tensor in
            #expect(!GradientMode.isEnabled)
            let inner = Tensor.withoutGradients { () -> Tensor in
                #expect(!GradientMode.isEnabled)
                return x * 2
            }
            // Still off after the inner block returns.
            #expect(!GradientMode.isEnabled)
            let outer = (x + 1).softmax()
            #expect(outer.node == nil && !outer.requiresGradient)
            return inner
        }
        #expect(y.node == nil && !y.requiresGradient)
        #expect(GradientMode.isEnabled)
        // Recording works again afterwards.
        let z = x * 2
        #expect(z.requiresGradient && z.node != nil)
    }

    @Test func withoutGradientsRethrows() {
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try Tensor.withoutGradients { throw Failure() }
        }
        #expect(GradientMode.isEnabled)
    }

    @Test func tensorUsedTwiceGetsBothContributions() {
        let x = Tensor(shape: [3], scalars: [1, -2, 3], requiresGradient: true)
        (x * x).sum().backward()
        #expect(x.gradientScalars == [2, -4, 6])
        let y = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        (y + y + y).sum().backward()
        #expect(y.gradientScalars == [3, 3])
    }

    @Test func diamondGraph() {
        // x -> u = 2x, v = e^x -> z = sum(u * v): dz/dx = 2 e^x + 2x e^x.
        let x = Tensor(shape: [3], scalars: [-1, 0, 0.5], requiresGradient: true)
        let u = x * 2, v = x.exp()
        (u * v).sum().backward()
        let expected = x.scalars.map { 2 * Foundation.exp($0) * (1 + $0) }
        expectClose(x.gradientScalars ?? [], expected, tolerance: Tolerance.float32)
        // A diamond whose branches re-join at different depths.
        let a = Tensor(shape: [2], scalars: [0.3, -0.7], requiresGradient: true)
        expectGradientsMatch([a]) { inputs in
            let a = inputs[0]
            let b = a.tanh(), c = a * b, d = (c + b).exp()
            return weightedSum(d * a + c)
        }
    }

    @Test func deepChainDoesNotOverflowTheStack() {
        // 5,000 recorded ops: backward's topological sort and sweep must not recurse per op.
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        var y = x
        for _ in 0..<2_500 {
            y = y * 1.0001
            y = y + x * 0   // a second input per op, so the graph is not a plain list
        }
        y.sum().backward()
        let expected = Foundation.pow(1.0001, 2_500) as Double
        let g = x.gradientScalars ?? []
        #expect(g.count == 2)
        for value in g { #expect(abs(Double(value) - expected) <= 1e-3 * expected) }
    }

    @Test func releasingAVeryDeepGraphDoesNotOverflowTheStack() {
        // Dropping the last reference to a 60,000-op chain: a recursive release (each node holding its
        // inputs) overflowed the test thread's stack at about 50,000 ops in a debug build.
        let x = Tensor(shape: [1], scalars: [1], requiresGradient: true)
        var y = x
        for _ in 0..<60_000 { y = y.affine(scale: 1, shift: 1e-5) }
        #expect(abs(y.item - 1.6) <= 1e-2)
        y = x
        #expect(y.node == nil)
    }

    @Test func releasingAResultKeepsSharedIntermediatesIntact() {
        // The iterative release must only dismantle tensors nobody else holds.
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let kept = (x * 3).exp()
        do {
            let temporary = (kept * kept + x).sum()
            #expect(temporary.node != nil)
        }
        #expect(kept.node != nil)
        kept.sum().backward()   // the graph below `kept` still reaches x
        let expected = x.scalars.map { 3 * Foundation.exp(3 * $0) }
        for (g, e) in zip(x.gradientScalars ?? [], expected) { #expect(abs(g - e) <= 1e-4 * e) }
    }

    @Test func backwardSeedsTheOutputWithOne() {
        let x = Tensor(shape: [1], scalars: [3], requiresGradient: true)
        let y = (x * x).sum()
        y.backward()
        #expect(x.gradientScalars == [6])
    }

    @Test func constantsInTheGraphGetNoGradient() {
        let w = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let c = Tensor(shape: [2], scalars: [3, 4])
        (w * c).sum().backward()
        #expect(w.gradientScalars == [3, 4])
        #expect(c.gradientScalars == nil)
    }
}
