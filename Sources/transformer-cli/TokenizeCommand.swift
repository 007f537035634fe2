import Foundation
import TransformerCore

/// `transformer-cli tokenize`: the ids (or pieces) a tokenizer gives each text, from a tokenizer file or
/// from a checkpoint's stored tokenizer.
struct TokenizeCommand: Command {
    static let name = "tokenize"
    static let abstract = "Show the token ids or pieces of texts."
    static let discussion = """
        Encodes each <text>, or when none is given each line of standard input, and prints one line per \
        input: the ids separated by spaces (no start or end token added), or with --pieces the pieces, or \
        with --json a JSON object with the text, ids and pieces. The tokenizer is a file (a Hugging Face \
        tokenizer.json or a SentencePiece .model) or the one a checkpoint was trained with (--side picks \
        the source or target tokenizer of a translation checkpoint). An empty line gives an empty line.
        """

    static let positional: PositionalSpec? = PositionalSpec(
        name: "text", help: "A text to encode; none: read standard input, one text a line.")

    enum Side: String, CaseIterable { case source, target }

    static let options: [OptionSpec] = [
        .text("tokenizer", default: nil, help: "A tokenizer.json or SentencePiece .model file."),
        .text("checkpoint", default: nil, help: "A checkpoint written by train: its tokenizer."),
        .choice("side", Side.self, default: .source, help: "With a translation --checkpoint: which side's tokenizer."),
        .flag("pieces", help: "Print the pieces instead of the ids."),
        .flag("json", help: "Print one JSON object a line: text, ids, pieces."),
    ]

    let tokenizerPath: String?
    let checkpointPath: String?
    let side: Side
    let pieces: Bool
    let json: Bool
    let texts: [String]

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        tokenizerPath = arguments.text("tokenizer")
        checkpointPath = arguments.text("checkpoint")
        side = arguments.choice("side", as: Side.self)
        pieces = arguments.flag("pieces")
        json = arguments.flag("json")
        texts = arguments.positionals
        switch (tokenizerPath, checkpointPath) {
        case (nil, nil): throw UsageError("tokenize: expected --tokenizer FILE or --checkpoint FILE, got neither")
        case (.some, .some): throw UsageError("--tokenizer: cannot be combined with --checkpoint; give one of them")
        default: break
        }
        if pieces && json { throw UsageError("--pieces: cannot be combined with --json (which prints both); give one of them") }
        if tokenizerPath != nil && arguments.isGiven("side") {
            throw UsageError("--side: only with a translation --checkpoint, not with --tokenizer")
        }
        for (option, value) in [("tokenizer", tokenizerPath), ("checkpoint", checkpointPath)] where value?.isEmpty == true {
            throw .invalidValue(option: option, expected: "a path", found: "''")
        }
    }

    func run() throws -> Int32 {
        let tokenizer = try loadTokenizer()
        var output = ""
        for input in commandInputs(texts) {
            let encoded = tokenizer.encodeReporting(input.text)
            if json {
                output += JSONLine.render(.object([("text", .string(input.text)), ("ids", .array(encoded.ids.map { .integer($0) })),
                                                   ("pieces", .array(encoded.pieces.map { .string($0) }))])) + "\n"
            } else if pieces {
                output += encoded.pieces.joined(separator: " ") + "\n"
            } else {
                output += encoded.ids.map(String.init).joined(separator: " ") + "\n"
            }
            if output.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(output.utf8))
                output = ""
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        return ExitCode.success
    }

    /// The --tokenizer file, or the --checkpoint's tokenizer (of --side for a translation model).
    func loadTokenizer() throws -> AnyTokenizer {
        if let tokenizerPath {
            return try TokenizerFile.load(URL(fileURLWithPath: tokenizerPath))
        }
        let path = checkpointPath!
        switch try FamilyCheckpoint.family(path) {
        case .encoderClassifier: return try FamilyCheckpoint.classifier(path).tokenizer
        case .decoderLanguageModel: return try FamilyCheckpoint.languageModel(path).tokenizer
        case .encoderDecoder:
            let tokenizers = try TrainedCheckpoint.load(path).tokenizers
            return side == .source ? tokenizers.source : tokenizers.target
        }
    }
}
