import Foundation
import TransformerCore

/// `transformer-cli generate`: continues a prompt with a language model trained by `train --task lm`.
struct GenerateCommand: Command {
    static let name = "generate"
    static let abstract = "Continue a prompt with a trained language model."
    static let discussion = """
        Feeds --prompt through the model, then samples --max-new-tokens tokens one at a time with the \
        key/value cache, writing each as it comes: p = softmax(logits / --temperature), kept to the \
        --top-k most probable and to the smallest set reaching --top-p; --temperature 0 is greedy. The \
        same --seed gives the same text. Past the model's context the last half of the text so far is \
        kept as the context.
        """

    static let options: [OptionSpec] = [
        .text("checkpoint", default: nil, required: true, help: "A checkpoint written by train --task lm."),
        .text("prompt", default: nil, required: true, help: "The text to continue (at least one token)."),
        .integer("max-new-tokens", in: 0...1_000_000, default: 200, help: "Tokens to generate."),
        .number("temperature", .nonNegative, default: 1, help: "Softmax temperature; 0: always the most probable token."),
        .integer("top-k", in: 1...Int.max, default: nil, help: "Sample among the k most probable tokens only."),
        .number("top-p", .probability, default: nil, help: "Sample among the most probable tokens reaching this probability."),
        .seed(default: 0, help: "Seed of the sampling."),
    ]

    let arguments: ParsedArguments

    init(parsing arguments: ParsedArguments) throws(UsageError) { self.arguments = arguments }

    func validate() throws(UsageError) {
        if let p = arguments.optionalNumber("top-p"), p <= 0 {
            throw .invalidValue(option: "top-p", expected: "a probability above 0", found: "\(p)")
        }
    }

    func run() throws -> Int32 {
        let bundle = try FamilyCheckpoint.languageModel(arguments.text("checkpoint")!)
        let prompt = arguments.text("prompt")!
        let ids = bundle.tokenizer.encodeIDs(prompt)
        guard !ids.isEmpty else {
            throw CommandFailure("--prompt: expected at least one token, got \(UsageError.quoted(prompt))", status: ExitCode.usage)
        }
        let unknown = ids.filter { $0 == bundle.tokenizer.specialTokens.unknown }.count
        if unknown > 0 { printError("note: \(unknown) prompt token\(unknown == 1 ? " is" : "s are") not in the vocabulary, read as <unk>") }
        let sampling = SamplingSettings(temperature: arguments.number("temperature"), topK: arguments.optionalInteger("top-k"),
                                        topP: arguments.optionalNumber("top-p"), seed: arguments.unsignedInteger("seed"))
        FileHandle.standardOutput.write(Data(prompt.utf8))
        // Streamed by decoding all ids so far and writing what the text gained: subword pieces join (and
        // byte pieces complete a character) only in context. Compared as UTF-8 bytes (a combining mark
        // joins the character before it); a text ending in U+FFFD waits for its next byte.
        var generated: [Int] = [], shown = Array(bundle.tokenizer.decode(ids).utf8)
        _ = TextGenerator(model: bundle.model).generate(prompt: ids, maximumNewTokens: arguments.integer("max-new-tokens"),
                                                        sampling: sampling) { id in
            generated.append(id)
            let text = Array(bundle.tokenizer.decode(ids + generated).utf8)
            guard text.starts(with: shown), !text.ends(with: [0xEF, 0xBF, 0xBD]) else { return }
            FileHandle.standardOutput.write(Data(text[shown.count...]))
            shown = text
        }
        FileHandle.standardOutput.write(Data("\n".utf8))
        return ExitCode.success
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
