import Foundation
import Testing
import TransformerCore

/// The tiny random MarianMT fixtures of `Tests/Fixtures/Marian/` (built by `Scripts/marian/make_fixtures.py`
/// with transformers 5.23 and torch 2.13) and what `transformers` computed on them (`expected.json`).
enum MarianFixtures {
    /// `Tests/Fixtures/Marian`, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()      // Pretrained
        .deletingLastPathComponent()      // TransformerCoreTests
        .deletingLastPathComponent()      // Tests
        .appendingPathComponent("Fixtures/Marian", isDirectory: true)

    /// F32 weights, SiLU ("swish"), shared vocabulary of 96, d_model 16, 2 layers, 4 heads, scaled embeddings.
    static let swish = "tiny-swish-f32"
    /// F16 weights, GELU, source vocabulary 80 and target vocabulary 100 (separate embeddings), 2 heads, no scaling.
    static let gelu = "tiny-gelu-f16-separate-vocab"
    /// BF16 weights, ReLU, d_model 8, 1 layer, an older export's names: no "model." prefix, every embedding
    /// alias and the sinusoid tables stored, no lm_head, no final_logits_bias.
    static let relu = "tiny-relu-bf16-legacy-names"
    static let all = [swish, gelu, relu]

    static func directory(_ name: String) -> URL { root.appendingPathComponent(name, isDirectory: true) }

    /// The parsed `expected.json` of a fixture.
    struct Expected {
        let sources: [[Int]]
        let decoderInput: [[Int]]
        let memoryShape: [Int], memory: [Float]
        let logitsShape: [Int], logits: [Float]
        /// case name -> (generate keyword arguments, per source: tokens and beam score).
        let cases: [String: (arguments: [String: Any], outputs: [(tokens: [Int], score: Float?)])]
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("expected.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let forced = try #require(json["teacher_forced"] as? [String: Any])
        let generate = try #require(json["generate"] as? [String: [String: Any]])
        func floats(_ value: Any?) -> [Float] { ((value as? [Double]) ?? []).map(Float.init) }
        var cases: [String: (arguments: [String: Any], outputs: [(tokens: [Int], score: Float?)])] = [:]
        for (key, value) in generate {
            let outputs = (value["outputs"] as? [[String: Any]] ?? []).map { row in
                (tokens: row["tokens"] as? [Int] ?? [], score: (row["score"] as? Double).map(Float.init))
            }
            cases[key] = (value["arguments"] as? [String: Any] ?? [:], outputs)
        }
        return Expected(sources: try #require(json["sources"] as? [[Int]]),
                        decoderInput: try #require(forced["decoder_input"] as? [[Int]]),
                        memoryShape: try #require(forced["memory_shape"] as? [Int]), memory: floats(forced["memory"]),
                        logitsShape: try #require(forced["logits_shape"] as? [Int]), logits: floats(forced["logits"]),
                        cases: cases)
    }

    /// `settings` with a case's `generate` keyword arguments applied, as `transformers` applies them.
    static func settings(_ base: HuggingFaceGenerationSettings, arguments: [String: Any]) -> HuggingFaceGenerationSettings {
        var s = base
        if let beams = arguments["num_beams"] as? Int { s.beamCount = beams }
        if let penalty = arguments["length_penalty"] as? Double { s.lengthPenalty = penalty }
        if let tokens = arguments["max_new_tokens"] as? Int { s.maximumNewTokens = tokens }
        if let early = arguments["early_stopping"] {
            if let text = early as? String, text == "never" { s.earlyStopping = .never }
            else if let flag = early as? Bool { s.earlyStopping = flag ? .whenFull : .heuristic }
        }
        return s
    }
}
