import Foundation
import TransformerCore

/// `transformer-cli plot-attention`: translates one text greedily and draws every attention map of that
/// translation as heatmaps (SVG or PNG, one picture per kind and layer), or one interactive HTML page.
struct PlotAttentionCommand: Command {
    static let name = "plot-attention"
    static let abstract = "Draw the attention weights a model used on a text."
    static let discussion = """
        Translates --text greedily with --checkpoint, then draws the attention weights the model used: \
        encoder self-attention (source x source), decoder masked self-attention (output x decoder \
        input) and decoder cross-attention (output x source), for every layer and head. Rows are \
        queries, columns keys; the colour scale runs from 0 to 1 and every row sums to 1. The source \
        axis shows the input's tokens and <eos>; a decoder row is labelled with the token the model \
        produced at that step.

        --format svg or png writes one picture per kind and layer with the heads in a grid \
        (cross-layer1.svg, ...); --kind, --layer and --head narrow that down, to a single map when all \
        three are given (cross-layer1-head2.svg). --format html writes attention.html, one \
        self-contained page where you pick kind, layer and head and hover a cell to read its weight. \
        --rollout adds the encoder's attention rollout (Abnar & Zuidema 2020: heads averaged, the \
        identity added for the residual, rows renormalised, multiplied through the layers). Layers \
        and heads count from 1. Files are written into --out (created if missing), each path printed.

        A classifier's checkpoint (train --task classify) draws its encoder self-attention over [CLS] \
        and the tokens of --text (the [CLS] row is what the pooled vector reads), with --rollout the \
        rollout; a language model's (train --task lm) draws the causal self-attention over the tokens \
        of --text as a prompt ('decoder' pictures).

        --model DIR draws a pretrained Hugging Face MarianMT directory's (opus-mt) attention instead: \
        --text is translated greedily with transformers' generate and generation_config.json's other \
        settings, then one teacher-forced pass gives the maps; the source axis shows the SentencePiece \
        pieces and </s> (labelled <eos>), the decoder keys start with the decoder start token (<sos>). \
        With a Hugging Face ViTForImageClassification directory, --model DIR --image FILE draws the \
        image pictures below (the image preprocessed as ViTImageProcessor does).

        An image model's checkpoint (train --task image-classify) takes --image instead of --text and \
        draws, for every layer, the [CLS] query's attention to each patch as a heatmap over the image \
        (one panel per head; the colour scale runs from 0 to the largest weight shown), with --rollout \
        the rollout of all layers from [CLS] the same way; --format html puts them on one page.
        """

    static let options: [OptionSpec] = [
        .text("checkpoint", default: nil, help: "A checkpoint written by train (last or best.safetensors)."),
        ModelSource.evaluateModelOption,
        .text("text", default: nil, help: "The text to translate and inspect (required unless --image)."),
        .text("image", default: nil, help: "An image (PNG, PGM, PPM) to inspect with a Vision Transformer checkpoint."),
        .text("out", default: nil, required: true, help: "Directory for the pictures; created if missing."),
        .choice("format", AttentionPictureFormat.self, default: .svg,
                help: "Pictures (one per kind and layer) or one interactive page."),
        .choice("kind", AttentionKind.self, help: "Only this attention: encoder self, decoder self, or cross; default: all three."),
        .integer("layer", in: 1...Int.max, default: nil, help: "Only this layer (from 1); default: every layer."),
        .integer("head", in: 1...Int.max, default: nil, help: "Only this head (from 1); default: all heads in a grid."),
        .flag("rollout", help: "Also draw the encoder's attention rollout through all layers."),
        .integer("max-len", in: 1...TransformerConfiguration.maximumSize, default: nil,
                 help: "Most output tokens, <eos> included; default and upper bound: the model's length."),
    ]

    let model: ModelSource
    let text: String
    let imagePath: String?
    let out: OutputDirectory
    let format: AttentionPictureFormat
    let kind: AttentionKind?
    let layer: Int?
    let head: Int?
    let rollout: Bool
    let maximumLength: Int?

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        model = try ModelSource(arguments)
        text = (arguments.text("text") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        imagePath = arguments.text("image")
        out = OutputDirectory(option: "out", path: arguments.text("out")!)
        format = arguments.choice("format", as: AttentionPictureFormat.self)
        kind = arguments.optionalChoice("kind", as: AttentionKind.self)
        layer = arguments.optionalInteger("layer")
        head = arguments.optionalInteger("head")
        rollout = arguments.flag("rollout")
        maximumLength = arguments.optionalInteger("max-len")
    }

    func validate() throws(UsageError) {
        if imagePath != nil && !text.isEmpty { throw UsageError("--image: cannot be combined with --text; give one of them") }
        if imagePath == "" { throw .invalidValue(option: "image", expected: "an image file", found: "an empty path") }
        if imagePath == nil && text.isEmpty {
            throw .invalidValue(option: "text", expected: "a text with at least one token", found: "an empty text")
        }
        if out.path.isEmpty { throw .invalidValue(option: "out", expected: "a directory", found: "an empty path") }
    }

