import Foundation
import TransformerCore

extension BenchCommand {
    /// The shapes `bench --gemm` times: square 64 ... min(1024, maximum), then (when maximum >= 1024) the
    /// training products in the three ways training computes them (A B^T forward with a [out, in] weight,
    /// A B for the input gradient, A^T B for the weight gradient): base (B*T = 1024 rows, d_model 512,
    /// d_ff 2048), medium (2048 rows, 256 / 1024), base's 512-row batches, the vocabulary projections
    /// (2048 x 1000 x 256, 512 x 8000 x 512), and small's (1024 rows, 64 / 256) with its weight gradients
    /// dW = dy^T x (k = 1024 rows); then base's KV-cached decoding step, 8 rows (one new token per batch
    /// row) times each [out, in] weight: attention 512 x 512, feed-forward 2048 x 512 and 512 x 2048, the
    /// vocabulary 8000 x 512 (A B^T).
    static func gemmShapes(maximum: Int) -> [GEMMBenchmark] {
        let squares = sequence(first: 64) { $0 * 2 }.prefix { $0 <= 1024 }.map { GEMMBenchmark(m: $0, n: $0, k: $0) }
        let large = [(1024, 512, 2048), (1024, 2048, 512), (2048, 256, 1024), (2048, 1024, 256), (2048, 256, 256),
                     (512, 512, 2048), (512, 2048, 512), (2048, 1000, 256), (512, 8000, 512),
                     (1024, 64, 256), (1024, 256, 64), (1024, 64, 64)]
        let training = large.flatMap { (m, n, k) in
            [GEMMBenchmark(m: m, n: n, k: k), GEMMBenchmark(m: m, n: n, k: k, transposeB: true),
             GEMMBenchmark(m: m, n: n, k: k, transposeA: true)]
        }
        let weightGradients = [(64, 64), (256, 64), (64, 256), (256, 256)].map { (m, n) in
            GEMMBenchmark(m: m, n: n, k: 1024, transposeA: true)
        }
        let decoding = [(512, 512), (2048, 512), (512, 2048), (8000, 512)].map { (n, k) in
            GEMMBenchmark(m: 8, n: n, k: k, transposeB: true)
        }
        return squares.filter { $0.m <= maximum } + (maximum >= 1024 ? training + weightGradients + decoding : [])
    }

    func runGEMM() {
        let threads = ComputeThreads.effective
        var rows: [(GEMMBenchmark, Double)] = []
        for shape in Self.gemmShapes(maximum: gemmMaximum) {
            let (gflops, calls) = shape.run()
            printError("[gemm t=\(threads)] \(shape.label): " + String(format: "%.1f GFLOP/s (best of %d)", gflops, calls))
            rows.append((shape, gflops))
        }
        if json {
            print(JSONLine.render(.object([
                ("threads", .integer(threads)),
                ("kernels", .string(KernelBackend.current.rawValue)),
                ("gemm", .array(rows.map { shape, gflops in
                    .object([("m", .integer(shape.m)), ("n", .integer(shape.n)), ("k", .integer(shape.k)),
                             ("transpose_a", .bool(shape.transposeA)), ("transpose_b", .bool(shape.transposeB)),
                             ("gflops", .number(Self.rounded(gflops, 1)))])
                })),
            ])))
        } else {
            print("GEMM kernel (\(KernelBackend.current) backend), \(threads) thread\(threads == 1 ? "" : "s"), "
                  + "C[m, n] = op(A)[m, k] op(B)[k, n]:")
            let table = [["m x n x k", "op", "GFLOP/s"]] + rows.map { shape, gflops in
                let parts = shape.label.split(separator: " ", maxSplits: 1).map(String.init)
                return [parts[0], parts[1], String(format: "%.1f", gflops)]
            }
            print(TextFormatting.table(table, rightAligned: [2]))
        }
    }

    static func rounded(_ value: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
}
