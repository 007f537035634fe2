import Foundation
import Testing
@testable import TransformerCore
@testable import transformer_cli

/// `transformer-cli bench` as a process. Debug builds are slow (tiny trains at ~1.3 s a step and decodes
/// in ~3 s each way), so the runs here are the smallest that still exercise every path.
@Suite("transformer-cli bench")
struct CLIBenchTests {
    /// torch_ref.py's training fields, which Scripts/bench-vs-pytorch.sh reads from both sides.
    static let trainingFields = ["config", "threads", "train_tokens_per_s", "step_ms_median", "step_ms_p10",
                                 "step_ms_p90", "fwd_ms_median", "bwd_ms_median", "clip_opt_ms_median",
                                 "peak_rss_mb", "params", "tokens_per_step", "loss_first", "loss_last"]

    static func object(_ run: CLIRun, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let lines = run.standardOutput.split(separator: "\n")
        #expect(lines.count == 1, "\(run)", sourceLocation: sourceLocation)
        let json = try JSONSerialization.jsonObject(with: Data(String(lines.first ?? "").utf8))
        return try #require(json as? [String: Any], "\(run)", sourceLocation: sourceLocation)
    }

    @Test(.timeLimit(.minutes(2)))
    func tinyTrainingPrintsOneJSONLine() throws {
        let run = try CLITool.run(["bench", "--config", "tiny", "--steps", "2", "--warmup", "0", "--threads", "1",
                                   "--no-infer", "--json"])
        #expect(run.status == 0, "\(run)")
        let object = try Self.object(run)
        for field in Self.trainingFields { #expect(object[field] != nil, "\(field) missing: \(run)") }
        #expect(object["config"] as? String == "tiny")
        #expect(object["threads"] as? Int == 1)
        #expect(object["kernels"] as? String == KernelBackend.fastest.rawValue)
        // Model FLOP utilisation: tiny's 3 forward passes (BenchCommand+FLOPs.swift) over the step time,
        // against the peak measured after the steps.
        let step = try #require(object["step_ms_median"] as? Double) / 1e3
        let gflops = try #require(object["train_gflops_per_s"] as? Double)
        let expected = 6 * Double(BenchArch.translate.forwardMultiplyAdds(.tiny)) / step / 1e9
        // 1% for the step time's rounding to 1 us, plus the JSON's rounding of GFLOP/s to 0.01 (under load
        // tiny runs at a few GFLOP/s, where that rounding alone is more than 0.1%).
        #expect(abs(gflops - expected) <= 0.01 * expected + 0.005, "\(gflops) vs \(expected)")
        let peak = try #require(object["fma_peak_gflops_per_s"] as? Double)
        let fraction = try #require(object["peak_fraction"] as? Double)
        // (Within the JSON's rounding: GFLOP/s to 0.01, the fraction to 1e-4, the peak to 0.1.)
        #expect(peak > 0 && abs(fraction * peak - gflops) <= 0.01 + 1e-4 * peak + 0.01 * gflops,
                "\(fraction) vs \(gflops) / \(peak)")
        #expect(object["params"] as? Int == 62_624, "torch_ref.py's count for tiny")
        #expect(object["tokens_per_step"] as? Int == 64 * 16)
        #expect(object["steps"] as? Int == 2)
        #expect(object["infer_kv_tokens_per_s"] == nil, "--no-infer still decoded: \(run)")
        #expect(object["arch"] == nil, "translate's line stays torch_ref.py's: \(run)")
        #expect((object["train_tokens_per_s"] as? Double ?? 0) > 0)
        #expect(run.standardError.contains("step 2/2"), "progress goes to stderr: \(run)")
    }

    /// One pre-norm block of tiny (d 32, d_ff 128) without cross-attention: q, k, v, o with biases, the
    /// FFN, two LayerNorms.
    static let tinyBlockParameters = 4 * (32 * 32 + 32) + (2 * 32 * 128 + 128 + 32) + 2 * 2 * 32