    /// The --checkpoint path, or the --model directory.
    var checkpointPath: String {
        switch model {
        case .checkpoint(let path), .pretrained(let path): return path
        }
    }

    func run() throws -> Int32 {
        try out.check()
        if case .pretrained(let path) = model {
            if PretrainedVision.isViT(path) { return try plotImage(PretrainedVision.bundle(path)) }
            if let imagePath {
                throw UsageError("--image: \(path) is not a ViTForImageClassification directory (config.json with "
                                 + "model_type \"vit\"); give --text instead of --image \(imagePath)")
            }
            return try plotPretrained(path)
        }
        let family = try FamilyCheckpoint.family(checkpointPath)
        if family == .visionTransformer { return try plotImage(FamilyCheckpoint.vision(checkpointPath)) }
        if let imagePath {
            throw UsageError("--image: \(checkpointPath) holds \(family.description), not a Vision Transformer; "
                             + "give --text instead of --image \(imagePath)")
        }
        if family != .encoderDecoder { return try plotFamily(family) }
        let checkpoint = try TrainedCheckpoint.load(checkpointPath)
        let sites = checkpoint.model.attentionSites
        let layerCount = (sites.map(\.layer).max() ?? 0) + 1
        let headCount = (sites.flatMap(\.keptHeads).max() ?? 0) + 1
        // A recurrent model has only the decoder's attention over the encoder states (cross, one layer).
        let kinds = AttentionKind.allCases.filter { kind in sites.contains { $0.kind == kind } }
        if let kind, !kinds.contains(kind) {
            throw UsageError.invalidValue(option: "kind", expected: "\(kinds.map(\.name).joined(separator: " or ")) (a "
                                          + "\(checkpoint.model.architectureName) encoder-decoder has only that attention)", found: kind.name)
        }
        if rollout && !kinds.contains(.encoderSelf) {
            throw UsageError("--rollout: a \(checkpoint.model.architectureName) encoder-decoder has no encoder self-attention to roll out; leave --rollout out")
        }
        if let layer, layer > layerCount {
            throw UsageError.invalidValue(option: "layer", expected: "an integer from 1 to \(layerCount) (the model's layers)", found: "\(layer)")
        }
        if let head, head > headCount {
            throw UsageError.invalidValue(option: "head", expected: "an integer from 1 to \(headCount) (the model's heads)", found: "\(head)")
        }
        let translator = Translator(model: checkpoint.model, tokenizers: checkpoint.tokenizers)
        let count = checkpoint.tokenizers.source.encodeIDs(text).count
        if count > translator.maximumSourceTokens {
            throw CommandFailure("--text: \(count) \(checkpoint.tokenizers.source.name) tokens, more than the "
                                 + "\(translator.maximumSourceTokens) the model was trained for (its --max-len)",
                                 status: ExitCode.dataError)
        }
        checkpoint.model.setTraining(false)
        let report = try translator.attentionReport(for: text, maximumLength: maximumLength ?? checkpoint.model.maximumLength)
        if !report.unknownTokens.isEmpty {
            printError("note: --text: " + TranslateCommand.unknownNote(report.unknownTokens)
                       + "; labelled with their text")
        }
        print("Translation: \(report.caption(limit: 80))")
        try write(report, kinds: kind.map { [$0] } ?? kinds, layerCount: layerCount)
        return ExitCode.success
    }

    /// A classifier's or language model's report, drawn like a translation's.
    func plotFamily(_ family: ModelFamily) throws -> Int32 {
        let report: AttentionReport
        let available: AttentionKind
        switch family {
        case .encoderClassifier:
            let classifier = try FamilyCheckpoint.classifier(checkpointPath)
            report = AttentionReport.classifier(classifier.model, tokenizer: classifier.tokenizer, labels: classifier.labels, text: text)
            available = .encoderSelf
            print("Classified: \(report.input) -> \(report.output)")
        default:
            if rollout { throw UsageError("--rollout: a language model has no encoder to roll out; leave --rollout out") }
            let bundle = try FamilyCheckpoint.languageModel(checkpointPath)
            report = AttentionReport.languageModel(bundle.model, tokenizer: bundle.tokenizer, prompt: text)
            available = .decoderSelf
            print("Prompt: \(report.sourceTokens.count) tokens")
        }
        if let kind, kind != available {
            throw UsageError.invalidValue(option: "kind", expected: "\(available.name) (\(family.description) has only that attention)",
                                          found: kind.name)
        }
        if let layer, layer > report.layerCount {
            throw UsageError.invalidValue(option: "layer", expected: "an integer from 1 to \(report.layerCount) (the model's layers)", found: "\(layer)")
        }
        if let head, head > report.headCount {
            throw UsageError.invalidValue(option: "head", expected: "an integer from 1 to \(report.headCount) (the model's heads)", found: "\(head)")
        }
        if !report.unknownTokens.isEmpty {
            printError("note: --text: " + TranslateCommand.unknownNote(report.unknownTokens) + "; labelled with their text")
        }
        try write(report, kinds: [available], layerCount: report.layerCount)
        return ExitCode.success
    }

