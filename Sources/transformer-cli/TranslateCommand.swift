import Foundation
import TransformerCore

/// `transformer-cli translate`: translates the texts given as arguments, or each line of standard input,
/// with a checkpoint written by `train`.
struct TranslateCommand: Command {
    static let name = "translate"
    static let abstract = "Translate texts with a checkpoint or an opus-mt model."
    static let discussion = """
        Translates each <text>, or when none is given each line of standard input, and prints one line \
        per input: the translation (or, with --json, a JSON object). Inputs are trimmed of surrounding \
        whitespace and cut into tokens as in training; a token the model's vocabulary does not hold \
        becomes <unk>, and a note on standard error says so. An empty input gives an empty output \
        without running the model. Decoding is greedy unless --beam is above 1.

        --model DIR translates with a pretrained Hugging Face MarianMT directory (an opus-mt model) \
        instead of --checkpoint: its SentencePiece tokenizers and vocab.json, and transformers' generate \
        with generation_config.json's settings, except that decoding is greedy unless --beam N is given, \
        --alpha (when given) is transformers' length_penalty and --max-len (when given) its \
        max_new_tokens. A text may start with a target-language code such as >>de<< for multilingual \
        models. With --json, log_probability is log P(output | input) under the model.
        """

    static let positional: PositionalSpec? = PositionalSpec(
        name: "text", help: "A text to translate; none: read standard input, one text a line.")

    static let options: [OptionSpec] = [
        .text("checkpoint", default: nil, help: "A checkpoint written by train (last or best.safetensors)."),
        ModelSource.modelOption,
    ] + DecodingOptions.all + [
        .flag("json", help: "Print one JSON object a line: input, output, tokens, ids, log_probability, complete, unknown_tokens."),
    ]

    let model: ModelSource
    var checkpointPath: String? { model.checkpointPath }
    let decoding: DecodingOptions
    let texts: [String]
    let json: Bool

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        model = try ModelSource(arguments)
        decoding = DecodingOptions(arguments)
        try decoding.check(model)
        texts = arguments.positionals
        json = arguments.flag("json")
    }

    func run() throws -> Int32 {
        if case .pretrained(let path) = model { return try runPretrained(path) }
        guard let checkpointPath else { return ExitCode.success }
        let checkpoint = try TrainedCheckpoint.load(checkpointPath)
        checkpoint.model.setTraining(false)
        let translator = Translator(model: checkpoint.model, tokenizers: checkpoint.tokenizers)
        // Inputs with where they came from, for messages: "argument 2" or "<stdin>:3".
        let inputs: [(text: String, place: String)]
        if texts.isEmpty {
            var lines: [(String, String)] = []
            while let line = readLine(strippingNewline: true) {
                lines.append((line, "<stdin>:\(lines.count + 1)"))
            }
            inputs = lines
        } else {
            inputs = texts.enumerated().map { ($0.element, "argument \($0.offset + 1)") }
        }
        let trimmed = inputs.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        let maximum = translator.maximumSourceTokens
        for (input, text) in zip(inputs, trimmed) {
            let count = checkpoint.tokenizers.source.encodeIDs(text).count
            if count > maximum {
                throw CommandFailure("\(input.place): \(count) \(checkpoint.tokenizers.source.name) tokens, "
                                     + "more than the \(maximum) the model was trained for (its --max-len)",
                                     status: ExitCode.dataError)
            }
        }
        // Empty inputs are answered without the model; the rest are decoded together.
        let nonEmpty = trimmed.indices.filter { !trimmed[$0].isEmpty }
        let decoded = try translator.translate(nonEmpty.map { trimmed[$0] }, search: decoding.search,
                                               maximumLength: decoding.maximumLength ?? checkpoint.model.maximumLength)
        var results = trimmed.map {
            Translator.Translation(input: $0, output: "", tokens: [], ids: [], logProbability: 0, isComplete: true,
                                   unknownTokens: [])
        }
        for (index, translation) in zip(nonEmpty, decoded) { results[index] = translation }
        for (input, result) in zip(inputs, results) where !result.unknownTokens.isEmpty {
            printError("note: \(input.place): " + Self.unknownNote(result.unknownTokens))
        }
        for (input, result) in zip(inputs, results) {
            print(json ? JSONLine.translation(result, input: input.text) : result.output)
        }
        return ExitCode.success
    }

    /// `--model DIR`: the same inputs and output lines, with a MarianMT directory.
    func runPretrained(_ path: String) throws -> Int32 {
        let pretrained = try PretrainedModel.load(path)
        let inputs = commandInputs(texts)
        let trimmed = inputs.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        for (input, text) in zip(inputs, trimmed) { try pretrained.checkLength(text, place: input.place) }
        let results = try pretrained.translate(trimmed, settings: pretrained.settings(decoding))
        for (input, result) in zip(inputs, results) where !result.unknownTokens.isEmpty {
            printError("note: \(input.place): " + Self.unknownNote(result.unknownTokens))
        }
        for (input, result) in zip(inputs, results) {
            print(json ? JSONLine.translation(result, input: input.text) : result.output)
        }
        return ExitCode.success
    }

    /// "2 unknown tokens ('ß', 'é') were translated as <unk>".
    static func unknownNote(_ tokens: [String]) -> String {
        let shown = tokens.prefix(5).map { UsageError.quoted($0) }.joined(separator: ", ")
        let more = tokens.count > 5 ? ", ..." : ""
        let count = tokens.count == 1 ? "1 unknown token" : "\(tokens.count) unknown tokens"
        return "\(count) (\(shown)\(more)) not in the model's vocabulary, read as <unk>"
    }
}

