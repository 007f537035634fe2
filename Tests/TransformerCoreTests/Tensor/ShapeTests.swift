import Testing
@testable import TransformerCore

/// reshaped, permuted, transposed, concatenate and the head split/merge.
@Suite struct ShapeTests {
    let iota = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))

    @Test func reshapedKeepsOrderAndInfersMinusOne() {
        let r = iota.reshaped([4, 6])
        #expect(r.shape == [4, 6])
        #expect(r.scalars == iota.scalars)
        #expect(iota.reshaped([-1, 4]).shape == [6, 4])
        #expect(iota.reshaped([2, -1]).shape == [2, 12])
        #expect(iota.reshaped([3, -1, 2]).shape == [3, 4, 2])
        #expect(iota.reshaped([-1]).shape == [24])
        #expect(Tensor(7).reshaped([1, 1]).shape == [1, 1])
    }

    @Test func permutedMovesElements() {
        let p = iota.permuted([2, 0, 1])   // [4, 2, 3]
        #expect(p.shape == [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            #expect(p[k, i, j] == iota[i, j, k])
        } } }
        #expect(p.scalars.prefix(6) == [0, 4, 8, 12, 16, 20])
        // Identity permutation.
        #expect(iota.permuted([0, 1, 2]).scalars == iota.scalars)
    }

    @Test func transposed() {
        let m = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        expectClose(m.transposed(), Tensor(shape: [3, 2], scalars: [1, 4, 2, 5, 3, 6]), tolerance: Tolerance.exact)
        let t = iota.transposed()            // last two axes: [2, 4, 3]
        #expect(t.shape == [2, 4, 3])
        #expect(t[1, 3, 2] == iota[1, 2, 3])
        let u = iota.transposed(0, 2)        // [4, 3, 2]
        #expect(u.shape == [4, 3, 2])
        #expect(u[3, 1, 0] == iota[0, 1, 3])
        #expect(u[1, 2, 1] == iota[1, 2, 1])
    }

    @Test func concatenateAlongEachAxis() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = Tensor(shape: [1, 2], scalars: [5, 6])
        let c = Tensor(shape: [2, 3], scalars: [7, 8, 9, 10, 11, 12])
        expectClose(Tensor.concatenate([a, b], alongAxis: 0),
                    Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), tolerance: Tolerance.exact)
        expectClose(Tensor.concatenate([a, c], alongAxis: 1),
                    Tensor(shape: [2, 5], scalars: [1, 2, 7, 8, 9, 3, 4, 10, 11, 12]), tolerance: Tolerance.exact)
        expectClose(Tensor.concatenate([c, a, a], alongAxis: -1),
                    Tensor(shape: [2, 7], scalars: [7, 8, 9, 1, 2, 1, 2, 10, 11, 12, 3, 4, 3, 4]),
                    tolerance: Tolerance.exact)
        // Middle axis of rank-3 tensors.
        let x = Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
        let y = Tensor(shape: [2, 2, 2], scalars: [5, 6, 7, 8, 9, 10, 11, 12])
        expectClose(Tensor.concatenate([x, y], alongAxis: 1),
                    Tensor(shape: [2, 3, 2], scalars: [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]),
                    tolerance: Tolerance.exact)
    }

    @Test func splittingHeadsLayout() {
        // [B, T, C] = [2, 3, 4] with H = 2, D = 2: head h gets features h*D..<(h+1)*D.
        let heads = iota.splittingHeads(2)
        #expect(heads.shape == [2, 2, 3, 2])
        for b in 0..<2 { for h in 0..<2 { for t in 0..<3 { for d in 0..<2 {
            #expect(heads[b, h, t, d] == iota[b, t, h * 2 + d])
        } } } }
        // Spot check by hand: batch 0, head 1, step 2 -> features 2 and 3 of iota[0, 2, :] = [8, 9, 10, 11].
        #expect([heads[0, 1, 2, 0], heads[0, 1, 2, 1]] == [10, 11])
    }

    @Test func mergingHeadsInvertsSplitting() {
        for headCount in [1, 2, 4] {
            let merged = iota.splittingHeads(headCount).mergingHeads()
            #expect(merged.shape == iota.shape)
            #expect(merged.scalars == iota.scalars)
        }
        let bhtd = Tensor(shape: [2, 2, 3, 2], scalars: (0..<24).map(Float.init))
        let roundTrip = bhtd.mergingHeads().splittingHeads(2)
        #expect(roundTrip.shape == bhtd.shape)
        #expect(roundTrip.scalars == bhtd.scalars)
        // Merged feature h*D + d at step t comes from head h.
        let merged = bhtd.mergingHeads()
        #expect(merged.shape == [2, 3, 4])
        #expect(merged[1, 2, 3] == bhtd[1, 1, 2, 1])
    }

    @Test func gradients() {
        let x = randomTensor([2, 3, 4], seed: 31)
        expectGradientsMatch([x]) { weightedSum($0[0].reshaped([4, -1])) }
        expectGradientsMatch([x]) { weightedSum($0[0].permuted([2, 0, 1])) }
        expectGradientsMatch([x]) { weightedSum($0[0].permuted([1, 2, 0])) }
        expectGradientsMatch([x]) { weightedSum($0[0].transposed()) }
        expectGradientsMatch([x]) { weightedSum($0[0].transposed(0, 1)) }
        expectGradientsMatch([x]) { weightedSum($0[0].splittingHeads(2)) }
        let bhtd = randomTensor([2, 2, 3, 2], seed: 32)
        expectGradientsMatch([bhtd]) { weightedSum($0[0].mergingHeads()) }
    }

    @Test(arguments: [0, 1, 2])
    func concatenateGradients(axis: Int) {
        var small = [2, 3, 2], large = [2, 3, 2]
        small[axis] = 1
        large[axis] = 3
        let a = randomTensor(small, seed: 33), b = randomTensor(large, seed: 34), c = randomTensor(small, seed: 35)
        expectGradientsMatch([a, b, c]) { weightedSum(Tensor.concatenate($0, alongAxis: axis)) }
    }

    @Test func concatenateGivesEachInputItsSlice() {
        let a = Tensor.zeros([1, 2], requiresGradient: true)
        let b = Tensor.zeros([1, 3], requiresGradient: true)
        let weights = Tensor(shape: [1, 5], scalars: [1, 2, 3, 4, 5])
        (Tensor.concatenate([a, b], alongAxis: 1) * weights).sum().backward()
        #expect(a.gradientScalars == [1, 2])
        #expect(b.gradientScalars == [3, 4, 5])
    }
}
