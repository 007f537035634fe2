/// The loss curves of a training run, from its `metrics.csv` (``MetricsCSVReader``): what `train` leaves
/// in its log directory as `loss.svg` and `transformer-cli plot-loss` draws.
///
/// ```swift
/// let log = try MetricsCSVReader.read(path: "runs/pig-latin/metrics.csv")
/// if let figure = log.lossFigure(title: "runs/pig-latin") { print(figure.svg()) }
/// ```
extension MetricsLog {
    /// Tags drawn on the loss panel, with their legend names, and on the learning-rate panel.
    public static let trainingLossTag = "train/loss", validationLossTag = "val/loss", learningRateTag = "train/lr"

    /// Whether the log holds a training or validation loss to draw.
    public var hasLoss: Bool {
        [Self.trainingLossTag, Self.validationLossTag].contains { !(series[$0] ?? []).isEmpty }
    }

    /// Two panels against the step: the training loss (the mean over each logging interval, with label
    /// smoothing) and the validation loss (per token, no smoothing), then the learning rate when it was
    /// logged. The loss axis is logarithmic when `logarithmicLoss` and every loss is positive; non-finite
    /// values are skipped. Nil when the log holds no loss at all.
    public func lossFigure(title: String, logarithmicLoss: Bool = true) -> LineFigure? {
        guard hasLoss else { return nil }
        func points(_ tag: String) -> [LinePoint] {
            (series[tag] ?? []).map { LinePoint(x: Double($0.step), y: Double($0.value)) }
        }
        let training = points(Self.trainingLossTag), validation = points(Self.validationLossTag)
        let finiteLosses = (training + validation).map(\.y).filter(\.isFinite)
        let logarithmic = logarithmicLoss && finiteLosses.allSatisfy { $0 > 0 }
        var losses: [LineSeries] = []
        if !training.isEmpty { losses.append(LineSeries(name: "training (label-smoothed)", points: training)) }
        if !validation.isEmpty { losses.append(LineSeries(name: "validation", points: validation)) }
        var panels = [LinePanel(title: "loss", yAxisTitle: "cross-entropy (nats per token)", series: losses,
                                logarithmicY: logarithmic)]
        let rate = points(Self.learningRateTag)
        if !rate.isEmpty {
            panels.append(LinePanel(title: "learning rate", yAxisTitle: "learning rate",
                                    series: [LineSeries(name: "lr", points: rate)]))
        }
        return LineFigure(title: title, xAxisTitle: "step", panels: panels)
    }
}
