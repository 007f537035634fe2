import Foundation
import TransformerCore

/// `transformer-cli classify-image`: the most probable classes of each image, with a Vision Transformer
/// trained by `train --task image-classify`.
struct ClassifyImageCommand: Command {
    static let name = "classify-image"
    static let abstract = "Classify images with a trained Vision Transformer."
    static let discussion = """
        Reads each <image> (PNG, binary PGM or PPM), or when none is given each path on a line of \
        standard input, prepares it as in training (converted to the model's channels, resized to its \
        input with bilinear filtering, normalised), and prints the path and the --top most probable \
        classes with their probabilities; with --json one JSON object a line: the image, the label and \
        the top classes.
        """

    static let positional: PositionalSpec? = PositionalSpec(
        name: "image", help: "An image file; none: read paths from standard input, one a line.")

    static let options: [OptionSpec] = [
        .text("checkpoint", default: nil, required: true, help: "A checkpoint written by train --task image-classify."),
        .integer("top", in: 1...1000, default: 5, help: "Classes printed per image (at most the model's)."),
        .integer("batch-size", in: 1...4096, default: 32, help: "Images per forward pass."),
        .flag("json", help: "Print one JSON object a line: image, label, top classes with probabilities."),
    ]

    let checkpointPath: String
    let paths: [String]
    let top: Int
    let batchSize: Int
    let json: Bool

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        checkpointPath = arguments.text("checkpoint")!
        paths = arguments.positionals
        top = arguments.integer("top")
        batchSize = arguments.integer("batch-size")
        json = arguments.flag("json")
    }

    func run() throws -> Int32 {
        let bundle = try FamilyCheckpoint.vision(checkpointPath)
        let inputs = commandInputs(paths).filter { !$0.text.isEmpty }
        guard !inputs.isEmpty else { throw UsageError("<image>: expected image files as arguments or on standard input, got none") }
        // Every file is read before the first line is printed: a bad file stops the command with nothing half done.
        var images: [PixelImage] = []
        for input in inputs {
            do { images.append(try ImageDataset.image(at: URL(fileURLWithPath: input.text))) }
            catch { throw CommandFailure("\(error)", status: ExitCode.dataError) }
        }
        let preprocessor = ImagePreprocessor(bundle.model.configuration)
        let probabilities = ImageClassificationTask.probabilities(model: bundle.model, images: images.map(preprocessor.prepared),
                                                                  batchSize: batchSize)
        let k = bundle.labels.count, shown = min(top, k)
        let width = bundle.labels.map(\.count).max() ?? 1
        for (row, input) in inputs.enumerated() {
            let p = Array(probabilities[(row * k)..<((row + 1) * k)])
            let ranked = (0..<k).sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }.prefix(shown)
            if json {
                print(JSONLine.render(.object([
                    ("image", .string(input.text)), ("label", .string(bundle.labels[ranked.first!])),
                    ("top", .array(ranked.map { .object([("label", .string(bundle.labels[$0])), ("probability", JSONLine.number(p[$0]))]) })),
                ])))
            } else {
                print(input.text)
                for j in ranked {
                    print("  " + bundle.labels[j].padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "  %6.2f%%", 100 * p[j]))
                }
            }
        }
        return ExitCode.success
    }
}