    /// `--arch lm`: the decoder-only LanguageModel, trained on next-token windows, then greedy
    /// generation with and without the cache, which must agree.
    @Test(.timeLimit(.minutes(2)))
    func tinyLanguageModelPrintsOneJSONLine() throws {
        let run = try CLITool.run(["bench", "--arch", "lm", "--config", "tiny", "--steps", "2", "--warmup", "0",
                                   "--threads", "1", "--infer-reps", "1", "--json"])
        #expect(run.status == 0, "\(run)")
        let object = try Self.object(run)
        for field in Self.trainingFields + ["infer_tokens_per_s", "infer_kv_tokens_per_s", "infer_ms_median",
                                            "infer_kv_ms_median"] {
            #expect(object[field] != nil, "\(field) missing: \(run)")
        }
        #expect(object["arch"] as? String == "lm")
        #expect(object["config"] as? String == "tiny")
        // Embedding V d, 2 blocks, the final LayerNorm, projection V d + V (V 32, d 32): also
        // Scripts/bench_families_torch.py's count for tiny.
        #expect(object["params"] as? Int == 32 * 32 + 2 * Self.tinyBlockParameters + 2 * 32 + 32 * 32 + 32)
        #expect(object["params"] as? Int == 27_552)
        #expect(object["tokens_per_step"] as? Int == 64 * 16, "target tokens B x tgt_len")
        #expect(object["infer_generated_tokens"] as? Int == 64 * 16)
        #expect(object["infer_reps"] as? Int == 1)
        #expect(object["infer_kv_matches_nocache"] as? Bool == true, "\(run)")
        #expect((object["loss_first"] as? Double ?? 0) > 3, "about ln 32 at the start: \(run)")
        #expect(run.standardError.contains("[tiny lm t=1] step 2/2"), "\(run)")
    }

    /// `--arch classify`: the EncoderClassifier ([CLS] pooling, 2 classes), then timed forward passes.
    @Test(.timeLimit(.minutes(2)))
    func tinyClassifierPrintsOneJSONLine() throws {
        let run = try CLITool.run(["bench", "--arch", "classify", "--config", "tiny", "--steps", "2", "--warmup", "0",
                                   "--threads", "1", "--infer-reps", "1", "--json"])
        #expect(run.status == 0, "\(run)")
        let object = try Self.object(run)
        for field in Self.trainingFields + ["infer_tokens_per_s", "infer_ms_median"] {
            #expect(object[field] != nil, "\(field) missing: \(run)")
        }
        #expect(object["arch"] as? String == "classify")
        // Embedding V d, the [CLS] vector d, 2 blocks, the final LayerNorm, head 2 d + 2 (V 32, d 32):
        // also Scripts/bench_families_torch.py's count for tiny.
        #expect(object["params"] as? Int == 32 * 32 + 32 + 2 * Self.tinyBlockParameters + 2 * 32 + 2 * 32 + 2)
        #expect(object["params"] as? Int == 26_594)
        #expect(object["tokens_per_step"] as? Int == 64 * 16, "input tokens B x src_len")
        #expect(object["infer_tokens"] as? Int == 64 * 16)
        #expect(object["infer_reps"] as? Int == 1)
        #expect(object["infer_kv_tokens_per_s"] == nil && object["infer_generated_tokens"] == nil, "no decoding: \(run)")

        let table = try CLITool.run(["bench", "--arch", "classify", "--steps", "1", "--warmup", "0", "--threads", "1",
                                     "--no-infer"])
        #expect(table.status == 0, "\(table)")
        #expect(table.standardOutput.hasPrefix("bench --config tiny --arch classify, 1 thread,"), "\(table)")
        #expect(table.standardOutput.contains("rates in input tokens per second"), "\(table)")
        #expect(!table.standardOutput.contains("infer_"), "--no-infer still classified: \(table)")
    }

    @Test(.timeLimit(.minutes(1)))
    func gemmPrintsGigaflops() throws {
        let run = try CLITool.run(["bench", "--gemm", "--gemm-max", "64", "--json"])
        #expect(run.status == 0, "\(run)")
        let object = try Self.object(run)
        let rows = try #require(object["gemm"] as? [[String: Any]], "\(run)")
        #expect(rows.count == 1 && rows.first?["m"] as? Int == 64, "\(run)")
        #expect((rows.first?["gflops"] as? Double ?? 0) > 0, "\(run)")

        let table = try CLITool.run(["bench", "--gemm", "--gemm-max", "64", "--threads", "1"])
        #expect(table.status == 0, "\(table)")
        #expect(table.standardOutput.contains("64x64x64"), "\(table)")
        #expect(table.standardOutput.hasPrefix("GEMM kernel (\(KernelBackend.fastest) backend), 1 thread,"), "\(table)")
    }

