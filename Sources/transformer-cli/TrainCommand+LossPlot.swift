import Foundation
import TransformerCore

extension TrainCommand {
    /// Draws `loss.svg` in the log directory from its `metrics.csv` at the end of a run (also one stopped
    /// by a signal, after its checkpoint is saved). Never fails the run: any problem (unreadable metrics,
    /// no loss logged yet, a failed write) is one `warning:` line on stderr, and the run's exit status
    /// stays what it was. Malformed rows (a row cut short by a crash before a resume) are left out.
    func writeLossPlot(logDirectory: OutputDirectory) {
        let csvPath = PlotFiles.path(in: logDirectory.path, MetricsCSVWriter.defaultFileName)
        let destination = PlotFiles.path(in: logDirectory.path, "loss.svg")
        do {
            let log = try MetricsCSVReader.read(path: csvPath, skipMalformedRows: true)
            guard let figure = log.lossFigure(title: "Loss: \(PlotLossCommand.runName(logDirectory.path))") else {
                return   // nothing logged yet (stopped before the first --log-every steps): no picture, no noise
            }
            try AtomicFile.write(Array(figure.svg().utf8), to: URL(fileURLWithPath: destination))
            print("Loss plot: \(destination)")
        } catch {
            printError("warning: could not draw the loss plot \(destination) (the run itself is unaffected): "
                       + UsageError.singleLine("\(error)"))
        }
    }
}
