import Foundation
import TransformerCore

/// `transformer-cli evaluate`: scores a checkpoint on a pairs file with the usual translation metrics.
struct EvaluateCommand: Command {
    static let name = "evaluate"
    static let abstract = "Score a checkpoint on held-out data."
    static let discussion = """
        Translates every source of --data and compares the outputs with the targets: exact match (the \
        whole output right, token for token), character error rate and word error rate (edit distance \
        over reference length, summed over the corpus), corpus BLEU-4 as sacreBLEU computes it by \
        default (13a tokenization, exp smoothing; a corpus of single-word outputs scores 0) and corpus \
        chrF2, sacreBLEU's default chrF (character 6-grams without spaces, beta 2). Token \
        accuracy and the loss per token are teacher forced: each target token is predicted from the true \
        prefix. The file is read as in training: strict unless --skip-invalid, and a token the \
        vocabulary does not hold becomes <unk>.

        For a classifier (train --task classify), --data is 'label<TAB>text' lines: it prints accuracy, \
        macro-F1, per-class precision, recall and F1, and the confusion matrix. For a language model \
        (train --task lm), --data is a plain text: it prints the loss per token, perplexity and bits per \
        character. --json has accuracy, macro_f1 and confusion, or loss and perplexity.

        --model DIR scores a pretrained Hugging Face MarianMT directory (opus-mt) instead of \
        --checkpoint, with the same metrics: its tokenizers cut both sides (a reference piece missing from \
        vocab.json becomes <unk>), generation is transformers' generate as in translate --model (greedy \
        unless --beam), and token accuracy and loss are teacher forced from the decoder start token. \
        Scores compare the detokenized outputs with the references as written (trimmed).
        """

    static let options: [OptionSpec] = [
        .text("checkpoint", default: nil, help: "A checkpoint written by train."),
        ModelSource.modelOption,
        .text("data", default: nil, required: true,
              help: "Pairs to score, one 'source<TAB>target' a line (labelled texts or a plain text for other models)."),
    ] + DecodingOptions.all + [
        .integer("batch-size", in: ConfigurationOptions.sizes, default: 64, help: "Pairs run through the model at once."),
        .flag("skip-invalid", help: "Leave out invalid lines (and say how many) instead of stopping with exit 65."),
        .integer("errors", in: 0...1_000_000, default: 5, help: "Wrong translations listed after the table."),
        .flag("json", help: "Print the metrics as one JSON object instead of a table."),
        .text("confusion-plot", default: nil,
              help: "Classifier: also draw the confusion matrix into this .svg or .png file."),
    ]

