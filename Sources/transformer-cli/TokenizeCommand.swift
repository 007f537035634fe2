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
        tokenizer.json or a SentencePiece .model), the one a checkpoint was trained with, or a Hugging \
        Face MarianMT directory's (--model: source.spm or target.spm with vocab.json, as transformers' \
        MarianTokenizer; the </s> it appends for the model is not printed). --side picks the source or \
        target tokenizer of a translation checkpoint or a --model. An empty line gives an empty line.
        """

    static let positional: PositionalSpec? = PositionalSpec(
        name: "text", help: "A text to encode; none: read standard input, one text a line.")

    enum Side: String, CaseIterable { case source, target }

    static let options: [OptionSpec] = [
        .text("tokenizer", default: nil, help: "A tokenizer.json or SentencePiece .model file."),
        .text("checkpoint", default: nil, help: "A checkpoint written by train: its tokenizer."),
        .text("model", default: nil, help: "A Hugging Face MarianMT (opus-mt) directory: its tokenizer."),
        .choice("side", Side.self, default: .source, help: "With a translation --checkpoint or --model: which side's tokenizer."),
        .flag("pieces", help: "Print the pieces instead of the ids."),
        .flag("json", help: "Print one JSON object a line: text, ids, pieces."),
    ]

    let tokenizerPath: String?
    let checkpointPath: String?
    let modelPath: String?
    let side: Side
    let pieces: Bool
    let json: Bool
    let texts: [String]

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        tokenizerPath = arguments.text("tokenizer")
        checkpointPath = arguments.text("checkpoint")
        modelPath = arguments.text("model")
        side = arguments.choice("side", as: Side.self)
        pieces = arguments.flag("pieces")
        json = arguments.flag("json")
        texts = arguments.positionals
        let given = [("tokenizer", tokenizerPath), ("checkpoint", checkpointPath), ("model", modelPath)].filter { $0.1 != nil }.map(\.0)
        if given.isEmpty { throw UsageError("tokenize: expected --tokenizer FILE, --checkpoint FILE or --model DIR, got none of them") }
        if given.count > 1 { throw UsageError("--\(given[0]): cannot be combined with --\(given[1]); give one of them") }
        if pieces && json { throw UsageError("--pieces: cannot be combined with --json (which prints both); give one of them") }
        if tokenizerPath != nil && arguments.isGiven("side") {
            throw UsageError("--side: only with a translation --checkpoint, not with --tokenizer")
        }
        for (option, value) in [("tokenizer", tokenizerPath), ("checkpoint", checkpointPath), ("model", modelPath)] where value?.isEmpty == true {
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

    /// The --tokenizer file, the --checkpoint's tokenizer (of --side for a translation model), or the
    /// --model directory's tokenizer of --side.
    func loadTokenizer() throws -> any TextTokenizer {
        if let tokenizerPath {
            return try TokenizerFile.load(URL(fileURLWithPath: tokenizerPath))
        }
        if let modelPath {
            guard FileManager.default.fileExists(atPath: modelPath) else {
                throw CommandFailure("\(modelPath): no such directory (expected a MarianMT directory for --model)", status: ExitCode.noInput)
            }
            do {
                return try MarianTokenizer.load(directory: URL(fileURLWithPath: modelPath, isDirectory: true),
                                                side: side == .source ? .source : .target)
            } catch {
                throw CommandFailure("\(error)", status: ExitCode.dataError)
            }
        }
        let path = checkpointPath!
        switch try FamilyCheckpoint.family(path) {
        case .encoderClassifier: return try FamilyCheckpoint.classifier(path).tokenizer
        case .decoderLanguageModel: return try FamilyCheckpoint.languageModel(path).tokenizer
        case .visionTransformer:
            throw CommandFailure("\(path): holds \(ModelFamily.visionTransformer.description), which has no tokenizer", status: ExitCode.usage)
        case .encoderDecoder:
            let tokenizers = try TrainedCheckpoint.load(path).tokenizers
            return side == .source ? tokenizers.source : tokenizers.target
        }
    }
}
