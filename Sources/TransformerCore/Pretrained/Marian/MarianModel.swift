import Foundation

/// A pretrained Hugging Face MarianMT (opus-mt) model loaded into this package's ``Transformer``, with the
/// generation settings its directory asks for.
///
/// A model directory as `save_pretrained` writes it: `config.json` (``MarianConfiguration``),
/// `model.safetensors` (F32, F16 or BF16 tensors, mapped by ``MarianNameMap``), and optionally
/// `generation_config.json` (``HuggingFaceGenerationSettings``). The tokenizer files (`source.spm`,
/// `target.spm`, `vocab.json`) are not read here: sources and results are token ids; ``MarianTokenizer``
/// (`MarianTokenizer.load(for: marian)`) turns texts into them and back.
///
/// ```swift
/// let marian = try MarianModel.load(directory: URL(fileURLWithPath: "opus-mt-en-de"))
/// let best = try marian.generate([[38, 5, 0]])                    // beam search as generation_config.json says
/// var greedy = marian.generationSettings; greedy.beamCount = 1
/// let ids = try marian.generate([[38, 5, 0]], settings: greedy)[0].tokens
/// let logits = marian.model(source: [[38, 5, 0]], targetInput: [[58100, 12]])   // teacher forcing [1, 2, V]
/// ```
///
/// Every problem with the directory throws a ``CheckpointError`` naming the file: a missing `config.json`
/// or `model.safetensors`, a config the options cannot express, a missing, misshaped or unexpected tensor,
/// an unsupported dtype, a non-finite value.
public final class MarianModel {
    public let directory: URL
    public let configuration: MarianConfiguration
    /// The model, in evaluation mode (dropout off).
    public let model: Transformer
    /// What `generate` uses by default (see ``HuggingFaceGenerationSettings/read(generationConfig:modelConfig:model:)``).
    public let generationSettings: HuggingFaceGenerationSettings

    init(directory: URL, configuration: MarianConfiguration, model: Transformer, generationSettings: HuggingFaceGenerationSettings) {
        self.directory = directory
        self.configuration = configuration
        self.model = model
        self.generationSettings = generationSettings
    }

    /// Loads the model directory at `directory`.
    public static func load(directory: URL) throws(CheckpointError) -> MarianModel {
        let configURL = directory.appendingPathComponent("config.json")
        let configuration = try MarianConfiguration(contentsOf: configURL)
        let transformerConfiguration: TransformerConfiguration
        do {
            transformerConfiguration = try configuration.transformerConfiguration()
        } catch {
            throw CheckpointError(file: configURL.relativePath, kind: .invalidConfiguration, detail: "describes no valid model: \(error)")
        }
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            let binary = FileManager.default.fileExists(atPath: directory.appendingPathComponent("pytorch_model.bin").path)
            throw CheckpointError(file: weightsURL.relativePath, kind: .unreadable,
                                  detail: "no such file; expected the model's weights in safetensors format"
                                      + (binary ? " (found pytorch_model.bin: convert it with save_pretrained(safe_serialization=True))" : ""))
        }
        let stored = try SafeTensors.read(from: weightsURL, convertingHalfPrecision: true)
        let model: Transformer
        do {
            model = try Transformer(configuration: transformerConfiguration, generator: SeededGenerator(seed: 0))
        } catch {
            throw CheckpointError(file: configURL.relativePath, kind: .invalidConfiguration, detail: "describes no valid model: \(error)")
        }
        try assign(stored, to: model, file: weightsURL.relativePath)
        model.setTraining(false)
        let generationURL = directory.appendingPathComponent("generation_config.json")
        let settings = try HuggingFaceGenerationSettings.read(
            generationConfig: FileManager.default.fileExists(atPath: generationURL.path) ? generationURL : nil,
            modelConfig: configURL, model: configuration)
        return MarianModel(directory: directory, configuration: configuration, model: model, generationSettings: settings)
    }

    /// Copies every parameter of `model` from `stored` through ``MarianNameMap``; throws for a missing,
    /// misshaped, non-finite or unexpected tensor.
    static func assign(_ stored: SafeTensorsFile, to model: Transformer, file: String) throws(CheckpointError) {
        func fail(_ kind: CheckpointError.Kind, _ detail: String) -> CheckpointError { CheckpointError(file: file, kind: kind, detail: detail) }
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in stored.tensors { tensors[name] = tensor }
        var used = Set<String>()
        for (name, parameter) in model.namedParameters {
            let candidates = MarianNameMap.candidates(for: name, configuration: model.configuration)
            guard let found = candidates.flatMap(MarianNameMap.aliases).first(where: { tensors[$0] != nil }),
                  let tensor = tensors[found] else {
                if name == "projection.bias" {                   // transformers starts final_logits_bias at zero
                    let zeros = [Float](repeating: 0, count: parameter.count)
                    parameter.withMutableScalars { $0 = zeros }
                    continue
                }
                throw fail(.missingTensor, "no tensor for \(name) [\(shapeText(parameter.shape))]; expected "
                    + (candidates.isEmpty ? "a name the Marian map knows" : "one of " + candidates.joined(separator: ", "))
                    + " (with or without the \"model.\" prefix)")
            }
            let accepted = name == "projection.bias" ? [parameter.shape, [1] + parameter.shape] : [parameter.shape]
            guard accepted.contains(tensor.shape) else {
                throw fail(.shapeMismatch, "tensor \"\(found)\" has shape [\(shapeText(tensor.shape))], expected "
                    + "[\(shapeText(accepted.last!))] for \(name)")
            }
            if let index = Checkpoint.firstNonFiniteIndex(tensor.scalars) {
                throw fail(.nonFiniteValue, "tensor \"\(found)\" holds \(tensor.scalars[index]) at index \(index); expected finite values")
            }
            let scalars = tensor.scalars
            parameter.withMutableScalars { $0 = scalars }
            used.insert(found)
        }
        let ignored = Set((MarianNameMap.ignoredNames + MarianNameMap.embeddingNames).flatMap(MarianNameMap.aliases))
        if let extra = stored.tensors.map(\.name).first(where: { !used.contains($0) && !ignored.contains($0) }) {
            throw fail(.unexpectedTensor, "tensor \"\(extra)\" has no place in a MarianMT model of this config.json; "
                + "expected only the tensors transformers' MarianMTModel has")
        }
    }

    /// Generates for each source (encoder ids, ending with `</s>` as Marian's tokenizer makes them) with
    /// `settings`, by default ``generationSettings``. See ``HuggingFaceGenerator``.
    public func generate(_ sources: [[Int]], settings: HuggingFaceGenerationSettings? = nil,
                         batchSize: Int = 16) throws(DecodingError) -> [HuggingFaceHypothesis] {
        try HuggingFaceGenerator.generate(model: model, sources: sources, settings: settings ?? generationSettings,
                                          batchSize: batchSize)
    }
}

private func shapeText(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: ", ") }
