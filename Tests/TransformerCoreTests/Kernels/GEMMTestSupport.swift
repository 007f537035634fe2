import Testing
@testable import TransformerCore

/// How op(A) and op(B) are stored: the four transpose combinations of ``Kernels/gemm``.
struct GEMMLayout: Sendable, CustomStringConvertible {
    let transposeA: Bool, transposeB: Bool
    static let all = [false, true].flatMap { a in [false, true].map { b in GEMMLayout(transposeA: a, transposeB: b) } }
    var description: String { "\(transposeA ? "Aᵀ" : "A")·\(transposeB ? "Bᵀ" : "B")" }
}

extension GEMMImplementation {
    /// The micro-kernels this CPU can run; each is compared with the reference.
    static let testable: [GEMMImplementation] =
        (Kernels.hasAVX512 ? [.avx512] : []) + (Kernels.hasAVX2FMA ? [.avx2] : []) + [.portable]
}

/// The tolerance of a GEMM against ``Kernels/referenceGemm``: both reassociate the same k + 1 terms
/// (k products, plus C when accumulating), and any order of summing n terms in Float32 is within
/// gamma(n) * sum|term| of the exact sum, gamma(n) = n u / (1 - n u), u = 2^-24 (Higham, Accuracy and
/// Stability of Numerical Algorithms, 3.1; FMA only removes roundings). So two results may differ by
///
///     |C - C_ref| <= 2 gamma(k + 1) (sum_p |op(A)[i, p]| |op(B)[p, j]| + |C0[i, j]|)  (+ underflow slack),
///
/// a bound per element that no reordering can break, while one missing, doubled or misplaced product
/// (a packing or edge bug) breaks it by orders of magnitude.
enum GEMMTolerance {
    static func gamma(_ n: Int) -> Double {
        let u = Double(Float.ulpOfOne) / 2
        return Double(n) * u / (1 - Double(n) * u)
    }

    /// The bound for element (i, j), given sum_p |a||b| and the initial |C0|.
    static func bound(depth k: Int, absoluteSum: Double, initial: Float) -> Float {
        Float(2 * gamma(k + 1) * (absoluteSum + Double(abs(initial)))) + Float.leastNormalMagnitude * Float(k + 1)
    }
}

/// A GEMM problem stored in buffers wider than the matrices (row strides lda, ldb, ldc with `padding`
/// extra columns), so that tests also see that only the addressed elements are read or written.
struct GEMMFixture {
    let layout: GEMMLayout
    let m: Int, n: Int, k: Int, padding: Int
    var a: [Float], b: [Float], c: [Float]
    let lda: Int, ldb: Int, ldc: Int
    /// Marks the padding of C, which must come back unchanged.
    static let sentinel: Float = -12345

    init(_ layout: GEMMLayout, m: Int, n: Int, k: Int, padding: Int = 0, seed: UInt64) {
        self.layout = layout
        (self.m, self.n, self.k, self.padding) = (m, n, k, padding)
        let (aRows, aColumns) = layout.transposeA ? (k, m) : (m, k)
        let (bRows, bColumns) = layout.transposeB ? (n, k) : (k, n)
        (lda, ldb, ldc) = (aColumns + padding, bColumns + padding, n + padding)
        a = randomTensor([max(aRows * lda, 1)], seed: seed).scalars
        b = randomTensor([max(bRows * ldb, 1)], seed: seed + 1).scalars
        c = randomTensor([max(m * ldc, 1)], seed: seed + 2).scalars
        for i in 0..<m { for j in n..<ldc { c[i * ldc + j] = Self.sentinel } }
    }

    /// op(A) element (i, p) and op(B) element (p, j).
    func opA(_ i: Int, _ p: Int) -> Float { layout.transposeA ? a[p * lda + i] : a[i * lda + p] }
    func opB(_ p: Int, _ j: Int) -> Float { layout.transposeB ? b[j * ldb + p] : b[p * ldb + j] }

    /// op(A) and op(B) copied out tightly, in the stored (untransposed) layout referenceGemm expects.
    var packedA: [Float] {
        let (rows, columns) = layout.transposeA ? (k, m) : (m, k)
        return (0..<rows).flatMap { r in a[(r * lda)..<(r * lda + columns)] }
    }
    var packedB: [Float] {
        let (rows, columns) = layout.transposeB ? (n, k) : (k, n)
        return (0..<rows).flatMap { r in b[(r * ldb)..<(r * ldb + columns)] }
    }

    /// Runs Kernels.gemm on the fixture and returns C.
    func run(accumulate: Bool, options: GEMMOptions?) -> [Float] {
        var c = self.c
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
            if let options {
                Kernels.gemm(transposeA: layout.transposeA, transposeB: layout.transposeB, m: m, n: n, k: k,
                             a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, c: c.baseAddress!, ldc: ldc,
                             accumulate: accumulate, options: options)
            } else {
                Kernels.gemm(transposeA: layout.transposeA, transposeB: layout.transposeB, m: m, n: n, k: k,
                             a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, c: c.baseAddress!, ldc: ldc,
                             accumulate: accumulate)
            }
        } } }
        return c
    }

    /// The reference result C_ref = op(A) op(B) (+ C) with each element's ``GEMMTolerance`` bound.
    func expectation(accumulate: Bool) -> (values: [Float], tolerances: [Float]) {
        let reference = Kernels.referenceGemm(transposeA: layout.transposeA, transposeB: layout.transposeB,
                                              m: m, n: n, k: k, a: packedA, b: packedB)
        var values = [Float](repeating: 0, count: m * n), tolerances = values
        for i in 0..<m {
            for j in 0..<n {
                let initial = accumulate ? c[i * ldc + j] : 0
                var absoluteSum = 0.0
                for p in 0..<k { absoluteSum += Double(abs(opA(i, p))) * Double(abs(opB(p, j))) }
                values[i * n + j] = reference[i * n + j] + initial
                tolerances[i * n + j] = GEMMTolerance.bound(depth: k, absoluteSum: absoluteSum, initial: initial)
            }
        }
        return (values, tolerances)
    }

    /// Compares gemm (with `options`, or the plain entry point when nil) with referenceGemm within
    /// ``GEMMTolerance``, and checks that C's padding is untouched. Returns false at the first mismatch.
    /// Pass `expected` to reuse one reference for several runs.
    @discardableResult
    func check(accumulate: Bool, options: GEMMOptions?, expected: (values: [Float], tolerances: [Float])? = nil,
               sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let actual = run(accumulate: accumulate, options: options)
        let expected = expected ?? expectation(accumulate: accumulate)
        let context = "\(layout) m \(m) n \(n) k \(k) pad \(padding) accumulate \(accumulate) " +
            "\(options.map { "\($0.implementation) depth \($0.blockDepth) rows \($0.blockRows)" } ?? "default")"
        for i in 0..<m {
            for j in 0..<ldc {
                let value = actual[i * ldc + j]
                guard j < n else {
                    if value != Self.sentinel {
                        Issue.record("C[\(i), \(j)] (padding) was written: \(value); \(context)",
                                     sourceLocation: sourceLocation)
                        return false
                    }
                    continue
                }
                let (reference, tolerance) = (expected.values[i * n + j], expected.tolerances[i * n + j])
                if !(abs(value - reference) <= tolerance) {
                    Issue.record("C[\(i), \(j)] = \(value), expected \(reference) ± \(tolerance); \(context)",
                                 sourceLocation: sourceLocation)
                    return false
                }
            }
        }
        return true
    }
}