/// The decoding flags shared by `translate` and `evaluate`.
struct DecodingOptions {
    static let all: [OptionSpec] = [
        .integer("beam", in: 1...1000, default: 1, help: "Beam width; 1 is greedy decoding."),
        .number("alpha", .nonNegative, default: 0.6,
                help: "Beam search length penalty (GNMT): scores are log P / lp, lp = ((5 + |Y|) / 6)^alpha."),
        .flag("refill-beam", help: "Keep --beam hypotheses alive as some end (as fairseq and transformers do) "
                + "instead of narrowing the beam; with --beam 1 too."),
        .integer("max-len", in: 1...TransformerConfiguration.maximumSize, default: nil,
                 help: "Most output tokens, <eos> included; default and upper bound: the model's length."),
    ]

    let beamWidth: Int
    let alpha: Float
    /// Whether --alpha was typed (with --model it then replaces generation_config.json's length_penalty).
    let alphaGiven: Bool
    /// --refill-beam: ``BeamSearch/FinishedSlots/refill``.
    let refill: Bool
    let maximumLength: Int?

    init(_ arguments: ParsedArguments) {
        beamWidth = arguments.integer("beam")
        alpha = arguments.number("alpha")
        alphaGiven = arguments.isGiven("alpha")
        refill = arguments.flag("refill-beam")
        maximumLength = arguments.optionalInteger("max-len")
    }

    /// --refill-beam applies to checkpoints: a --model directory decodes as transformers does, whose beam
    /// always refills.
    func check(_ model: ModelSource) throws(UsageError) {
        if refill, case .pretrained = model {
            throw UsageError("--refill-beam: a --model directory always decodes as transformers does, whose beam is refilled; leave the flag out")
        }
    }

    var search: Translator.Search {
        beamWidth == 1 && !refill ? .greedy : .beam(width: beamWidth, alpha: alpha, refill: refill)
    }

    /// "greedy decoding", "beam search (width 4, alpha 0.6)" or "beam search (width 4, alpha 0.6, refilled)".
    var description: String {
        beamWidth == 1 && !refill ? "greedy decoding"
            : "beam search (width \(beamWidth), alpha \(alpha)\(refill ? ", refilled" : ""))"
    }
}
