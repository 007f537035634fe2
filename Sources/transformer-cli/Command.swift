/// One subcommand of `transformer-cli`, in the shape of swift-argument-parser's `ParsableCommand`.
///
/// A command is a value built from its parsed options. The dispatcher parses the arguments against
/// ``options``, calls ``init(parsing:)``, then ``validate()`` (cross-option checks), then ``run()``.
/// Every step before `run` reports problems as a ``UsageError`` (exit 64). Adding a command is one
/// file with a type conforming to this protocol, plus one entry in ``TransformerCLI/commands``.
protocol Command {
    /// The word typed after `transformer-cli`.
    static var name: String { get }
    /// One line for the command list; keep it under 54 characters so it fits the help column.
    static var abstract: String { get }
    /// Paragraphs shown in the command's help after the overview; may be empty.
    static var discussion: String { get }
    /// Every option the command accepts, in help order.
    static var options: [OptionSpec] { get }
    /// The positional arguments it accepts, if any (most commands take options only).
    static var positional: PositionalSpec? { get }

    /// Reads the typed values; anything a single option cannot express is left to ``validate()``.
    init(parsing arguments: ParsedArguments) throws(UsageError)
    /// Checks the options against each other (e.g. `--heads` divides `--d-model`).
    func validate() throws(UsageError)
    /// Does the work, printing to stdout; returns the exit status. Thrown errors become one
    /// `error:` line on stderr and exit status 1.
    func run() throws -> Int32
}

extension Command {
    static var discussion: String { "" }
    static var positional: PositionalSpec? { nil }
    func validate() throws(UsageError) {}
}

/// What one command line asks for, decided without side effects (so tests can call it in-process).
enum Invocation {
    /// Print this help on stdout and exit 0.
    case help(String)
    /// No command given: print this usage on stderr and exit 64.
    case missingCommand(String)
    /// Print `error: ...` on stderr and exit 64.
    case failure(UsageError)
    /// A parsed, validated command, ready to run.
    case run(any Command)
}

/// The tool: its commands and how a command line is dispatched to them.
enum TransformerCLI {
    static let name = "transformer-cli"
    static let abstract = "A Transformer (Vaswani et al. 2017) built from scratch in Swift."

    /// Every command, in help order. Add new commands here.
    static var commands: [any Command.Type] {
        [ModelCommand.self, TrainCommand.self, TranslateCommand.self, ClassifyCommand.self, ClassifyImageCommand.self, GenerateCommand.self,
         TokenizeCommand.self,
         EvaluateCommand.self, ScoreCommand.self, HeadsCommand.self, PruneCommand.self, BenchCommand.self,
         PlotAttentionCommand.self, PlotLossCommand.self, PlotLinesCommand.self, PlotPositionalEncodingCommand.self]
    }

    /// Decides what `arguments` (without the program name) ask for.
    static func resolve(_ arguments: [String]) -> Invocation {
        guard let first = arguments.first else { return .missingCommand(HelpFormatter.toolHelp()) }
        if first == "--help" || first == "-h" { return .help(HelpFormatter.toolHelp()) }
        if first == "help" {
            let rest = arguments.dropFirst()
            guard let topic = rest.first else { return .help(HelpFormatter.toolHelp()) }
            if rest.count > 1 {
                return .failure(UsageError("help: expected at most one command name, got "
                                           + rest.map(UsageError.quoted).joined(separator: " ")))
            }
            do throws(UsageError) {
                return .help(HelpFormatter.commandHelp(try command(named: topic)))
            } catch {
                return .failure(error)
            }
        }
        if first.hasPrefix("-") {
            return .failure(UsageError("expected a command (\(commandNames)) before any option, got "
                                       + UsageError.quoted(first) + "; see '\(name) --help'"))
        }
        do throws(UsageError) {
            let type = try command(named: first)
            let rest = Array(arguments.dropFirst())
            // After `--` everything is a positional argument, even "--help".
            let optionPart = type.positional == nil ? rest[...] : rest.prefix { $0 != "--" }
            if optionPart.contains("--help") || optionPart.contains("-h") { return .help(HelpFormatter.commandHelp(type)) }
            let parsed = try ArgumentParser.parse(rest, options: type.options, positional: type.positional,
                                                  command: type.name)
            let command = try type.init(parsing: parsed)
            try command.validate()
            return .run(command)
        } catch {
            return .failure(error)
        }
    }

    static var commandNames: String { commands.map { $0.name }.joined(separator: ", ") }

    static func command(named word: String) throws(UsageError) -> any Command.Type {
        if let type = commands.first(where: { $0.name == word }) { return type }
        let hint = ArgumentParser.closest(to: word, among: commands.map { $0.name })
            .map { "; did you mean '\($0)'?" } ?? "; see '\(name) --help'"
        throw UsageError("unknown command \(UsageError.quoted(word)); expected one of: \(commandNames)\(hint)")
    }
}
