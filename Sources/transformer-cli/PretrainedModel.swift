import Foundation
import TransformerCore

/// `--model DIR`: a Hugging Face MarianMT (opus-mt) directory with its tokenizers, for `translate`,
/// `evaluate` and `plot-attention` (the alternative to `--checkpoint`).
///
/// Decoding is transformers' `generate` (``HuggingFaceGenerator``) with the settings of the directory's
/// `generation_config.json`, except: greedy unless `--beam N` (N > 1) is given; `--alpha`, when given, is
/// transformers' `length_penalty` (beam scores are sum log p / L^alpha, not GNMT's); `--max-len`, when given,
/// is `max_new_tokens` (output tokens, `</s>` included).
struct PretrainedModel {
    let path: String
    let marian: MarianModel
    let source: MarianTokenizer
    let target: MarianTokenizer

    static func load(_ path: String) throws -> PretrainedModel {
        let marian = try MarianModel.load(directory: URL(fileURLWithPath: path, isDirectory: true))
        let (source, target) = try MarianTokenizer.load(for: marian)
        return PretrainedModel(path: path, marian: marian, source: source, target: target)
    }

    /// The generation settings for the decoding flags (see the type's documentation).
    func settings(_ decoding: DecodingOptions) -> HuggingFaceGenerationSettings {
        var settings = marian.generationSettings
        settings.beamCount = decoding.beamWidth
        if decoding.alphaGiven { settings.lengthPenalty = Double(decoding.alpha) }
        if let maximum = decoding.maximumLength { settings.maximumNewTokens = maximum }
        return settings
    }

    /// "greedy decoding" or "beam search (width 4, length penalty 1.0)".
    static func describe(_ settings: HuggingFaceGenerationSettings) -> String {
        settings.beamCount == 1 ? "greedy decoding"
            : "beam search (width \(settings.beamCount), length penalty \(settings.lengthPenalty))"
    }

    /// Refuses a text longer than the model's positions (transformers would fail indexing them).
    func checkLength(_ text: String, place: String) throws {
        let count = source.encodeForModel(text).count
        let maximum = marian.configuration.maximumPositions
        if count > maximum {
            throw CommandFailure("\(place): \(count) tokens with </s>, more than the \(maximum) positions of \(path)",
                                 status: ExitCode.dataError)
        }
    }

    /// Translates `texts` (an empty text gives an empty translation without the model). `logProbability`
    /// is log P(output | input) under the model (one teacher-forced pass, the raw distribution, not the
    /// processed one generate searched with).
    func translate(_ texts: [String], settings: HuggingFaceGenerationSettings, batchSize: Int = 16) throws -> [Translator.Translation] {
        let nonEmpty = texts.indices.filter { !texts[$0].isEmpty }
        let sources = nonEmpty.map { source.encodeForModel(texts[$0]) }
        let hypotheses = try marian.generate(sources, settings: settings, batchSize: batchSize)
        var results = texts.map {
            Translator.Translation(input: $0, output: "", tokens: [], ids: [], logProbability: 0, isComplete: true, unknownTokens: [])
        }
        let end = Set(settings.endTokens)
        for (position, index) in nonEmpty.enumerated() {
            let tokens = hypotheses[position].tokens
            let complete = tokens.last.map(end.contains) ?? false
            let ids = complete ? Array(tokens.dropLast()) : tokens
            let unknown = source.encodeReporting(texts[index]).unknown
            results[index] = Translator.Translation(
                input: texts[index], output: target.decode(tokens), tokens: target.pieces(for: ids), ids: ids,
                logProbability: logProbability(source: sources[position], output: tokens, start: settings.decoderStartToken),
                isComplete: complete, unknownTokens: unknown)
        }
        return results
    }