    /// `--peak` measures every backend this CPU runs, on 1 thread and on all cores.
    @Test(.timeLimit(.minutes(1)))
    func peakMeasuresEveryBackend() throws {
        let run = try CLITool.run(["bench", "--peak", "--json", "--threads", "1"])
        #expect(run.status == 0, "\(run)")
        let rows = try #require(try Self.object(run)["peak"] as? [[String: Any]], "\(run)")
        #expect(rows.compactMap { $0["kernels"] as? String } == KernelBackend.supported.map(\.rawValue), "\(run)")
        #expect(rows.allSatisfy { ($0["gflops"] as? Double ?? 0) > 0 && $0["threads"] as? Int == 1 }, "\(run)")
        let mixed = try CLITool.run(["bench", "--peak", "--gemm"])
        #expect(mixed.status == 64 && mixed.standardError == "error: --gemm: cannot be combined with --peak; give one of them\n",
                "\(mixed)")
    }

    /// TRANSFORMERCORE_KERNELS picks the kernels any command runs (bench reports which), and a value the
    /// CPU cannot run, or no backend's name, stops the command with one line before it does anything.
    @Test(.timeLimit(.minutes(1)))
    func theKernelsEnvironmentVariableIsObeyedOrRefused() throws {
        let portable = try CLITool.run(["bench", "--gemm", "--gemm-max", "64", "--json"],
                                       environment: ["TRANSFORMERCORE_KERNELS": "portable"])
        #expect(portable.status == 0, "\(portable)")
        #expect(try Self.object(portable)["kernels"] as? String == "portable")
        let unknown = try CLITool.run(["model"], environment: ["TRANSFORMERCORE_KERNELS": "sse9"])
        #expect(unknown.status == 64 && unknown.standardOutput.isEmpty, "\(unknown)")
        #expect(unknown.standardError == "error: TRANSFORMERCORE_KERNELS=sse9: expected one of auto, avx512, avx2, portable\n")
        for backend in KernelBackend.allCases where !backend.isSupported {
            let refused = try CLITool.run(["model"], environment: ["TRANSFORMERCORE_KERNELS": backend.rawValue])
            #expect(refused.status == 64, "\(refused)")
            #expect(refused.standardError.hasPrefix("error: TRANSFORMERCORE_KERNELS=\(backend): this CPU cannot run"), "\(refused)")
        }
    }

    /// `--threads` reaches every GEMM through the task-local limit, and only inside its scope.
    @Test func threadLimitIsScoped() {
        #expect(GEMMOptions().maximumThreads == nil)
        ComputeThreads.$limit.withValue(1) {
            #expect(GEMMOptions().maximumThreads == 1)
            #expect(ComputeThreads.effective == 1)
        }
        #expect(GEMMOptions().maximumThreads == nil)
    }

    static let badLines: [(arguments: [String], message: String)] = [
        (["--config", "huge"], "error: --config: expected one of tiny, small, medium, base, got 'huge'"),
        (["--steps", "0"], "error: --steps: expected an integer from 1 to 1000000, got 0"),
        (["--threads", "0"], "error: --threads: expected an integer from 1 to 1024, got 0"),
        (["--gemm", "--steps", "2"], "error: --steps: cannot be combined with --gemm; give one of them"),
        (["--gemm-max", "64"], "error: --gemm-max: only applies with --gemm"),
        (["--arch", "gpt"], "error: --arch: expected one of translate, lm, classify, got 'gpt'"),
        (["--gemm", "--arch", "lm"], "error: --arch: cannot be combined with --gemm; give one of them"),
    ]

    @Test(arguments: badLines)
    func badFlagsExit64WithOneLine(arguments: [String], message: String) throws {
        let run = try CLITool.run(["bench"] + arguments)
        #expect(run.status == 64, "\(run)")
        #expect(run.standardOutput.isEmpty, "\(run)")
        #expect(run.errorLines == [message], "\(run)")
    }
}
