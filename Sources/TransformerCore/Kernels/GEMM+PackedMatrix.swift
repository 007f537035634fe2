/// A B operand packed once for many GEMMs: decoding multiplies every step's few rows by the same weight
/// matrices, and packing a weight on every call (for m = 1...64 rows) cost about as much as the product.
extension Kernels {
    /// op(B) laid out as ``packB(_:block:)`` lays out one column block holding every panel, for one
    /// micro-kernel width and one depth blocking. Immutable once built; ``Tensor`` keeps one per weight
    /// and rebuilds it when the weight's values change.
    final class PackedMatrix: @unchecked Sendable {   // immutable after init; workers only read it
        let transposed: Bool
        let n: Int, k: Int
        let columns: Int
        let depth: Int
        /// The ``Tensor/version`` of the values it was packed from.
        let version: Int
        private let storage: UnsafeMutablePointer<Float>

        /// Packs op(B) (B `[k, n]` with row stride `ldb`, or B `[n, k]` when `transposed`) for `kernel`
        /// with k blocks of `depth`.
        init(b: UnsafePointer<Float>, ldb: Int, transposed: Bool, n: Int, k: Int, kernel: MicroKernel, depth: Int,
             version: Int) {
            precondition(n > 0 && k > 0 && depth > 0, "PackedMatrix needs n, k, depth > 0, got \(n), \(k), \(depth)")
            (self.transposed, self.n, self.k, self.columns, self.depth, self.version) =
                (transposed, n, k, kernel.columns, depth, version)
            let panelCount = (n + kernel.columns - 1) / kernel.columns
            storage = .allocate(capacity: panelCount * kernel.columns * k)
            let operands = GEMMOperands(transposeA: false, transposeB: transposed, m: 0, n: n, k: k, a: b, lda: 1,
                                        b: b, ldb: ldb, c: storage, ldc: 1, accumulate: false)
            packB(operands, block: PanelBlock(panels: 0..<panelCount, width: kernel.columns, depth: depth,
                                              packedB: storage))
        }

        deinit { storage.deallocate() }

        /// Whether these panels are what a GEMM with operands `g`, run with `kernel` and `depth`, would pack.
        func fits(_ g: GEMMOperands, kernel: MicroKernel, depth: Int) -> Bool {
            g.transposeB == transposed && g.n == n && g.k == k && kernel.columns == columns && depth == self.depth
        }

        func matches(transposed: Bool, n: Int, k: Int, kernel: MicroKernel, depth: Int, version: Int) -> Bool {
            transposed == self.transposed && n == self.n && k == self.k && kernel.columns == columns
                && depth == self.depth && version == self.version
        }

        func withPanels<R>(_ body: (UnsafeMutablePointer<Float>) -> R) -> R {
            withExtendedLifetime(self) { body(storage) }
        }
    }
}

extension Tensor {
    /// This 2-D tensor as the B operand of a GEMM with `m` rows of A (B^T when `transposed`: W of a Linear
    /// layer, `[out, in]`), packed for the kernel and blocking that GEMM will use. Cached on the tensor
    /// until its values change (``version``), so repeated products with the same weight pack it once.
    func packedGEMMOperand(transposed: Bool, m: Int) -> Kernels.PackedMatrix? {
        precondition(rank == 2, "packedGEMMOperand needs a matrix, got \(shape)")
        let (n, k) = transposed ? (shape[0], shape[1]) : (shape[1], shape[0])
        guard m > 0, n > 0, k > 0 else { return nil }
        let options = GEMMOptions()
        let kernel = options.implementation.microKernel(m: m, n: n, backend: options.backend)
        let depth = Kernels.blockDepth(k: k, options: options)
        if let cached = packedCache,
           cached.matches(transposed: transposed, n: n, k: k, kernel: kernel, depth: depth, version: version) {
            return cached
        }
        let packed = scalars.withUnsafeBufferPointer { b in
            Kernels.PackedMatrix(b: b.baseAddress!, ldb: shape[1], transposed: transposed, n: n, k: k, kernel: kernel,
                                 depth: depth, version: version)
        }
        packedCache = packed
        return packed
    }
}