    /// Sum of log softmax of `output`'s tokens, teacher forced.
    func logProbability(source: [Int], output: [Int], start: Int) -> Float {
        guard !output.isEmpty else { return 0 }
        let logits = marian.model.inferring { marian.model(source: [source], targetInput: [[start] + output.dropLast()]) }
        let vocabulary = logits.shape[2]
        let scalars = logits.scalars
        var total: Double = 0
        for (step, token) in output.enumerated() {
            let row = scalars[(step * vocabulary)..<((step + 1) * vocabulary)]
            let maximum = Double(row.max() ?? 0)
            let sum = row.reduce(0.0) { $0 + exp(Double($1) - maximum) }
            total += Double(row[row.startIndex + token]) - maximum - log(sum)
        }
        return Float(total)
    }

    /// Generates for `text` with `settings`, then one teacher-forced pass for every attention map.
    func attentionReport(for text: String, settings: HuggingFaceGenerationSettings) throws -> AttentionReport {
        let translation = try translate([text], settings: settings)[0]
        let sourceIDs = source.encodeForModel(text)
        let decoderInput = Array(([settings.decoderStartToken] + translation.ids)
            .prefix(translation.ids.count + (translation.isComplete ? 1 : 0)))
        let output = marian.model.inferring { marian.model.forward(source: [sourceIDs], targetInput: [decoderInput]) }
        return AttentionReport(input: text, sourceTokens: source.encodePieces(text), output: translation.output,
                               outputTokens: translation.tokens, isComplete: translation.isComplete,
                               unknownTokens: translation.unknownTokens, attention: output.attention)
    }
}

/// The `--checkpoint` / `--model` pair: exactly one of the two.
enum ModelSource {
    case checkpoint(String)
    case pretrained(String)

    /// The --checkpoint path, nil with --model.
    var checkpointPath: String? {
        if case .checkpoint(let path) = self { return path }
        return nil
    }

    static let modelOption = OptionSpec.text("model", default: nil,
        help: "A Hugging Face MarianMT directory (opus-mt: config.json, model.safetensors, source.spm, target.spm, vocab.json) instead of --checkpoint.")
    /// `evaluate --model`: a MarianMT or a ViTForImageClassification directory.
    static let evaluateModelOption = OptionSpec.text("model", default: nil,
        help: "A Hugging Face MarianMT directory (opus-mt: config.json, model.safetensors, source.spm, target.spm, vocab.json) "
            + "or ViTForImageClassification directory (config.json, model.safetensors, preprocessor_config.json) instead of --checkpoint.")

    init(_ arguments: ParsedArguments) throws(UsageError) {
        switch (arguments.text("checkpoint"), arguments.text("model")) {
        case (let checkpoint?, nil): self = .checkpoint(checkpoint)
        case (nil, let model?): self = .pretrained(model)
        case (.some, .some): throw UsageError("--checkpoint and --model: give one of the two, not both")
        case (nil, nil): throw UsageError("missing --checkpoint or --model: give a checkpoint written by train or a MarianMT directory")
        }
    }
}

