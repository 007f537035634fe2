@testable import transformer_cli
import Testing
import TransformerCore

/// Seeded random command lines through the whole dispatcher, in-process: every one must resolve to help,
/// a one-line usage error, or a validated command — never a crash, never a multi-line error.
@Suite("transformer-cli argument fuzzing")
struct CLIArgumentFuzzTests {
    /// Command lines tried; about a second in a debug build.
    static let caseCount = 3_000

    /// Words the mutations draw from: real commands and flags, near misses, and hostile values.
    static let vocabulary: [String] = {
        let flags = TransformerCLI.commands.flatMap { $0.options.map { "--" + $0.name } }
        let values = ["0", "1", "-1", "7", "512", "1e9", "nan", "inf", "-inf", "abc", "", " ", "--", "-", "-h",
                      "99999999999999999999", "0.5", "1.5", "pre", "post", "gelu", "word", "\u{0}", "é", "😀",
                      "a\tb", "line\nbreak", "=", "--=", "--d-model=", "--d-model=64", "--heads=0", "help"]
        return TransformerCLI.commands.map { $0.name } + flags + values + ["modle", "--d-modle", "--HELP", "bogus"]
    }()

    @Test func randomCommandLinesNeverCrashAndErrorsAreOneLine() {
        let seed = FuzzSettings.seed(2026), caseCount = FuzzSettings.cases(Self.caseCount)
        let generator = SeededGenerator(seed: seed)
        func pick() -> String { Self.vocabulary[Int(generator.next() % UInt64(Self.vocabulary.count))] }
        var outcomes = (help: 0, failure: 0, run: 0, missing: 0)
        for _ in 0..<caseCount {
            let length = Int(generator.next() % 7)
            var arguments = (0..<length).map { _ in pick() }
            // Half the time start with a real command so the option parsers are reached.
            if generator.next() % 2 == 0 {
                let commands = TransformerCLI.commands
                arguments.insert(commands[Int(generator.next() % UInt64(commands.count))].name, at: 0)
            }
            switch TransformerCLI.resolve(arguments) {
            case .help(let text):
                outcomes.help += 1
                #expect(!text.isEmpty)
            case .missingCommand:
                outcomes.missing += 1
            case .failure(let error):
                outcomes.failure += 1
                #expect(!error.description.contains("\n"), "multi-line error for \(arguments): \(error.description)")
                #expect(error.description.hasPrefix("error: "))
            case .run:
                outcomes.run += 1
            }
        }
        // The generator must reach every outcome, or the test is not exercising the parser.
        #expect(outcomes.help > 0 && outcomes.failure > 0 && outcomes.run > 0 && outcomes.missing > 0, "\(outcomes)")
        FuzzSettings.report("CLI arguments", cases: caseCount, seed: seed, "\(outcomes)")
    }
}