    /// An image model: the [CLS] attention of each layer and head over --image, and the rollout.
    /// The [CLS] attention pictures of a Vision Transformer, trained here (--checkpoint) or a Hugging Face
    /// ViT (--model).
    func plotImage(_ bundle: @autoclosure () throws -> FamilyCheckpoint.VisionBundle) throws -> Int32 {
        guard let imagePath else {
            throw UsageError.invalidValue(option: "image", expected: "an image file (\(checkpointPath) holds a Vision Transformer)",
                                          found: text.isEmpty ? "nothing" : "--text")
        }
        if let kind, kind != .encoderSelf {
            throw UsageError.invalidValue(option: "kind", expected: "encoder (a Vision Transformer has only that attention)", found: kind.name)
        }
        if maximumLength != nil { throw UsageError("--max-len: not for an image model; leave it out") }
        let bundle = try bundle()
        let image: PixelImage
        do { image = try ImageDataset.image(at: URL(fileURLWithPath: imagePath)) }
        catch { throw CommandFailure("\(error)", status: ExitCode.dataError) }
        let report = ImageAttentionReport(model: bundle.model, labels: bundle.labels, image: image)
        if let layer, layer > report.layerCount {
            throw UsageError.invalidValue(option: "layer", expected: "an integer from 1 to \(report.layerCount) (the model's layers)", found: "\(layer)")
        }
        let layers = layer.map { [$0 - 1] } ?? Array(0..<report.layerCount)
        if let head, let short = layers.first(where: { report.classRows[$0].count < head }) {
            throw UsageError.invalidValue(option: "head", expected: "an integer from 1 to \(report.classRows[short].count) "
                                          + "(the heads of layer \(short + 1))", found: "\(head)")
        }
        print("Classified: \(imagePath) -> \(report.label) " + String(format: "(%.1f%%)", 100 * report.probability))
        var figures = layers.map { l in
            ("encoder-layer\(l + 1)" + (head.map { "-head\($0)" } ?? ""), report.layerFigure(l, heads: head.map { [$0 - 1] }))
        }
        if rollout { figures.append(("encoder-rollout", report.rolloutFigure())) }
        var files = PlotFiles(directory: out)
        switch format {
        case .html:
            files.add("attention.html", text: ImageOverlayFigure.page(title: "Attention of \(checkpointPath) on \(imagePath)",
                                                                     figures: figures.map { (name: $0.0, figure: $0.1) }))
        case .svg, .png:
            for (name, figure) in figures {
                files.add(name + "." + format.rawValue, bytes: format == .svg ? Array(figure.svg().utf8) : figure.png())
            }
        }
        try files.write()
        return ExitCode.success
    }

    /// The pictures or the page of `report`, into --out.
    func write(_ report: AttentionReport, kinds: [AttentionKind], layerCount: Int) throws {
        var files = PlotFiles(directory: out)
        let layers = layer.map { [$0 - 1] } ?? Array(0..<layerCount)
        let heads = head.map { [$0 - 1] }
        if let head {   // a pruned model's layers may have fewer heads than the first layer
            for kind in kinds {
                for layer in layers where report.maps(kind: kind, layer: layer).count < head {
                    throw UsageError.invalidValue(option: "head", expected: "an integer from 1 to \(report.maps(kind: kind, layer: layer).count) "
                                                  + "(the heads \(kind.name) layer \(layer + 1) has after pruning)", found: "\(head)")
                }
            }
        }
        switch format {
        case .html:
            let page = report.viewerPage(kinds: kinds, layers: layers, heads: heads, includingRollout: rollout)
            files.add("attention.html", text: page.html())
        case .svg, .png:
            var figures: [(name: String, figure: HeatmapFigure)] = []
            for kind in kinds {
                for layer in layers {
                    let name = "\(kind.name)-layer\(layer + 1)" + (heads.map { "-head\($0[0] + 1)" } ?? "")
                    figures.append((name, report.figure(kind: kind, layer: layer, heads: heads)))
                }
            }
            if rollout { figures.append(("encoder-rollout", report.rolloutFigure())) }
            for (name, figure) in figures {
                files.add(name + "." + format.rawValue, bytes: format == .svg ? Array(figure.svg().utf8) : figure.png())
            }
        }
        try files.write()
    }
}

/// `--format` of `plot-attention`.
enum AttentionPictureFormat: String, CaseIterable {
    case svg, png, html
}