extension EvaluateCommand {
    /// `evaluate --model DIR`: the translation metrics of `evaluate` for a MarianMT directory.
    func evaluatePretrained(_ path: String) throws -> Int32 {
        let pretrained = try PretrainedModel.load(path)
        let maximum = pretrained.marian.configuration.maximumPositions - 1
        var (pairs, skipped) = try PairReading.read(dataPath, name: dataPath, sourceKind: nil, targetKind: nil,
                                                    maximumLength: maximum, skipInvalid: skipInvalid)
        let long = pairs.compactMap { pair -> LineProblem? in
            let counts = (pretrained.source.encodeIDs(pair.source).count, pretrained.target.encodeIDs(pair.target).count)
            if counts.0 > maximum { return LineProblem(line: pair.line, reason: .tooManyTokens(.source, count: counts.0, maximum: maximum)) }
            if counts.1 > maximum { return LineProblem(line: pair.line, reason: .tooManyTokens(.target, count: counts.1, maximum: maximum)) }
            return nil
        }
        if !long.isEmpty && !skipInvalid {
            var details = long.prefix(PairReading.shownProblems).map { problem -> String in
                guard case .tooManyTokens(let side, let count, _) = problem.reason else { return "\(dataPath):\(problem.line): \(problem.reason)" }
                return "\(dataPath):\(problem.line): \(side.rawValue) has \(count) tokens, more than the \(maximum) the model's "
                    + "\(maximum + 1) positions leave beside </s>"
            }
            if long.count > PairReading.shownProblems { details.append("... and \(long.count - PairReading.shownProblems) more") }
            let count = long.count == 1 ? "1 pair" : "\(TextFormatting.grouped(long.count)) pairs"
            throw CommandFailure(details: details, "\(dataPath): \(count) too long for \(path); shorten or "
                                 + "pass --skip-invalid to leave out", status: ExitCode.dataError)
        }
        try PairReading.leaveOut(long, from: &pairs, skipped: &skipped, name: dataPath, maximumLength: maximum)
        if let warning = PairReading.skipWarning(skipped, name: dataPath) { printError(warning) }
        let (source, target) = (pretrained.source, pretrained.target)
        var unknown = 0
        let examples = pairs.map { pair -> Example in
            let s = source.encodeIDs(pair.source), t = target.encodeIDs(pair.target)
            unknown += s.filter { $0 == source.specialTokens.unknown }.count + t.filter { $0 == target.specialTokens.unknown }.count
            return Example(source: s, target: t)
        }
        if unknown > 0 {
            printError("note: \(dataPath): \(TextFormatting.grouped(unknown)) tokens are not in the vocabularies of \(path); they map to <unk>")
        }
        let teacherForced = try teacherForcedMetrics(model: pretrained.marian.model, examples: examples, batchSize: .sentences(batchSize))
        let settings = pretrained.settings(decoding)
        let translations = try pretrained.translate(pairs.map { $0.source.trimmingCharacters(in: .whitespacesAndNewlines) },
                                                    settings: settings, batchSize: batchSize)
        let references = pairs.map { $0.target.trimmingCharacters(in: .whitespaces) }
        let referenceIDs = examples.map { $0.target.map { $0 == target.specialTokens.unknown ? -1 : $0 } }
        let outputs = translations.map(\.output)
        let scores = try Scores(outputs: outputs, outputIDs: translations.map(\.ids), references: references,
                                referenceIDs: referenceIDs, teacherForced: teacherForced)
        return report(scores, json: jsonObject(scores, pairs: pairs.count, skipped: skipped.count, unknown: unknown,
                                               beam: settings.beamCount, alpha: Float(settings.lengthPenalty)),
                      heading: "Evaluated \(path) on \(dataPath): \(TextFormatting.grouped(pairs.count)) pairs, \(PretrainedModel.describe(settings))",
                      pairs: pairs, outputs: outputs, references: references,
                      wrong: pairs.indices.filter { translations[$0].ids != referenceIDs[$0] })
    }
}

extension PlotAttentionCommand {
    /// `plot-attention --model DIR`: greedy generate, one forward pass, the same pictures.
    func plotPretrained(_ path: String) throws -> Int32 {
        let pretrained = try PretrainedModel.load(path)
        let c = pretrained.marian.configuration
        if let layer, layer > c.layerCount {
            throw UsageError.invalidValue(option: "layer", expected: "an integer from 1 to \(c.layerCount) (the model's layers)", found: "\(layer)")
        }
        if let head, head > c.headCount {
            throw UsageError.invalidValue(option: "head", expected: "an integer from 1 to \(c.headCount) (the model's heads)", found: "\(head)")
        }
        try pretrained.checkLength(text, place: "--text")
        var settings = pretrained.marian.generationSettings
        settings.beamCount = 1
        if let maximumLength { settings.maximumNewTokens = maximumLength }
        let report = try pretrained.attentionReport(for: text, settings: settings)
        if !report.unknownTokens.isEmpty {
            printError("note: --text: " + TranslateCommand.unknownNote(report.unknownTokens) + "; labelled with their text")
        }
        print("Translation: \(report.caption(limit: 80))")
        try write(report, kinds: kind.map { [$0] } ?? AttentionKind.allCases, layerCount: c.layerCount)
        return ExitCode.success
    }
}
