import Foundation

extension HuggingFaceGenerationSettings {
    /// Reads the settings `transformers` would use from a model directory's `generation_config.json`
    /// (`GenerationConfig.from_pretrained`): each key there, `GenerationConfig`'s default for a key it lacks.
    /// The special ids it lacks come from `config.json` (`model`), as `generate` falls back to the model's
    /// configuration for them. Without a `generation_config.json`, pass nil for `url`: everything then comes
    /// from `config.json` (`GenerationConfig.from_model_config`), where Marian sets `num_beams`,
    /// `max_length`, `bad_words_ids` and the forced end token in older exports.
    ///
    /// Keys read: num_beams, max_length, max_new_tokens, min_length, length_penalty, early_stopping (true,
    /// false or "never"), decoder_start_token_id, eos_token_id, pad_token_id, forced_eos_token_id,
    /// bad_words_ids, renormalize_logits. `do_sample` true is an error (sampling is not implemented).
    static func read(generationConfig url: URL?, modelConfig: URL, model: MarianConfiguration) throws(CheckpointError) -> Self {
        let json = try HuggingFaceJSON(contentsOf: url ?? modelConfig,
                                       holding: url == nil ? "a Hugging Face config.json" : "a Hugging Face generation_config.json")
        var s = HuggingFaceGenerationSettings(decoderStartToken: try json.integer("decoder_start_token_id") ?? model.decoderStartToken,
                                              endTokens: try json.integers("eos_token_id") ?? model.endTokens,
                                              paddingToken: try json.integer("pad_token_id") ?? model.padToken)
        if let value = try json.integer("num_beams") { s.beamCount = value }
        if let value = try json.integer("max_length") { s.maximumLength = value }
        s.maximumNewTokens = try json.integer("max_new_tokens")
        if let value = try json.integer("min_length") { s.minimumLength = value }
        if let value = try json.number("length_penalty") { s.lengthPenalty = value }
        if let value = json["early_stopping"] {
            switch value {
            case .bool(true): s.earlyStopping = .whenFull
            case .bool(false): s.earlyStopping = .heuristic
            case .string("never"): s.earlyStopping = .never
            default: throw json.fail("early_stopping", expected: "true, false or \"never\"", found: value)
            }
        }
        s.forcedEndTokens = url == nil ? model.forcedEndTokens : try json.integers("forced_eos_token_id")
        s.badWordsIDs = try json.integerLists("bad_words_ids") ?? []
        s.renormalizeLogits = try json.bool("renormalize_logits") ?? false
        if try json.bool("do_sample") == true {
            throw CheckpointError(file: json.file, kind: .invalidConfiguration,
                                  detail: "\"do_sample\" is true, expected false (only greedy and beam search are implemented)")
        }
        for (key, value) in [("num_beams", s.beamCount), ("max_length", s.maximumLength), ("min_length", s.minimumLength)] where value < (key == "min_length" ? 0 : 1) {
            throw CheckpointError(file: json.file, kind: .invalidConfiguration,
                                  detail: "\"\(key)\" is \(value), expected at least \(key == "min_length" ? 0 : 1)")
        }
        return s
    }
}
