/// Renders help in the layout of swift-argument-parser: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, SUBCOMMANDS.
///
/// Labels are indented 2 columns and their text starts at column 26; a label too long for that goes
/// on its own line. Text wraps at 80 columns. Each option's help ends with its default, and a choice
/// option lists its values: `(values: pre, post; default: pre)`.
enum HelpFormatter {
    static let screenWidth = 80
    static let labelColumnWidth = 26
    static let indent = 2
    /// Stands for a space that wrapping must not break at; printed as a plain space.
    static let glue: Character = "\u{00A0}"

    /// `transformer-cli --help`.
    static func toolHelp() -> String {
        let tool = TransformerCLI.self
        return [
            "OVERVIEW: " + tool.abstract,
            "USAGE: \(tool.name) <subcommand>",
            "OPTIONS:\n" + row("-h, --help", "Show help information."),
            "SUBCOMMANDS:\n" + tool.commands.map { row($0.name, $0.abstract) }.joined(separator: "\n")
                + "\n\n  See '\(tool.name) help <subcommand>' for detailed help.",
        ].joined(separator: "\n\n")
    }

    /// `transformer-cli <command> --help`.
    static func commandHelp(_ command: any Command.Type) -> String {
        var sections = ["OVERVIEW: " + command.abstract]
        if !command.discussion.isEmpty {
            sections.append(wrap(command.discussion, width: screenWidth).joined(separator: "\n"))
        }
        var usage = "USAGE: \(TransformerCLI.name) \(command.name)\(command.options.isEmpty ? "" : " [<options>]")"
        if let positional = command.positional {
            usage += " [\(positional.label) ...]"
            sections.append(usage)
            sections.append("ARGUMENTS:\n" + row(positional.label, positional.help))
        } else {
            sections.append(usage)
        }
        let optionRows = command.options.map { row($0.label, optionText($0)) } + [row("-h, --help", "Show help information.")]
        sections.append("OPTIONS:\n" + optionRows.joined(separator: "\n"))
        return sections.joined(separator: "\n\n")
    }

    /// The option's help followed by its values and default.
    static func optionText(_ option: OptionSpec) -> String {
        var notes: [String] = []
        if case .choice(let words) = option.kind { notes.append("values: " + words.joined(separator: ", ")) }
        // Glued so that a line break never separates "default:" from its value.
        if let value = option.defaultValue { notes.append("default:" + String(glue) + value) }
        if option.isRequired { notes.append("required") }
        return notes.isEmpty ? option.help : option.help + " (" + notes.joined(separator: "; ") + ")"
    }

    /// `  label` padded to column 26, then `text` wrapped with continuation lines at column 26.
    static func row(_ label: String, _ text: String) -> String {
        let padded = String(repeating: " ", count: indent) + label
        let margin = String(repeating: " ", count: labelColumnWidth)
        let lines = wrap(text, width: screenWidth - labelColumnWidth)
            .map { String($0.map { $0 == glue ? " " : $0 }) }
        let body = lines.enumerated().map { $0.offset == 0 ? $0.element : margin + $0.element }
            .joined(separator: "\n")
        if padded.count < labelColumnWidth {
            return padded + String(repeating: " ", count: labelColumnWidth - padded.count) + body
        }
        return padded + "\n" + margin + body
    }

    /// Greedy word wrap to `width` columns; paragraphs (split on blank lines) stay separated by one.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for (index, paragraph) in text.split(separator: "\n\n", omittingEmptySubsequences: true).enumerated() {
            if index > 0 { lines.append("") }
            var line = ""
            for word in paragraph.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                if line.isEmpty {
                    line = String(word)
                } else if line.count + 1 + word.count <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = String(word)
                }
            }
            if !line.isEmpty { lines.append(line) }
        }
        return lines
    }
}
