import Foundation
import Testing

/// Runs the built `transformer-cli` as a separate process: exit statuses, stdout and stderr.
@Suite("transformer-cli (process)")
struct CLIProcessTests {
    static let small = ["--d-model", "16", "--heads", "2", "--layers", "1", "--d-ff", "32"]

    @Test func smallModelPrintsOutputSize() throws {
        let run = try CLITool.run(["model"] + Self.small)
        #expect(run.status == 0, "\(run)")
        #expect(run.standardError.isEmpty, "\(run)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.prefix(2) == ["Initialized model with random weights.", "Final output size: [2, 5, 10]"], "\(run)")
        #expect(lines.contains("  --d-model          16"), "\(run)")
        #expect(lines.contains("  --self-attention   dot-product") && lines.contains("  --cross-attention  dot-product"), "\(run)")
    }

    @Test func outputSizeFollowsBatchLengthAndVocabulary() throws {
        let run = try CLITool.run(["model"] + Self.small + ["--tgt-vocab", "7", "--seq-len", "3", "--batch", "4"])
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.contains("Final output size: [4, 3, 7]\n"), "\(run)")
    }

    @Test func equalsFormAndSeedAreAccepted() throws {
        let spaced = try CLITool.run(["model"] + Self.small + ["--seed", "42"])
        let inline = try CLITool.run(["model", "--d-model=16", "--heads=2", "--layers=1", "--d-ff=32", "--seed=42"])
        #expect(spaced.status == 0 && inline.status == 0, "\(spaced)\n\(inline)")
        #expect(spaced.standardOutput == inline.standardOutput)
    }

    static let parameterCases: [(arguments: [String], expected: ClosedFormParameterCount)] = [
        (small, ClosedFormParameterCount(modelDimension: 16, feedForwardDimension: 32, layerCount: 1)),
        (["--d-model", "16", "--heads", "2", "--layers", "2", "--d-ff", "32", "--src-vocab", "13", "--tgt-vocab", "7"],
         ClosedFormParameterCount(modelDimension: 16, feedForwardDimension: 32, layerCount: 2,
                                  sourceVocabularySize: 13, targetVocabularySize: 7)),
        (small + ["--norm", "post", "--positional", "learned", "--max-len", "20", "--activation", "gelu"],
         ClosedFormParameterCount(modelDimension: 16, feedForwardDimension: 32, layerCount: 1, maximumLength: 20,
                                  preNorm: false, learnedPositions: true)),
        (small + ["--attention", "additive"], ClosedFormParameterCount(modelDimension: 16, feedForwardDimension: 32, layerCount: 1)),
        (small + ["--cross-attention", "additive"], ClosedFormParameterCount(modelDimension: 16, feedForwardDimension: 32, layerCount: 1)),
        (small + ["--tie-embeddings", "--tgt-vocab", "9"],
         ClosedFormParameterCount(modelDimension: 16, feedForwardDimension: 32, layerCount: 1,
                                  targetVocabularySize: 9, tied: true)),
    ]

    @Test(arguments: parameterCases)
    func parameterTableMatchesClosedForm(arguments: [String], expected: ClosedFormParameterCount) throws {
        let run = try CLITool.run(["model"] + arguments)
        #expect(run.status == 0, "\(run)")
        #expect(run.count("total") == expected.total, "\(run)")
        #expect(run.count("encoder") == expected.encoder, "\(run)")
        #expect(run.count("decoder") == expected.decoder, "\(run)")
        #expect(run.count("positionalEncoding") == expected.positional, "\(run)")
        #expect(run.count("projection") == expected.projection, "\(run)")
        #expect(run.count("sourceEmbedding") == expected.sourceVocabularySize * expected.modelDimension, "\(run)")
    }

    /// The paper's base model in a debug build: about 13 s on an idle 2-core machine, almost all of it
    /// drawing the 44M random weights (`Tensor.xavierUniform`), not the forward pass.
    @Test(.timeLimit(.minutes(3)))
    func defaultsAreThePaperBaseModel() throws {
        let start = Date()
        let run = try CLITool.run(["model"])
        let seconds = Date().timeIntervalSince(start)
        #expect(run.status == 0, "\(run)")
        #expect(run.standardOutput.hasPrefix("Initialized model with random weights.\nFinal output size: [2, 5, 10]\n"))
        #expect(run.count("total") == ClosedFormParameterCount().total, "\(run)")
        #expect(run.count("total") == 44_155_914)
        print("transformer-cli model (defaults) took \(String(format: "%.1f", seconds)) s")
    }

    /// A bad `model` command line: its arguments, the flag the error must name, the exact line.
    struct BadFlag: Sendable, CustomTestStringConvertible {
        let arguments: [String], flag: String, line: String
        init(_ arguments: [String], _ flag: String, _ line: String) {
            (self.arguments, self.flag, self.line) = (arguments, flag, line)
        }
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let usageErrors: [BadFlag] = [
        BadFlag(["--heads", "7"], "--heads", "error: --heads: expected a divisor of --d-model (512), got 7"),
        BadFlag(["--layers", "-1"], "--layers", "error: --layers: expected an integer from 1 to 1048576, got -1"),
        BadFlag(["--d-model", "abc"], "--d-model", "error: --d-model: expected an integer from 1 to 1048576, got 'abc'"),
        BadFlag(["--d-model", "99999999999999999999"], "--d-model",
         "error: --d-model: expected an integer from 1 to 1048576, got 99999999999999999999"),
        BadFlag(["--d-model", "1048577"], "--d-model", "error: --d-model: expected an integer from 1 to 1048576, got 1048577"),
        BadFlag(["--dropout", "1.5"], "--dropout", "error: --dropout: expected a probability in [0, 1), got 1.5"),
        BadFlag(["--dropout", "nan"], "--dropout", "error: --dropout: expected a probability in [0, 1), got nan"),
        BadFlag(["--norm", "sideways"], "--norm", "error: --norm: expected pre or post, got 'sideways'"),
        BadFlag(["--attention", "bahdanau"], "--attention", "error: --attention: expected dot-product or additive, got 'bahdanau'"),
        BadFlag(["--self-attention", "dot"], "--self-attention",
         "error: --self-attention: expected dot-product or additive, got 'dot'"),
        BadFlag(["--cross-attention"], "--cross-attention",
         "error: --cross-attention: expected dot-product or additive, got no value"),
        BadFlag(["--seq-len", "0"], "--seq-len", "error: --seq-len: expected an integer from 1 to 1048576, got 0"),
        BadFlag(["--seq-len", "600"], "--seq-len", "error: --seq-len: expected at most --max-len (512), got 600"),
        BadFlag(["--max-len", "4"], "--seq-len", "error: --seq-len: expected at most --max-len (4), got 5"),
        BadFlag(["--heads"], "--heads", "error: --heads: expected an integer from 1 to 1048576, got no value"),
        BadFlag(["--heads", "--layers", "2"], "--heads", "error: --heads: expected an integer from 1 to 1048576, got no value"),
        BadFlag(["--d-modle", "16"], "--d-modle", "error: --d-modle: unknown option for 'model'; did you mean --d-model?"),
        BadFlag(["--tie-embeddings=yes"], "--tie-embeddings",
         "error: --tie-embeddings: expected no value (it is a flag), got 'yes'"),
        BadFlag(["--seed", "-3"], "--seed", "error: --seed: expected an integer from 0 to 18446744073709551615, got -3"),
    ]

    @Test(arguments: usageErrors)
    func badFlagIsOneLineAndExit64(_ bad: BadFlag) throws {
        let run = try CLITool.run(["model"] + bad.arguments)
        #expect(run.status == 64, "\(run)")
        #expect(run.errorLines == [bad.line], "\(run)")
        #expect(run.errorLines.first?.contains(bad.flag) == true)
        #expect(run.standardOutput.isEmpty, "\(run)")
    }

    @Test func unknownCommandIsUsageError() throws {
        let run = try CLITool.run(["modle"])
        #expect(run.status == 64, "\(run)")
        #expect(run.errorLines == ["error: unknown command 'modle'; expected one of: model, train, translate, classify, classify-image, generate, tokenize, evaluate, score, heads, prune, bench, plot-attention, plot-loss, "
                                 + "plot-lines, plot-positional-encoding; did you mean 'model'?"])
    }

    @Test func noCommandPrintsUsageAndExits64() throws {
        let run = try CLITool.run([])
        #expect(run.status == 64, "\(run)")
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError.contains("USAGE: transformer-cli <subcommand>"), "\(run)")
    }

    @Test(arguments: [["--help"], ["-h"], ["help"]])
    func toolHelp(arguments: [String]) throws {
        let run = try CLITool.run(arguments)
        #expect(run.status == 0, "\(run)")
        #expect(run.standardError.isEmpty)
        #expect(run.standardOutput == CLIHelpTests.toolHelp + "\n")
    }

    @Test(arguments: [["model", "--help"], ["model", "-h"], ["help", "model"], ["model", "--heads", "7", "--help"]])
    func modelHelp(arguments: [String]) throws {
        let run = try CLITool.run(arguments)
        #expect(run.status == 0, "\(run)")
        #expect(run.standardError.isEmpty)
        #expect(run.standardOutput.hasPrefix("OVERVIEW: Build a random-weight model and run one forward pass.\n"))
        #expect(run.standardOutput.hasSuffix(CLIHelpTests.modelOptions + "\n"), "\(run)")
    }
}
