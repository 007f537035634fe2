/// One `--name value` option (or `--name` flag) of a command: what it accepts, its default, its help.
///
/// A command declares its options as a table of these; the parser, the typed accessors of
/// ``ParsedArguments`` and the help text are all driven by that one table.
struct OptionSpec: Sendable {
    /// What the option accepts. Each kind knows how to parse and describe its values.
    enum Kind: Sendable {
        /// Present or absent; takes no value.
        case flag
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// Any UInt64 (random seeds).
        case unsignedInteger
        /// A finite or non-finite Float accepted by the constraint.
        case number(NumberConstraint)
        /// One of a fixed set of words.
        case choice([String])
        /// Any text (a path, a sentence).
        case text
    }

    /// The long name without dashes: `d-model`.
    let name: String
    let kind: Kind
    /// The default as it would be typed; nil for flags and for options that may be left out.
    let defaultValue: String?
    /// One sentence, shown in the help after the option.
    let help: String
    /// Must the user give it? (Only for options without a default.)
    let isRequired: Bool

    /// `--d-model`.
    var flag: String { "--" + name }

    /// The option's label in help: `--d-model <d-model>`, or `--tie-embeddings` for a flag.
    var label: String {
        if case .flag = kind { return flag }
        return "\(flag) <\(name)>"
    }

    /// What the option accepts, for error messages: "an integer from 1 to 1048576".
    var expected: String { kind.expected }
}

extension OptionSpec {
    static func flag(_ name: String, help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .flag, defaultValue: nil, help: help, isRequired: false)
    }

    static func integer(_ name: String, in range: ClosedRange<Int>, default value: Int?, help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .integer(range), defaultValue: value.map(String.init), help: help,
                   isRequired: false)
    }

    /// A random seed: any integer from 0 to 2^64 - 1.
    static func seed(_ name: String = "seed", default value: UInt64, help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .unsignedInteger, defaultValue: String(value), help: help, isRequired: false)
    }

    static func number(_ name: String, _ constraint: NumberConstraint, default value: Float?,
                       help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .number(constraint), defaultValue: value.map { "\($0)" }, help: help,
                   isRequired: false)
    }

    /// An option whose values are the raw values of a `String` enum, e.g. `--norm pre|post`.
    static func choice<Value: CaseIterable & RawRepresentable>(_ name: String, _ type: Value.Type,
                                                               default value: Value, help: String) -> OptionSpec
        where Value.RawValue == String {
        OptionSpec(name: name, kind: .choice(Value.allCases.map(\.rawValue)), defaultValue: value.rawValue,
                   help: help, isRequired: false)
    }

    /// A choice with no default: absent unless given (its meaning then comes from another option).
    static func choice<Value: CaseIterable & RawRepresentable>(_ name: String, _ type: Value.Type,
                                                               help: String) -> OptionSpec
        where Value.RawValue == String {
        OptionSpec(name: name, kind: .choice(Value.allCases.map(\.rawValue)), defaultValue: nil, help: help,
                   isRequired: false)
    }

    static func text(_ name: String, default value: String?, required: Bool = false, help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .text, defaultValue: value, help: help, isRequired: required)
    }
}

/// The positional arguments a command accepts: zero or more values after (or among) its options, e.g.
/// the texts of `translate`. Shown in help as `[<text> ...]` and in an ARGUMENTS section.
struct PositionalSpec: Sendable {
    /// The placeholder without brackets: `text`.
    let name: String
    /// One sentence for the ARGUMENTS section.
    let help: String

    /// `<text>`.
    var label: String { "<\(name)>" }
}

/// Which Float values a `.number` option accepts, and how to say so.
struct NumberConstraint: Sendable {
    /// "a probability in [0, 1)".
    let description: String
    let accepts: @Sendable (Float) -> Bool

    /// p in [0, 1): dropout, label smoothing.
    static let probability = NumberConstraint(description: "a probability in [0, 1)") {
        $0.isFinite && $0 >= 0 && $0 < 1
    }

    /// x > 0 and finite: learning rates, epsilons.
    static let positive = NumberConstraint(description: "a positive number") { $0.isFinite && $0 > 0 }

    /// x >= 0 and finite.
    static let nonNegative = NumberConstraint(description: "a non-negative number") { $0.isFinite && $0 >= 0 }
}

/// A parsed option value.
enum ArgumentValue: Equatable, Sendable {
    case flag(Bool)
    case integer(Int)
    case unsignedInteger(UInt64)
    case number(Float)
    case text(String)
}

extension OptionSpec.Kind {
    var expected: String {
        switch self {
        case .flag:
            return "no value"
        case .integer(let range):
            switch (range.lowerBound, range.upperBound) {
            case (0, Int.max): return "a non-negative integer"
            case (1, Int.max): return "a positive integer"
            case let (low, high): return "an integer from \(low) to \(high)"
            }
        case .unsignedInteger:
            return "an integer from 0 to \(UInt64.max)"
        case .number(let constraint):
            return constraint.description
        case .choice(let words):
            if words.count == 2 { return "\(words[0]) or \(words[1])" }
            return "one of " + words.joined(separator: ", ")
        case .text:
            return "a value"
        }
    }

    /// Parses `text` given for option `name`; throws the one-line error naming the option.
    func parse(_ text: String, option name: String) throws(UsageError) -> ArgumentValue {
        switch self {
        case .flag:
            throw .invalidValue(option: name, expected: "no value (it is a flag)", found: UsageError.quoted(text))
        case .integer(let range):
            guard let value = Int(text) else {
                // Digits that overflow Int are a number out of range, not a malformed one.
                throw .invalidValue(option: name, expected: expected, found: Self.isNumeral(text) ? text : UsageError.quoted(text))
            }
            guard range.contains(value) else {
                throw .invalidValue(option: name, expected: expected, found: text)
            }
            return .integer(value)
        case .unsignedInteger:
            guard let value = UInt64(text) else {
                throw .invalidValue(option: name, expected: expected, found: Self.isNumeral(text) ? text : UsageError.quoted(text))
            }
            return .unsignedInteger(value)
        case .number(let constraint):
            guard let value = Float(text) else {
                throw .invalidValue(option: name, expected: expected, found: UsageError.quoted(text))
            }
            guard constraint.accepts(value) else {
                throw .invalidValue(option: name, expected: expected, found: text)
            }
            return .number(value)
        case .choice(let words):
            guard words.contains(text) else {
                throw .invalidValue(option: name, expected: expected, found: UsageError.quoted(text))
            }
            return .text(text)
        case .text:
            return .text(text)
        }
    }

    /// An optional sign and one or more ASCII digits.
    static func isNumeral(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { ("0"..."9").contains($0) }
    }
}