    let model: ModelSource
    let dataPath: String
    let decoding: DecodingOptions
    let batchSize: Int
    let skipInvalid: Bool
    let errorCount: Int
    let json: Bool
    let confusionPlot: String?

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        model = try ModelSource(arguments)
        dataPath = arguments.text("data")!
        decoding = DecodingOptions(arguments)
        try decoding.check(model)
        batchSize = arguments.integer("batch-size")
        skipInvalid = arguments.flag("skip-invalid")
        errorCount = arguments.integer("errors")
        json = arguments.flag("json")
        confusionPlot = arguments.text("confusion-plot")
    }

    func validate() throws(UsageError) {
        try FigureFile.check(confusionPlot, option: "confusion-plot")
    }

    /// The --checkpoint path, or the --model directory.
    var checkpointPath: String {
        switch model {
        case .checkpoint(let path), .pretrained(let path): return path
        }
    }

    func run() throws -> Int32 {
        if case .pretrained(let path) = model { return try evaluatePretrained(path) }
        switch try FamilyCheckpoint.family(checkpointPath) {
        case .encoderClassifier: return try evaluateClassifier()
        case .decoderLanguageModel: return try evaluateLanguageModel()
        case .visionTransformer: return try evaluateImageClassifier()
        case .encoderDecoder: break
        }
        let checkpoint = try TrainedCheckpoint.load(checkpointPath)
        let model = checkpoint.model
        model.setTraining(false)
        let tokenizers = checkpoint.tokenizers
        let (pairs, skipped, encoded) = try CheckpointData.pairs(dataPath, checkpoint: checkpoint, skipInvalid: skipInvalid)

        let teacherForced = try teacherForcedMetrics(model: model, examples: encoded.examples, batchSize: .sentences(batchSize))
        let translations = try Translator(model: model, tokenizers: tokenizers)
            .translate(pairs.map(\.source), search: decoding.search,
                       maximumLength: decoding.maximumLength ?? model.maximumLength, batchSize: batchSize)
        let target = tokenizers.target
        // A reference token the vocabulary lacks can never be matched (it is not the <unk> a model may output).
        let referenceIDs = pairs.map { target.encodeIDs($0.target).map { $0 == target.specialTokens.unknown ? -1 : $0 } }
        // Scored against: a word or character tokenizer's tokens joined again (the text as the model sees it);
        // the text itself for subword tokenizers, whose output is detokenized text.
        let references = pairs.map { pair in
            target.vocabularyTokenizer.map { $0.tokens(pair.target).joined(separator: $0.kind.separator) }
                ?? pair.target.trimmingCharacters(in: .whitespaces)
        }
        let outputs = translations.map(\.output)
        let scores = try Scores(outputs: outputs, outputIDs: translations.map(\.ids), references: references,
                                referenceIDs: referenceIDs, teacherForced: teacherForced)

        return report(scores, json: jsonObject(scores, pairs: pairs.count, skipped: skipped.count, unknown: encoded.unknownTokens),
                      heading: "Evaluated \(checkpointPath) on \(dataPath): \(TextFormatting.grouped(pairs.count)) pairs, \(decoding.description)",
                      pairs: pairs, outputs: outputs, references: references,
                      wrong: pairs.indices.filter { translations[$0].ids != referenceIDs[$0] })
    }

    /// Prints a translation evaluation: the --json line, or the heading, the table of scores and the first
    /// --errors wrong outputs (`wrong`: their indices). Shared by checkpoints and `--model` directories.
    func report(_ scores: Scores, json object: @autoclosure () -> JSONLine.Value, heading: String, pairs: [TextPair],
                outputs: [String], references: [String], wrong: [Int]) -> Int32 {
        if json {
            print(JSONLine.render(object()))
            return ExitCode.success
        }
        print(heading)
        print(TextFormatting.table(scores.rows, rightAligned: [1]))
        if errorCount > 0 && !wrong.isEmpty {
            print("\nWrong (\(min(errorCount, wrong.count)) of \(TextFormatting.grouped(wrong.count))):")
            for index in wrong.prefix(errorCount) {
                print("  \(pairs[index].source) -> \(outputs[index])  (expected \(references[index]))")
            }
        }
        return ExitCode.success
    }

    /// `beam` and `alpha` (with --model: the beam count and transformers' length penalty used) default to the flags.
    func jsonObject(_ scores: Scores, pairs: Int, skipped: Int, unknown: Int, beam: Int? = nil, alpha: Float? = nil) -> JSONLine.Value {
        let beam = beam ?? decoding.beamWidth
        let key = if case .pretrained = model { "model" } else { "checkpoint" }
        return .object([
            (key, .string(checkpointPath)), ("data", .string(dataPath)), ("pairs", .integer(pairs)),
            ("skipped_lines", .integer(skipped)), ("unknown_source_and_target_tokens", .integer(unknown)),
            ("decoding", .string(beam == 1 && !decoding.refill ? "greedy" : "beam")), ("beam", .integer(beam)),
            ("alpha", JSONLine.number(alpha ?? decoding.alpha)), ("refill_beam", .bool(decoding.refill)),
            ("exact_match", .number(scores.exactMatch.value)), ("exact_matches", .integer(scores.exactMatch.correct)),
            ("token_accuracy", .number(scores.tokenAccuracy.value)), ("loss", JSONLine.number(scores.loss)),
            ("cer", .number(scores.characterErrorRate.value)), ("wer", .number(scores.wordErrorRate.value)),
            ("bleu", .number(scores.bleu.score)), ("chrf", .number(scores.chrF.score)),
        ])
    }
}

/// The metrics `evaluate` reports.
struct Scores {
    let exactMatch: Accuracy
    let tokenAccuracy: Accuracy
    let loss: Float
    let characterErrorRate: ErrorRate
    let wordErrorRate: ErrorRate
    let bleu: BLEU
    let chrF: CHRF

    /// Every translation metric of `outputs` against `references` (exact match by ids), with the
    /// teacher-forced loss and token accuracy: what `evaluate` prints for a checkpoint and a `--model`.
    init(outputs: [String], outputIDs: [[Int]], references: [String], referenceIDs: [[Int]],
         teacherForced: TeacherForcedReport) throws {
        exactMatch = try Accuracy.exactMatch(hypotheses: outputIDs, references: referenceIDs)
        tokenAccuracy = teacherForced.tokenAccuracy
        loss = teacherForced.loss
        characterErrorRate = try ErrorRate.characters(hypotheses: outputs, references: references)
        wordErrorRate = try ErrorRate.words(hypotheses: outputs, references: references)
        bleu = try BLEU.corpus(hypotheses: outputs, references: references)
        chrF = try CHRF.corpus(hypotheses: outputs, references: references)
    }

    /// The table rows: metric, value, note.
    var rows: [[String]] {
        func percent(_ value: Double) -> String { String(format: "%.2f%%", 100 * value) }
        let grouped = TextFormatting.grouped
        return [
            ["exact match", percent(exactMatch.value), "\(grouped(exactMatch.correct)) of \(grouped(exactMatch.total)) outputs"],
            ["token accuracy", percent(tokenAccuracy.value),
             "teacher forced, \(grouped(tokenAccuracy.total)) tokens with <eos>"],
            ["CER", percent(characterErrorRate.value),
             "\(grouped(characterErrorRate.edits)) edits / \(grouped(characterErrorRate.referenceLength)) characters"],
            ["WER", percent(wordErrorRate.value),
             "\(grouped(wordErrorRate.edits)) edits / \(grouped(wordErrorRate.referenceLength)) words"],
            ["BLEU-4", String(format: "%.2f", bleu.score), "corpus, sacreBLEU defaults (13a, exp smoothing)"],
            ["chrF2", String(format: "%.2f", chrF.score), "corpus, sacreBLEU defaults (character 6-grams, beta 2)"],
            ["loss", String(format: "%.4f", loss), "nats per token, teacher forced"],
        ]
    }
}
