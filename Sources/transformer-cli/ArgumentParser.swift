/// Turns a command's arguments into typed values, driven by its table of ``OptionSpec``s.
///
/// Accepted forms: `--name value`, `--name=value`, and `--name` for flags. A value may start with a
/// single dash (`--layers -1` reaches the range check and is reported as out of range), but a token
/// starting with `--` is never taken as a value. An option given twice with different values is an error
/// (which one was meant?); the same value twice, or a flag twice, is accepted. Every problem is a
/// ``UsageError`` naming the option. `--help` / `-h` are handled before parsing, by the dispatcher.
///
/// A command that declares a ``PositionalSpec`` also takes positional arguments: any token that does not
/// start with a dash, wherever it appears among the options, and every token after `--` (so a text may
/// start with a dash: `translate -- -ing`). Commands without one reject both.
enum ArgumentParser {
    static func parse(_ arguments: [String], options: [OptionSpec], positional: PositionalSpec? = nil,
                      command: String) throws(UsageError) -> ParsedArguments {
        var given: [String: ArgumentValue] = [:]
        var texts: [String: String] = [:]   // as typed, for the repeated-option error
        var positionals: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            index += 1
            if token == "--", positional != nil {
                positionals += arguments[index...]
                break
            }
            guard token.hasPrefix("--"), token.count > 2 else {
                let looksLikeOption = token.hasPrefix("-") && token.count > 1
                if let positional {
                    if !looksLikeOption {
                        positionals.append(token)
                        continue
                    }
                    throw UsageError("unknown option \(UsageError.quoted(token)) for '\(command)'; put '--' before "
                                     + "a \(positional.label) that starts with '-'" + Self.helpHint(command))
                }
                let what = looksLikeOption ? "unknown option" : "unexpected argument"
                throw UsageError("\(what) \(UsageError.quoted(token)); '\(command)' takes only --options"
                                 + Self.helpHint(command))
            }
            let body = token.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            let inlineValue = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
            guard let spec = options.first(where: { $0.name == name }) else {
                let suggestion = closest(to: name, among: options.map(\.name)).map { "; did you mean --\($0)?" }
                throw UsageError("--\(UsageError.singleLine(name)): unknown option for '\(command)'"
                                 + (suggestion ?? Self.helpHint(command)))
            }
            if case .flag = spec.kind {
                if let inlineValue { _ = try spec.kind.parse(inlineValue, option: name) }   // always throws
                given[name] = .flag(true)
                continue
            }
            let text: String
            if let inlineValue {
                text = inlineValue
            } else if index < arguments.count, !arguments[index].hasPrefix("--") {
                text = arguments[index]
                index += 1
            } else {
                throw .invalidValue(option: name, expected: spec.expected, found: "no value")
            }
            let value = try spec.kind.parse(text, option: name)
            if given[name] != nil, given[name] != value, let earlier = texts[name] {
                throw UsageError("--\(name): given twice with different values, \(UsageError.quoted(earlier)) and "
                                 + "\(UsageError.quoted(text)); give it once")
            }
            given[name] = value
            texts[name] = text
        }

        var values: [String: ArgumentValue] = [:]
        for spec in options {
            if let value = given[spec.name] {
                values[spec.name] = value
            } else if case .flag = spec.kind {
                values[spec.name] = .flag(false)
            } else if let text = spec.defaultValue {
                // Defaults go through the same parser, so a wrong default fails loudly in tests.
                values[spec.name] = try spec.kind.parse(text, option: spec.name)
            } else if spec.isRequired {
                throw .invalidValue(option: spec.name, expected: spec.expected + " (required)", found: "nothing")
            }
        }
        return ParsedArguments(values: values, explicitlyGiven: Set(given.keys), positionals: positionals)
    }

    static func helpHint(_ command: String) -> String {
        "; see 'transformer-cli \(command) --help'"
    }

    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
    /// (at most 2 edits, or a third of the word), or if one starts with the other.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        let scored = candidates.map { ($0, editDistance(lowered, $0)) }
        guard let (best, distance) = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        if distance <= max(2, word.count / 3) { return best }
        return candidates.first { lowered.count >= 3 && ($0.hasPrefix(lowered) || lowered.hasPrefix($0)) }
    }

    /// Levenshtein distance (insertions, deletions, substitutions) between two strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// The typed values of one command line, defaults filled in.
///
/// Accessors are looked up by option name; asking for an option the command did not declare, or with
/// the wrong type, is a programmer error (a precondition failure), not a usage error.
struct ParsedArguments {
    private let values: [String: ArgumentValue]
    /// Names of the options given on the command line rather than defaulted (for a command that
    /// takes defaults from elsewhere, e.g. a checkpoint, and lets explicit options override them).
    let explicitlyGiven: Set<String>
    /// The positional arguments, in order (empty for a command without a ``PositionalSpec``).
    let positionals: [String]

    init(values: [String: ArgumentValue], explicitlyGiven: Set<String>, positionals: [String] = []) {
        self.values = values
        self.explicitlyGiven = explicitlyGiven
        self.positionals = positionals
    }

    /// Whether the option was typed on the command line (rather than defaulted).
    func isGiven(_ name: String) -> Bool { explicitlyGiven.contains(name) }

    /// The value of an option without a default: nil when it was not given.
    func optionalInteger(_ name: String) -> Int? {
        values[name] == nil ? nil : integer(name)
    }

    /// The value of a number option without a default: nil when it was not given.
    func optionalNumber(_ name: String) -> Float? {
        values[name] == nil ? nil : number(name)
    }

    /// The enum case named by a `.choice` option without a default: nil when it was not given.
    func optionalChoice<Value: RawRepresentable>(_ name: String, as type: Value.Type) -> Value?
        where Value.RawValue == String {
        values[name] == nil ? nil : choice(name, as: type)
    }

    func integer(_ name: String) -> Int {
        guard case .integer(let value) = values[name] else { preconditionFailure("no integer option --\(name)") }
        return value
    }

    func unsignedInteger(_ name: String) -> UInt64 {
        guard case .unsignedInteger(let value) = values[name] else {
            preconditionFailure("no unsigned integer option --\(name)")
        }
        return value
    }

    func number(_ name: String) -> Float {
        guard case .number(let value) = values[name] else { preconditionFailure("no number option --\(name)") }
        return value
    }

    func flag(_ name: String) -> Bool {
        guard case .flag(let value) = values[name] else { preconditionFailure("no flag --\(name)") }
        return value
    }

    /// The text of a `.text` or `.choice` option; nil when it has no default and was not given.
    func text(_ name: String) -> String? {
        guard let value = values[name] else { return nil }
        guard case .text(let text) = value else { preconditionFailure("no text option --\(name)") }
        return text
    }

    /// The enum case named by a `.choice` option.
    func choice<Value: RawRepresentable>(_ name: String, as type: Value.Type) -> Value where Value.RawValue == String {
        guard let text = text(name), let value = Value(rawValue: text) else {
            preconditionFailure("--\(name) is not a choice of \(Value.self)")
        }
        return value
    }
}
