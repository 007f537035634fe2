import Foundation
import TransformerCore

/// `transformer-cli plot-positional-encoding`: the paper's sinusoidal table PE as a heatmap, positions
/// down, dimensions across.
struct PlotPositionalEncodingCommand: Command {
    static let name = "plot-positional-encoding"
    static let abstract = "Draw the sinusoidal positional-encoding table."
    static let discussion = """
        Draws PE(pos, 2i) = sin(pos / 10000^(2i/d_model)) and PE(pos, 2i+1) = cos(pos / \
        10000^(2i/d_model)) (paper section 3.5) for positions 0 to --length - 1 (rows) and dimensions \
        0 to --d-model - 1 (columns), on a colour scale from -1 to 1: fast waves in the first \
        dimensions, slow ones in the last. Writes positional-encoding.svg or .png into --out and \
        prints its path. At most 262,144 cells (--length times --d-model, e.g. 512 x 512). An odd --d-model is \
        allowed, as the model allows it: its last column is a sine without its cosine.
        """

    /// 512 x 512: the paper's d_model over 512 positions; an SVG of that size is about 40 MB.
    static let maximumCells = 512 * 512

    static let options: [OptionSpec] = [
        .integer("d-model", in: 1...4096, default: 64, help: "Model dimension d_model: the table's columns."),
        .integer("length", in: 1...4096, default: 50, help: "Positions: the table's rows."),
        .text("out", default: nil, required: true, help: "Directory for the picture; created if missing."),
        .choice("format", PictureFormat.self, default: .svg, help: "Picture format."),
    ]

    let dimension: Int
    let length: Int
    let out: OutputDirectory
    let format: PictureFormat

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        dimension = arguments.integer("d-model")
        length = arguments.integer("length")
        out = OutputDirectory(option: "out", path: arguments.text("out")!)
        format = arguments.choice("format", as: PictureFormat.self)
    }

    func validate() throws(UsageError) {
        if out.path.isEmpty { throw .invalidValue(option: "out", expected: "a directory", found: "an empty path") }
        if length * dimension > Self.maximumCells {
            throw UsageError("--length \(length) x --d-model \(dimension) is \(TextFormatting.grouped(length * dimension)) "
                             + "cells; expected at most \(TextFormatting.grouped(Self.maximumCells))")
        }
    }

    func run() throws -> Int32 {
        try out.check()
        let figure = PositionalEncoding.sinusoidFigure(length: length, dimension: dimension)
        var files = PlotFiles(directory: out)
        files.add("positional-encoding." + format.fileExtension,
                  bytes: format == .svg ? Array(figure.svg().utf8) : figure.png())
        try files.write()
        return ExitCode.success
    }
}
