import Foundation
import TransformerCore

/// `transformer-cli plot-loss`: the training and validation loss of a run, and its learning rate,
/// against the step, from the `metrics.csv` that `train` writes in its log directory.
struct PlotLossCommand: Command {
    static let name = "plot-loss"
    static let abstract = "Draw a run's loss and learning rate against step."
    static let discussion = """
        Reads metrics.csv from --logdir (the directory train logged to; a path to the CSV file itself \
        also works) and draws two panels against the optimizer step: the training loss (label-smoothed, \
        the mean over each --log-every interval) with the validation loss (per token, no smoothing), \
        on a logarithmic axis unless --loss-scale linear; and the learning rate. A resumed run's rows \
        are read as one run: when a step was logged twice, the later row counts. Writes loss.svg or \
        loss.png into --out (default: --logdir) and prints its path. train draws loss.svg itself at the \
        end of every run.
        """

    static let options: [OptionSpec] = [
        .text("logdir", default: nil, required: true, help: "The run's log directory, holding metrics.csv."),
        .text("out", default: nil, help: "Directory for the picture; default: --logdir."),
        .choice("format", PictureFormat.self, default: .svg, help: "Picture format."),
        .choice("loss-scale", LossScale.self, default: .log, help: "Scale of the loss axis."),
        .flag("skip-invalid", help: "Leave out malformed rows (say how many) instead of stopping with exit 65."),
    ]

    let logPath: String
    let out: OutputDirectory
    let format: PictureFormat
    let scale: LossScale
    let skipInvalid: Bool

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        logPath = arguments.text("logdir")!
        format = arguments.choice("format", as: PictureFormat.self)
        scale = arguments.choice("loss-scale", as: LossScale.self)
        skipInvalid = arguments.flag("skip-invalid")
        let isFile = logPath.hasSuffix(".csv")
        let defaultOut = isFile ? (URL(fileURLWithPath: logPath).deletingLastPathComponent().relativePath) : logPath
        out = OutputDirectory(option: arguments.isGiven("out") ? "out" : "logdir", path: arguments.text("out") ?? defaultOut)
    }

    func validate() throws(UsageError) {
        if logPath.isEmpty { throw .invalidValue(option: "logdir", expected: "a directory", found: "an empty path") }
        if out.path.isEmpty { throw .invalidValue(option: "out", expected: "a directory", found: "an empty path") }
    }

    func run() throws -> Int32 {
        try out.check()
        let csvPath = Self.metricsPath(logPath)
        let log: MetricsLog
        do {
            log = try MetricsCSVReader.read(path: csvPath, skipMalformedRows: skipInvalid)
        } catch {
            let status = error.problem == .missing || error.problem == .unreadable ? ExitCode.noInput : ExitCode.dataError
            let hint = status == ExitCode.dataError ? "; --skip-invalid leaves such rows out" : ""
            throw CommandFailure(error.description + hint, status: status)
        }
        if let first = log.skipped.first {
            printError("note: left out \(log.skipped.count) malformed row\(log.skipped.count == 1 ? "" : "s"), the first: \(first)")
        }
        guard let figure = log.lossFigure(title: "Loss: \(Self.runName(logPath))", logarithmicLoss: scale == .log) else {
            throw CommandFailure("\(csvPath): no train/loss or val/loss rows to draw (tags found: "
                                 + (log.tags.isEmpty ? "none" : log.tags.prefix(8).joined(separator: ", ")) + ")",
                                 status: ExitCode.dataError)
        }
        var files = PlotFiles(directory: out)
        files.add("loss." + format.fileExtension, bytes: format == .svg ? Array(figure.svg().utf8) : figure.png())
        try files.write()
        return ExitCode.success
    }

    /// `dir/metrics.csv`, or the path itself when it names a `.csv` file.
    static func metricsPath(_ path: String) -> String {
        path.hasSuffix(".csv") ? path : PlotFiles.path(in: path, MetricsCSVWriter.defaultFileName)
    }

    /// The run's name for the title: the log directory as typed, without a trailing slash.
    static func runName(_ path: String) -> String {
        var name = path.hasSuffix(".csv") ? URL(fileURLWithPath: path).deletingLastPathComponent().relativePath : path
        while name.count > 1 && name.hasSuffix("/") { name.removeLast() }
        return name
    }
}

/// `--loss-scale` of `plot-loss`.
enum LossScale: String, CaseIterable {
    case log, linear
}
