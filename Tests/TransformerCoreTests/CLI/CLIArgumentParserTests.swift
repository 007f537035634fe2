@testable import transformer_cli
import Testing
import TransformerCore

/// The parser and the dispatcher, in-process (no executable, no model built).
@Suite("transformer-cli argument parsing")
struct CLIArgumentParserTests {
    static let options: [OptionSpec] = [
        .integer("size", in: 1...100, default: 10, help: "A size."),
        .number("rate", .probability, default: 0.5, help: "A rate."),
        .choice("norm", TransformerConfiguration.NormPlacement.self, default: .pre, help: "A choice."),
        .flag("verbose", help: "A flag."),
        .text("path", default: nil, help: "A path."),
        .seed(default: 7, help: "A seed."),
    ]

    func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        try ArgumentParser.parse(arguments, options: Self.options, command: "test")
    }

    func error(_ arguments: [String]) -> String? {
        do {
            _ = try parse(arguments)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func defaultsFillIn() throws {
        let parsed = try parse([])
        #expect(parsed.integer("size") == 10)
        #expect(parsed.number("rate") == 0.5)
        #expect(parsed.choice("norm", as: TransformerConfiguration.NormPlacement.self) == .pre)
        #expect(parsed.flag("verbose") == false)
        #expect(parsed.text("path") == nil)
        #expect(parsed.unsignedInteger("seed") == 7)
        #expect(parsed.explicitlyGiven.isEmpty)
    }

    @Test func spacedAndEqualsFormsAgree() throws {
        let spaced = try parse(["--size", "3", "--rate", "0.25", "--norm", "post", "--verbose", "--path", "a b"])
        let inline = try parse(["--size=3", "--rate=0.25", "--norm=post", "--verbose", "--path=a b"])
        for parsed in [spaced, inline] {
            #expect(parsed.integer("size") == 3)
            #expect(parsed.number("rate") == 0.25)
            #expect(parsed.choice("norm", as: TransformerConfiguration.NormPlacement.self) == .post)
            #expect(parsed.flag("verbose"))
            #expect(parsed.text("path") == "a b")
            #expect(parsed.explicitlyGiven == ["size", "rate", "norm", "verbose", "path"])
        }
    }

    /// A repeated option must repeat its value: `--size 3 --size 4` is ambiguous (issue 6).
    @Test func repeatedOptionsMustAgreeAndValuesMayStartWithOneDash() throws {
        #expect(error(["--size", "3", "--size", "4"]) == "error: --size: given twice with different values, '3' and '4'; give it once")
        #expect(try parse(["--size", "3", "--size=3", "--verbose", "--verbose"]).integer("size") == 3)
        #expect(try parse(["--path", "-"]).text("path") == "-")
        #expect(try parse(["--path=--odd"]).text("path") == "--odd")
        #expect(try parse(["--seed", "18446744073709551615"]).unsignedInteger("seed") == .max)
    }

    @Test func badValuesNameTheOptionWhatItAcceptsAndWhatItGot() {
        #expect(error(["--size", "0"]) == "error: --size: expected an integer from 1 to 100, got 0")
        #expect(error(["--size", "+7x"]) == "error: --size: expected an integer from 1 to 100, got '+7x'")
        #expect(error(["--size", "-99999999999999999999"])
                == "error: --size: expected an integer from 1 to 100, got -99999999999999999999")
        #expect(error(["--size", "1.5"]) == "error: --size: expected an integer from 1 to 100, got '1.5'")
        #expect(error(["--size", ""]) == "error: --size: expected an integer from 1 to 100, got ''")
        #expect(error(["--size"]) == "error: --size: expected an integer from 1 to 100, got no value")
        #expect(error(["--rate", "inf"]) == "error: --rate: expected a probability in [0, 1), got inf")
        #expect(error(["--rate", "-0.1"]) == "error: --rate: expected a probability in [0, 1), got -0.1")
        #expect(error(["--rate", "half"]) == "error: --rate: expected a probability in [0, 1), got 'half'")
        #expect(error(["--norm", "Pre"]) == "error: --norm: expected pre or post, got 'Pre'")
        #expect(error(["--verbose=1"]) == "error: --verbose: expected no value (it is a flag), got '1'")
        #expect(error(["--seed", "x"]) == "error: --seed: expected an integer from 0 to 18446744073709551615, got 'x'")
    }

    @Test func unknownOptionsSuggestTheClosest() {
        #expect(error(["--sise", "3"]) == "error: --sise: unknown option for 'test'; did you mean --size?")
        #expect(error(["--verbos"]) == "error: --verbos: unknown option for 'test'; did you mean --verbose?")
        #expect(error(["--Norm", "pre"]) == "error: --Norm: unknown option for 'test'; did you mean --norm?")
        #expect(error(["--zzzzzzzz"]) == "error: --zzzzzzzz: unknown option for 'test'; see 'transformer-cli test --help'")
        #expect(error(["stray"]) == "error: unexpected argument 'stray'; 'test' takes only --options; see 'transformer-cli test --help'")
        #expect(error(["-s"]) == "error: unknown option '-s'; 'test' takes only --options; see 'transformer-cli test --help'")
        #expect(error(["--"]) == "error: unknown option '--'; 'test' takes only --options; see 'transformer-cli test --help'")
    }

    // MARK: Positional arguments

    static let text = PositionalSpec(name: "text", help: "A text.")

    func parseWithText(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        try ArgumentParser.parse(arguments, options: Self.options, positional: Self.text, command: "test")
    }

    @Test func positionalArgumentsAreCollectedInOrderAmongOptions() throws {
        let parsed = try parseWithText(["a", "--size", "3", "b c", "--verbose", "d", "", "-"])
        #expect(parsed.positionals == ["a", "b c", "d", "", "-"])
        #expect(parsed.integer("size") == 3 && parsed.flag("verbose"))
        #expect(try parse(["--size", "3"]).positionals.isEmpty)
    }

    @Test func doubleDashEndsTheOptions() throws {
        let parsed = try parseWithText(["--size", "3", "--", "--size", "-x", "--", "--help"])
        #expect(parsed.positionals == ["--size", "-x", "--", "--help"])
        #expect(parsed.integer("size") == 3)
    }

    @Test func aTextStartingWithADashNeedsTheSeparator() {
        do {
            _ = try parseWithText(["-ing"])
            Issue.record("accepted '-ing'")
        } catch {
            #expect(error.description == "error: unknown option '-ing' for 'test'; put '--' before a <text> that starts with '-'; "
                    + "see 'transformer-cli test --help'")
        }
    }

    @Test func translateTakesTextsAndHelpAfterTheSeparatorIsText() throws {
        guard case .run(let command) = TransformerCLI.resolve(["translate", "--checkpoint", "c.safetensors", "team", "--json",
                                                               "--", "--help"]) else {
            Issue.record("did not parse")
            return
        }
        let translate = try #require(command as? TranslateCommand)
        #expect(translate.texts == ["team", "--help"] && translate.json && translate.checkpointPath == "c.safetensors")
        guard case .help = TransformerCLI.resolve(["translate", "--checkpoint", "c", "--help", "--", "x"]) else {
            Issue.record("--help before -- is help")
            return
        }
    }

    @Test func trainTurnsFlagsIntoOptionsAndAConfiguration() throws {
        guard case .run(let command) = TransformerCLI.resolve([
            "train", "--data", "p.tsv", "--lr", "0.001", "--clip", "0", "--steps", "50", "--batch-tokens", "500",
            "--max-len", "20", "--d-model", "32", "--heads", "4", "--layers", "2", "--d-ff", "64", "--seed", "7",
            "--tgt-tokenizer", "word", "--label-smoothing", "0", "--samples", "1", "--log-every", "5",
        ]) else { Issue.record("did not parse"); return }
        let train = try #require(command as? TrainCommand)
        #expect(train.newOptions(modelDimension: 32) == TrainingOptions(
            epochs: 100, maximumSteps: 50, batchSentences: 64, batchTokens: 500, schedule: .constant(0.001),
            labelSmoothing: 0, maximumGradientNorm: nil, seed: 7, logInterval: 5, sampleCount: 1, maximumDecodeLength: 21,
            patience: 10))
        #expect(train.newConfiguration(sourceVocabularySize: 30, targetVocabularySize: 40) == TransformerConfiguration(
            sourceVocabularySize: 30, targetVocabularySize: 40, modelDimension: 32, headCount: 4, layerCount: 2,
            feedForwardDimension: 64, maximumLength: 21))
        #expect(train.sourceTokenizer == .kind(.character) && train.targetTokenizer == .kind(.word))
    }

    @Test func trainDefaultsAreThePapersScheduleAndBaseModel() throws {
        guard case .run(let command) = TransformerCLI.resolve(["train", "--data", "p.tsv"]) else {
            Issue.record("did not parse")
            return
        }
        let train = try #require(command as? TrainCommand)
        let options = train.newOptions(modelDimension: 512)
        #expect(options.epochs == 100 && options.patience == 10 && options.maximumSteps == nil && options.batchSize == .sentences(64))
        // Without --warmup the warm-up is 5% of the planned steps (100 epochs of 279 batches: 1,395), from 100 to 4000.
        #expect(train.sizingWarmup(options, batchesPerEpoch: 279).schedule
                    == .inverseSquareRoot(modelDimension: 512, warmupSteps: 1395, scale: 1))
        #expect(TrainingOptions.defaultWarmup(plannedSteps: 10) == 100 && TrainingOptions.defaultWarmup(plannedSteps: 1_000_000) == 4000)
        #expect(options.labelSmoothing == 0.1 && options.maximumGradientNorm == 1 && options.seed == 0)
        var base = TransformerConfiguration()
        base.maximumLength = 101
        #expect(train.newConfiguration(sourceVocabularySize: 10, targetVocabularySize: 10) == base)
        #expect(train.newDataOptions.validationFraction == 0.1 && train.newDataOptions.minimumFrequency == 1)
    }

    @Test func errorsStayOnOneLine() {
        let message = error(["--norm", "a\nb\tc"])
        #expect(message == "error: --norm: expected pre or post, got 'a\\nb\\tc'")
        #expect(error(["--x\ny"])?.contains("\n") == false)
    }

    @Test func requiredOptionsMustBeGiven() {
        let options: [OptionSpec] = [.text("checkpoint", default: nil, required: true, help: "A file.")]
        #expect(throws: UsageError("--checkpoint: expected a value (required), got nothing")) {
            try ArgumentParser.parse([], options: options, command: "test")
        }
    }

    @Test func editDistance() {
        #expect(ArgumentParser.editDistance("", "") == 0)
        #expect(ArgumentParser.editDistance("", "abc") == 3)
        #expect(ArgumentParser.editDistance("d-modle", "d-model") == 2)
        #expect(ArgumentParser.editDistance("kitten", "sitting") == 3)
        #expect(ArgumentParser.closest(to: "dmodel", among: ["d-model", "d-ff"]) == "d-model")
        #expect(ArgumentParser.closest(to: "seq", among: ["seq-len", "seed"]) == "seed")
        #expect(ArgumentParser.closest(to: "qqqqqq", among: ["seq-len", "seed"]) == nil)
    }

    @Test func groupedDigits() {
        #expect(TextFormatting.grouped(0) == "0")
        #expect(TextFormatting.grouped(999) == "999")
        #expect(TextFormatting.grouped(1000) == "1,000")
        #expect(TextFormatting.grouped(44_155_914) == "44,155,914")
        #expect(TextFormatting.grouped(-1_234) == "-1,234")
    }

    // MARK: Dispatch

    func failure(_ arguments: [String]) -> String? {
        if case .failure(let error) = TransformerCLI.resolve(arguments) { return error.description }
        return nil
    }

    @Test func dispatch() {
        guard case .missingCommand = TransformerCLI.resolve([]) else { Issue.record("no command"); return }
        for arguments in [["--help"], ["-h"], ["help"]] {
            guard case .help(let text) = TransformerCLI.resolve(arguments) else { Issue.record("\(arguments)"); continue }
            #expect(text == HelpFormatter.toolHelp())
        }
        for arguments in [["model", "--help"], ["help", "model"], ["model", "--bogus", "-h"]] {
            guard case .help(let text) = TransformerCLI.resolve(arguments) else { Issue.record("\(arguments)"); continue }
            #expect(text == HelpFormatter.commandHelp(ModelCommand.self))
        }
        let commands = "model, train, translate, classify, classify-image, generate, tokenize, evaluate, score, heads, prune, bench, plot-attention, plot-loss, plot-lines, plot-positional-encoding"
        #expect(failure(["modl"]) == "error: unknown command 'modl'; expected one of: \(commands); did you mean 'model'?")
        #expect(failure(["trian"]) == "error: unknown command 'trian'; expected one of: \(commands); did you mean 'train'?")
        #expect(failure(["help", "nope"]) == "error: unknown command 'nope'; expected one of: \(commands); see 'transformer-cli --help'")
        #expect(failure(["--d-model", "8"])
                == "error: expected a command (\(commands)) before any option, got '--d-model'; see 'transformer-cli --help'")
    }

    @Test func modelCommandReadsEveryOption() throws {
        guard case .run(let command) = TransformerCLI.resolve([
            "model", "--d-model", "24", "--heads", "3", "--layers", "2", "--d-ff", "40", "--dropout", "0",
            "--src-vocab", "11", "--tgt-vocab", "12", "--max-len", "30", "--norm", "post", "--activation", "gelu",
            "--positional", "learned", "--tie-embeddings", "--batch", "3", "--seq-len", "30", "--seed", "9",
        ]) else { Issue.record("did not parse"); return }
        let model = try #require(command as? ModelCommand)
        #expect(model.configuration == TransformerConfiguration(
            sourceVocabularySize: 11, targetVocabularySize: 12, modelDimension: 24, headCount: 3, layerCount: 2,
            feedForwardDimension: 40, dropout: 0, maximumLength: 30, normPlacement: .post, activation: .gelu,
            positionalEncoding: .learned, tieTargetEmbedding: true))
        #expect(model.batchSize == 3 && model.sequenceLength == 30 && model.seed == 9)
    }

    @Test func modelDefaultsAreTheLibraryDefaults() throws {
        guard case .run(let command) = TransformerCLI.resolve(["model"]) else { Issue.record("did not parse"); return }
        let model = try #require(command as? ModelCommand)
        #expect(model.configuration == TransformerConfiguration())
        #expect(model.batchSize == 2 && model.sequenceLength == 5 && model.seed == 0)
    }

    @Test func everyConfigurationErrorFieldMapsToAnOptionOrIsUnexposed() {
        let names = Set(ModelCommand.options.map(\.name))
        for field in ConfigurationError.Field.allCases {
            if let option = ConfigurationOptions.option(for: field) {
                #expect(names.contains(option), "\(field) -> --\(option) is not an option")
            } else {
                #expect([.layerNormEpsilon, .specialTokens, .vocabularySize, .classCount, .prunedHeads,
                         .imageSize, .patchSize, .channelCount, .pixelNormalization].contains(field))
            }
        }
    }
}
