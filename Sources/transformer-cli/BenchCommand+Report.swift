import Foundation
import TransformerCore

extension BenchCommand {
    /// The q-quantile with linear interpolation between order statistics (torch_ref.py's `pct`).
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let position = Double(sorted.count - 1) * q
        let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }

    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    /// The process's peak resident set (`ru_maxrss`, KiB on Linux) in MiB.
    static var peakResidentMegabytes: Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_maxrss) / 1024
    }

    /// The measured figures, named and rounded as torch_ref.py's JSON, in its order.
    static func fields(_ r: BenchResult) -> [(String, JSONLine.Value)] {
        let step = median(r.stepSeconds)
        var fields: [(String, JSONLine.Value)] = [
            ("config", .string(r.config)),
            ("threads", .integer(r.threads)),
            ("kernels", .string(r.kernels)),
            ("train_tokens_per_s", .number(rounded(Double(r.tokensPerStep) / step, 1))),
            ("step_ms_median", .number(rounded(step * 1e3, 3))),
            ("step_ms_p10", .number(rounded(percentile(r.stepSeconds, 0.1) * 1e3, 3))),
            ("step_ms_p90", .number(rounded(percentile(r.stepSeconds, 0.9) * 1e3, 3))),
            ("train_tokens_per_s_mean", .number(rounded(Double(r.tokensPerStep * r.stepSeconds.count)
                                                        / r.stepSeconds.reduce(0, +), 1))),
            ("fwd_ms_median", .number(rounded(median(r.forwardSeconds) * 1e3, 3))),
            ("bwd_ms_median", .number(rounded(median(r.backwardSeconds) * 1e3, 3))),
            ("clip_opt_ms_median", .number(rounded(median(r.clipOptimizerSeconds) * 1e3, 3))),
            ("train_gflops_per_s", .number(rounded(r.trainingFLOPsPerStep / step / 1e9, 2))),
            ("tokens_per_step", .integer(r.tokensPerStep)),
            ("steps", .integer(r.stepSeconds.count)),
            ("warmup", .integer(r.losses.count - r.stepSeconds.count)),
            ("loss_first", JSONLine.number(Float(rounded(Double(r.losses.first ?? .nan), 4)))),
            ("loss_last", JSONLine.number(Float(rounded(Double(r.losses.last ?? .nan), 4)))),
        ]
        if let arch = r.arch { fields.insert(("arch", .string(arch)), at: 1) }
        fields += forwardInferenceFields(r)
        if let inference = r.inference {
            let nocache = median(inference.nocacheSeconds), cached = median(inference.cachedSeconds)
            fields += [
                ("infer_tokens_per_s", .number(rounded(Double(inference.tokens) / nocache, 1))),
                ("infer_kv_tokens_per_s", .number(rounded(Double(inference.tokens) / cached, 1))),
                ("infer_ms_median", .number(rounded(nocache * 1e3, 3))),
                ("infer_kv_ms_median", .number(rounded(cached * 1e3, 3))),
                ("infer_generated_tokens", .integer(inference.tokens)),
                ("infer_reps", .integer(inference.nocacheSeconds.count)),
                ("infer_kv_matches_nocache", .bool(inference.matches)),
            ]
        }
        if let peak = r.peakGFLOPs {
            fields += [
                ("fma_peak_gflops_per_s", .number(rounded(peak, 1))),
                ("peak_fraction", .number(rounded(r.trainingFLOPsPerStep / step / 1e9 / peak, 4))),
            ]
        }
        fields += [
            ("peak_rss_mb", .number(rounded(peakResidentMegabytes, 1))),
            ("params", .integer(r.params)),
        ]
        return fields
    }

    static func jsonLine(_ r: BenchResult) -> String {
        JSONLine.render(.object(fields(r)))
    }

    /// The same figures as a two-column table.
    static func table(_ r: BenchResult) -> String {
        let rows = fields(r).map { name, value -> [String] in
            [name, JSONLine.render(value).replacingOccurrences(of: "\"", with: "")]
        }
        return "bench --config \(r.config), \(r.threads) thread\(r.threads == 1 ? "" : "s"), \(r.kernels) kernels "
            + "(times in ms, rates in target tokens per second):\n" + TextFormatting.table(rows, rightAligned: [1])
    }
}
