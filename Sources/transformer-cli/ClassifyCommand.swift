import Foundation
import TransformerCore

/// `transformer-cli classify`: the label of each text, with a classifier trained by `train --task classify`.
struct ClassifyCommand: Command {
    static let name = "classify"
    static let abstract = "Label texts with a trained classifier."
    static let discussion = """
        Classifies each <text>, or when none is given each line of standard input, and prints one line \
        per input: the most probable label, or with --json a JSON object with the input, the label and \
        every class's probability. Texts are cut into tokens as in training (and cut to the model's \
        length); unknown tokens become <unk>.
        """

    static let positional: PositionalSpec? = PositionalSpec(
        name: "text", help: "A text to classify; none: read standard input, one text a line.")

    static let options: [OptionSpec] = [
        .text("checkpoint", default: nil, required: true, help: "A checkpoint written by train --task classify."),
        .flag("json", help: "Print one JSON object a line: input, label, probabilities."),
    ]

    let checkpointPath: String
    let texts: [String]
    let json: Bool

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        checkpointPath = arguments.text("checkpoint")!
        texts = arguments.positionals
        json = arguments.flag("json")
    }

    func run() throws -> Int32 {
        let classifier = try FamilyCheckpoint.classifier(checkpointPath)
        let model = classifier.model
        let inputs = commandInputs(texts)
        let k = classifier.labels.count
        for chunk in stride(from: 0, to: inputs.count, by: 64).map({ Array(inputs[$0..<min($0 + 64, inputs.count)]) }) {
            let ids = chunk.map { Array(classifier.tokenizer.encodeIDs($0.text).prefix(model.maximumTokens)) }
            let length = max(1, ids.map(\.count).max() ?? 1)
            let padded = ids.map { $0 + [Int](repeating: model.specialTokens.padding, count: length - $0.count) }
            let logits = model.inferring { model(padded) }                                      // [B, K]
            let probabilities = Tensor.withoutGradients { logits.softmax() }.scalars                  // [B, K]
            for (row, input) in chunk.enumerated() {
                let p = Array(probabilities[(row * k)..<((row + 1) * k)])
                var best = 0
                for j in 1..<k where p[j] > p[best] { best = j }
                if json {
                    print(JSONLine.render(.object([
                        ("input", .string(input.text)), ("label", .string(classifier.labels[best])),
                        ("probabilities", .object(zip(classifier.labels, p).map { ($0, JSONLine.number($1)) })),
                    ])))
                } else {
                    print(classifier.labels[best])
                }
            }
        }
        return ExitCode.success
    }
}
