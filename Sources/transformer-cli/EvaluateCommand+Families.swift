import Foundation
import TransformerCore

/// `evaluate` for a text classifier, an image classifier and a language model.
extension EvaluateCommand {
    func evaluateClassifier() throws -> Int32 {
        let classifier = try FamilyCheckpoint.classifier(checkpointPath)
        let examples = try CheckpointData.labeledExamples(dataPath, classifier: classifier)
        let report = ClassificationTask.evaluate(model: classifier.model, examples: examples, batchSize: .sentences(batchSize))
        return try reportClassification(report, labels: classifier.labels, count: examples.count, noun: "texts")
    }

    /// `evaluate` for an image classifier: an image folder, or the t10k test split of an MNIST-layout directory.
    func evaluateImageClassifier() throws -> Int32 {
        let bundle = try FamilyCheckpoint.vision(checkpointPath)
        let dataset = try TrainCommand.readImages(dataPath, split: .test)
        var classIndex: [Int] = []
        for name in dataset.classes {
            guard let k = bundle.labels.firstIndex(of: name) else {
                throw CommandFailure("\(dataPath): class '\(name)' is not a class of the model (\(bundle.labels.joined(separator: ", ")))",
                                     status: ExitCode.dataError)
            }
            classIndex.append(k)
        }
        let preprocessor = ImagePreprocessor(bundle.model.configuration)
        let examples = dataset.examples.map { ImageExample(image: preprocessor.prepared($0.image), label: classIndex[$0.label]) }
        let report = ImageClassificationTask.evaluate(model: bundle.model, examples: examples, batchSize: batchSize)
        return try reportClassification(report, labels: bundle.labels, count: examples.count, noun: "images")
    }

    /// Prints a classification evaluation (or its --json line) and writes --confusion-plot.
    func reportClassification(_ report: ClassificationReport, labels: [String], count: Int, noun: String) throws -> Int32 {
        let m = report.metrics
        if let path = confusionPlot {
            let figure = m.confusionFigure(labels: labels, title: "Confusion: \(URL(fileURLWithPath: dataPath).lastPathComponent)")
            try FigureFile.write(figure, to: path, option: "confusion-plot")
        }
        if json {
            print(JSONLine.render(.object([
                (noun, .integer(count)), ("loss", JSONLine.number(report.loss)),
                ("accuracy", .number(m.accuracy)), ("macro_f1", .number(m.macroF1)),
                ("classes", .array(labels.map { .string($0) })),
                ("per_class", .object(labels.indices.map { k in
                    (labels[k], .object([("precision", .number(m.precision(k))), ("recall", .number(m.recall(k))),
                                         ("f1", .number(m.f1(k))), ("support", .integer(m.confusion[k].reduce(0, +)))]))
                })),
                ("confusion", .array(m.confusion.map { .array($0.map { .integer($0) }) })),
            ])))
            return ExitCode.success
        }
        print("\(noun.prefix(1).uppercased() + noun.dropFirst()): \(TextFormatting.grouped(count)) from \(dataPath)")
        print(String(format: "accuracy  %.2f%%\nmacro-F1  %.2f%%\nloss      %.4f nats/", 100 * m.accuracy, 100 * m.macroF1, report.loss)
              + noun.dropLast())
        let width = max(5, labels.map(\.count).max() ?? 5)
        func pad(_ text: String) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        print("\n\(pad("class"))  precision  recall     F1  support")
        for k in labels.indices {
            print(pad(labels[k]) + String(format: "  %8.2f%%  %5.2f%%  %5.2f%%  %7d", 100 * m.precision(k), 100 * m.recall(k),
                                          100 * m.f1(k), m.confusion[k].reduce(0, +)))
        }
        print("\nconfusion (rows: true class, columns: predicted)")
        print(pad("") + "  " + labels.map { pad($0) }.joined(separator: " "))
        for k in labels.indices {
            print(pad(labels[k]) + "  " + m.confusion[k].map { pad(String($0)) }.joined(separator: " "))
        }
        return ExitCode.success
    }

    func evaluateLanguageModel() throws -> Int32 {
        if confusionPlot != nil { throw UsageError("--confusion-plot: only for a classifier's checkpoint") }
        let bundle = try FamilyCheckpoint.languageModel(checkpointPath)
        let (text, ids) = try CheckpointData.text(dataPath, languageModel: bundle)
        let context = bundle.model.configuration.maximumLength
        let report = LanguageModelTask.evaluate(model: bundle.model, ids: ids, characters: text.count, context: context,
                                                batchSize: batchSize)
        if json {
            print(JSONLine.render(.object([
                ("tokens", .integer(report.tokenCount)), ("characters", .integer(report.characterCount)),
                ("loss", JSONLine.number(report.loss)), ("perplexity", .number(report.perplexity)),
                ("bits_per_character", .number(report.bitsPerCharacter)), ("context", .integer(context)),
            ])))
            return ExitCode.success
        }
        print("Text: \(TextFormatting.grouped(text.count)) characters, \(TextFormatting.grouped(ids.count)) tokens from \(dataPath); "
              + "windows of \(context) tokens")
        print(String(format: "loss        %.4f nats/token\nperplexity  %.3f\nbits/char   %.4f", report.loss, report.perplexity,
                     report.bitsPerCharacter))
        return ExitCode.success
    }
}
