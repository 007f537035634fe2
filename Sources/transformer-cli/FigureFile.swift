import Foundation
import TransformerCore

/// An option naming one .svg or .png file a command draws a heatmap figure into (`evaluate
/// --confusion-plot`, `heads --plot`): checked before any work, written atomically after it.
enum FigureFile {
    /// A usage error unless `path` (when given) ends in .svg or .png.
    static func check(_ path: String?, option: String) throws(UsageError) {
        if let path, !(path.hasSuffix(".svg") || path.hasSuffix(".png")) {
            throw .invalidValue(option: option, expected: "a file name ending in .svg or .png", found: UsageError.quoted(path))
        }
    }

    /// Writes `figure` as SVG or PNG (by the extension) and says so on standard error; exit 73 when it
    /// cannot be written (nothing half-written is left).
    static func write(_ figure: HeatmapFigure, to path: String, option: String) throws {
        let bytes = path.hasSuffix(".svg") ? Array(figure.svg().utf8) : figure.png()
        do {
            try AtomicFile.write(to: URL(fileURLWithPath: path)) { (output) throws(AtomicWriteError.Cause) in try output.write(bytes) }
        } catch {
            throw CommandFailure("--\(option): \(path): cannot be written (\(error))", status: ExitCode.cannotCreate)
        }
        printError("wrote \(path)")
    }
}
