import Foundation
import TransformerCore

/// `transformer-cli plot-lines`: a line chart of any `series,x,y` CSV (a study's results), drawn by the
/// package's own ``LineFigure`` (Scripts/length-generalisation.sh draws exact match against word length).
struct PlotLinesCommand: Command {
    static let name = "plot-lines"
    static let abstract = "Draw a line chart of a series,x,y CSV file."
    static let discussion = """
        Reads --csv, a file whose first line is 'series,x,y' and whose other lines are 'name,x,y' with \
        numbers x and y (one line per point; a series' points in the order given, the series in the order \
        of their first line), and draws one line per series in one panel with a legend. Writes --out, an \
        .svg or .png file, and prints its path.
        """

    static let options: [OptionSpec] = [
        .text("csv", default: nil, required: true, help: "The points: a 'series,x,y' header, then 'name,x,y' lines."),
        .text("out", default: nil, required: true, help: "The picture to write: a file ending in .svg or .png."),
        .text("title", default: nil, help: "Title above the chart."),
        .text("x-title", default: "x", help: "Title of the x axis."),
        .text("y-title", default: "y", help: "Title of the y axis."),
        .flag("log-y", help: "Logarithmic y axis."),
    ]

    let csvPath: String
    let outPath: String
    let title: String
    let xTitle: String
    let yTitle: String
    let logarithmicY: Bool

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        csvPath = arguments.text("csv")!
        outPath = arguments.text("out")!
        title = arguments.text("title") ?? ""
        xTitle = arguments.text("x-title") ?? "x"
        yTitle = arguments.text("y-title") ?? "y"
        logarithmicY = arguments.flag("log-y")
    }

    func validate() throws(UsageError) {
        if csvPath.isEmpty { throw .invalidValue(option: "csv", expected: "a file", found: "an empty path") }
        try FigureFile.check(outPath, option: "out")
    }

    func run() throws -> Int32 {
        guard let data = FileManager.default.contents(atPath: csvPath) else {
            throw CommandFailure("\(csvPath): file not found or unreadable", status: ExitCode.noInput)
        }
        let series: [LineSeries]
        do { series = try LineSeries.parseCSV(String(decoding: data, as: UTF8.self)) }
        catch { throw CommandFailure("\(csvPath): \(error)", status: ExitCode.dataError) }
        guard !series.isEmpty else {
            throw CommandFailure("\(csvPath): expected at least one 'name,x,y' line after the header, found none",
                                 status: ExitCode.dataError)
        }
        let figure = LineFigure(title: title, xAxisTitle: xTitle,
                                panels: [LinePanel(title: "", yAxisTitle: yTitle, series: series, logarithmicY: logarithmicY)])
        let bytes = outPath.hasSuffix(".svg") ? Array(figure.svg().utf8) : figure.png()
        do {
            try AtomicFile.write(to: URL(fileURLWithPath: outPath)) { (output) throws(AtomicWriteError.Cause) in try output.write(bytes) }
        } catch {
            throw CommandFailure("--out: \(outPath): cannot be written (\(error))", status: ExitCode.cannotCreate)
        }
        print(outPath)
        return ExitCode.success
    }
}
