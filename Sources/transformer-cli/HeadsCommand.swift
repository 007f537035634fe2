import Foundation
import TransformerCore

/// `transformer-cli heads`: how much each attention head of a checkpoint matters on a data file.
struct HeadsCommand: Command {
    static let name = "heads"
    static let abstract = "Measure how much each attention head matters."
    static let discussion = """
        Measures every head of every attention of --checkpoint on --data (read as evaluate reads it for the \
        checkpoint's family) two ways (Michel et al. 2019, "Are Sixteen Heads Really Better than One?"). \
        Ablation: the validation loss and the task's metric (greedy exact match for translation, accuracy \
        for a classifier, perplexity for a language model) with that head alone masked, as changes from \
        the unmasked model. Gradient: the expected |dL/dξ| of the loss with respect to the head's gate ξ \
        at 1 over the file's batches, divided by the l2 norm of its attention's scores (the paper's \
        normalisation; larger matters more). Layers and heads are numbered from 1; a pruned model's heads \
        keep their original numbers. --plot draws both measures as a layer x head heatmap (.svg or .png).
        """

    static let options: [OptionSpec] = [
        .text("checkpoint", default: nil, required: true, help: "A checkpoint written by train or prune."),
        .text("data", default: nil, required: true,
              help: "Data to measure on: pairs, labelled texts or a plain text, as the checkpoint's task reads."),
        .integer("batch-size", in: ConfigurationOptions.sizes, default: 64, help: "Examples run through the model at once."),
        .integer("gradient-batches", in: 1...1_000_000, default: nil,
                 help: "Batches the gradient measure averages over (default: every batch of --data)."),
        .flag("skip-invalid", help: "Leave out invalid lines (and say how many) instead of stopping with exit 65."),
        .flag("json", help: "Print one JSON object instead of the table."),
        .text("plot", default: nil, help: "Also draw the importance heatmap into this .svg or .png file."),
    ]

    let checkpointPath: String
    let dataPath: String
    let batchSize: Int
    let gradientBatches: Int?
    let skipInvalid: Bool
    let json: Bool
    let plot: String?

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        checkpointPath = arguments.text("checkpoint")!
        dataPath = arguments.text("data")!
        batchSize = arguments.integer("batch-size")
        gradientBatches = arguments.optionalInteger("gradient-batches")
        skipInvalid = arguments.flag("skip-invalid")
        json = arguments.flag("json")
        plot = arguments.text("plot")
    }

    func validate() throws(UsageError) {
        try FigureFile.check(plot, option: "plot")
    }

    func run() throws -> Int32 {
        let measurement = try HeadMeasurement.load(checkpointPath, data: dataPath, batchSize: batchSize, skipInvalid: skipInvalid)
        let importance = try measurement.measure(gradientBatches) { done, total in
            if done == total || done % max(1, total / 4) == 0 { printError("masked \(done) of \(total) heads") }
        }
        if let path = plot {
            let figure = importance.figure(title: "Head importance: \(URL(fileURLWithPath: checkpointPath).lastPathComponent) on "
                                               + URL(fileURLWithPath: dataPath).lastPathComponent,
                                           headCount: measurement.headCount)
            try FigureFile.write(figure, to: path, option: "plot")
        }
        let metric = importance.baselineMetric
        if json {
            print(JSONLine.render(.object([
                ("checkpoint", .string(checkpointPath)), ("data", .string(dataPath)),
                ("loss", JSONLine.number(importance.baselineLoss)), ("metric", .string(metric.name)),
                ("metric_value", .number(metric.value)), ("gradient_batches", .integer(importance.gradientBatchCount)),
                ("heads", .array(importance.heads.map { head in
                    .object([("attention", .string(head.kind.name)), ("layer", .integer(head.layer + 1)),
                             ("head", .integer(head.head + 1)), ("masked_loss", JSONLine.number(head.ablatedLoss)),
                             ("masked_metric", .number(head.ablatedMetric)), ("gradient", .number(head.gradient)),
                             ("gradient_normalized", .number(head.normalizedGradient))])
                })),
            ])))
            return ExitCode.success
        }
        let percent = metric.name != "perplexity"
        func show(_ value: Double) -> String { percent ? String(format: "%.2f%%", 100 * value) : String(format: "%.3f", value) }
        func change(_ value: Double) -> String { percent ? String(format: "%+.2f", 100 * value) : String(format: "%+.3f", value) }
        print("Heads of \(checkpointPath) on \(dataPath): loss \(String(format: "%.4f", importance.baselineLoss)), "
              + "\(metric.name) \(show(metric.value)); gradient over \(importance.gradientBatchCount) batches")
        var rows = [["attention", "layer", "head", "loss masked", "change", "\(metric.name) masked",
                     percent ? "change (points)" : "change", "gradient", "normalized"]]
        for head in importance.heads {
            rows.append([head.kind.name, "\(head.layer + 1)", "\(head.head + 1)", String(format: "%.4f", head.ablatedLoss),
                         String(format: "%+.4f", head.ablatedLoss - importance.baselineLoss), show(head.ablatedMetric),
                         change(head.ablatedMetric - metric.value), String(format: "%.4g", head.gradient),
                         String(format: "%.3f", head.normalizedGradient)])
        }
        print(TextFormatting.table(rows, rightAligned: [1, 2, 3, 4, 5, 6, 7, 8]))
        return ExitCode.success
    }
}
