import TransformerCore

extension BenchCommand {
    /// `bench --peak`: the FMA peak of every kernel backend this CPU runs, on one thread and on the
    /// threads the other runs would use (``ComputeThreads/effective``).
    func runPeak() {
        let threadCounts = Array(Set([1, ComputeThreads.effective])).sorted()
        var rows: [(backend: KernelBackend, threads: Int, gflops: Double)] = []
        for backend in KernelBackend.supported {
            for threads in threadCounts {
                let gflops = FMAPeak.measure(threads: threads, backend: backend)
                printError("[peak \(backend) t=\(threads)] " + String(format: "%.1f GFLOP/s", gflops))
                rows.append((backend, threads, gflops))
            }
        }
        if json {
            print(JSONLine.render(.object([
                ("selected", .string(KernelBackend.current.rawValue)),
                ("peak", .array(rows.map { row in
                    .object([("kernels", .string(row.backend.rawValue)), ("threads", .integer(row.threads)),
                             ("gflops", .number(Self.rounded(row.gflops, 1)))])
                })),
            ])))
        } else {
            print("FMA peak, Float32 (12 independent multiply-add chains per thread; selected: \(KernelBackend.current)):")
            let table = [["kernels", "threads", "GFLOP/s"]]
                + rows.map { [$0.backend.summary, String($0.threads), String(format: "%.1f", $0.gflops)] }
            print(TextFormatting.table(table, rightAligned: [1, 2]))
        }
    }
}
