import Foundation

/// Model checkpoints: a safetensors file holding every parameter of a model (any ``TransformerModel``: the
/// encoder-decoder ``Transformer``, an ``EncoderClassifier`` or a ``LanguageModel``) under its dotted
/// name (``Layer/namedParameters``; Linear weights stay `[out, in]`), optional extra tensors such as
/// Adam's moments under `optimizer.`, and metadata with the configuration.
///
/// Metadata written, merged with the caller's (which may not use these keys):
///
/// | key | value |
/// |---|---|
/// | `format` | `transformercore-checkpoint` |
/// | `format_version` | `1` |
/// | `model_family` | ``ModelFamily`` raw value (`encoder-decoder`, `encoder-classifier`, `decoder-lm`); absent in checkpoints written before the families, which are encoder-decoders |
/// | `configuration` | the family's configuration as JSON (sorted keys): ``TransformerConfiguration``, ``ClassifierConfiguration`` or ``LanguageModelConfiguration`` |
///
/// Tied weights (`tieTargetEmbedding`): the projection's weight is the target embedding's tensor and is
/// stored once, as `targetEmbedding.weight` (safetensors, like PyTorch's writer, does not share storage).
///
/// ```swift
/// try Checkpoint.save(model: model, metadata: ["note": "epoch 3"], to: URL(fileURLWithPath: "runs/x/last.safetensors"))
/// let loaded = try Checkpoint.load(from: URL(fileURLWithPath: "runs/x/last.safetensors"))
/// loaded.model.setTraining(false)
/// ```
public enum Checkpoint {
    /// The value of the `format` metadata key.
    public static let format = "transformercore-checkpoint"
    /// The value of the `format_version` metadata key written, and the only one read.
    public static let formatVersion = "1"
    /// Metadata keys written by ``save(model:extraTensors:metadata:to:)`` and not available to callers.
    public static let reservedMetadataKeys: Set<String> = ["format", "format_version", "configuration", familyKey]
    /// The metadata key naming the ``ModelFamily``.
    public static let familyKey = "model_family"
    /// Name prefixes under which tensors other than the model's parameters may be stored.
    public static let extraTensorPrefixes = ["optimizer."]

    /// Writes `model`'s parameters, then `extraTensors`, with the metadata described above, atomically
    /// (on failure the previous checkpoint at `url` is unchanged; see ``AtomicFile``).
    ///
    /// Throws ``CheckpointError/Kind/nonFiniteValue`` without touching the file when any tensor holds
    /// NaN or infinity (a diverged run must not overwrite its last good checkpoint), and
    /// ``CheckpointError/Kind/unwritable`` when the file cannot be written.
    /// Preconditions: extra tensor names start with one of ``extraTensorPrefixes`` and are unique;
    /// `metadata` uses none of ``reservedMetadataKeys``.
    public static func save(model: any TransformerModel, extraTensors: [NamedParameter] = [], metadata: [String: String] = [:],
                            to url: URL) throws(CheckpointError) {
        for key in metadata.keys {
            precondition(!reservedMetadataKeys.contains(key), "metadata key \"\(key)\" is reserved for the checkpoint format")
        }
        for (name, _) in extraTensors {
            precondition(extraTensorPrefixes.contains { name.hasPrefix($0) },
                         "extra tensor \"\(name)\" must start with one of \(extraTensorPrefixes)")
        }
        let tensors = model.namedParameters + extraTensors
        for (name, tensor) in tensors {
            if let index = firstNonFiniteIndex(tensor.scalars) {
                throw CheckpointError(file: url.relativePath, kind: .nonFiniteValue,
                                      detail: "refusing to save: tensor \"\(name)\" holds \(tensor.scalars[index]) "
                                          + "at index \(index); the previous checkpoint is unchanged")
            }
        }
        var allMetadata = metadata
        allMetadata["format"] = format
        allMetadata["format_version"] = formatVersion
        allMetadata["configuration"] = model.configurationJSON
        allMetadata[familyKey] = model.family.rawValue
        do {
            try AtomicFile.write(to: url) { (output) throws(AtomicWriteError.Cause) in
                try SafeTensors.serialize(tensors, metadata: allMetadata) { (bytes) throws(AtomicWriteError.Cause) in
                    try output.write(bytes)
                }
            }
        } catch {
            throw CheckpointError(file: url.relativePath, kind: .unwritable, detail: error.detail(calling: "checkpoint"))
        }
    }

    /// Reads the checkpoint at `url` and builds whichever model it holds (``LoadedCheckpoint/model``; ask
    /// for a family with ``LoadedCheckpoint/model(_:)``): the configuration is decoded and validated,
    /// the model is built from it (weights from a fixed seed, then every parameter overwritten), and
    /// every check of ``decode(_:file:generator:)`` is made. `generator` becomes the model's source of
    /// dropout masks (restore its ``SeededGenerator/currentState`` to resume a run exactly).
    /// The model is returned in training mode, as the models are built.
    public static func load(from url: URL, generator: SeededGenerator = SeededGenerator(seed: 0)) throws(CheckpointError) -> LoadedCheckpoint {
        try decode(try SafeTensors.read(from: url), file: url.relativePath, generator: generator)
    }

    /// Overwrites the parameters of an existing `model` from the checkpoint at `url`. Throws
    /// ``CheckpointError/Kind/wrongFamily`` for another family and ``CheckpointError/Kind/configurationMismatch``
    /// (naming the differing fields) for another configuration. Returns the checkpoint (its `model` is `model`).
    @discardableResult
    public static func load(from url: URL, into model: any TransformerModel) throws(CheckpointError) -> LoadedCheckpoint {
        let contents = try SafeTensors.read(from: url)
        let stored = try readConfiguration(contents.metadata, file: url.relativePath)
        guard stored.family == model.family else {
            throw CheckpointError(file: url.relativePath, kind: .wrongFamily,
                                  detail: "holds \(stored.family.description), not \(model.family.description)")
        }
        guard stored.json == model.configurationJSON else {
            throw CheckpointError(file: url.relativePath, kind: .configurationMismatch,
                                  detail: "the checkpoint is for another configuration: "
                                      + "\(differences(stored.json, model.configurationJSON)) (checkpoint vs model)")
        }
        return try fill(model, from: contents, file: url.relativePath)
    }

    /// The configuration, metadata and tensor list of the checkpoint at `url`, reading only the header.
    public static func inspect(_ url: URL) throws(CheckpointError) -> CheckpointSummary {
        let header = try SafeTensors.readHeader(from: url)
        let stored = try readConfiguration(header.metadata, file: url.relativePath)
        return CheckpointSummary(family: stored.family, parameterCount: stored.parameterCount,
                                 metadata: header.metadata, tensors: header.entries)
    }

    /// Builds a model from decoded safetensors contents; `file` names the source in errors.
    ///
    /// Checks: `format` and `format_version` metadata; the configuration decodes and validates; every
    /// parameter is present, F32, with the expected shape and finite values; every other tensor is
    /// under one of ``extraTensorPrefixes`` and finite.
    static func decode(_ contents: SafeTensorsFile, file: String, generator: SeededGenerator) throws(CheckpointError) -> LoadedCheckpoint {
        let stored = try readConfiguration(contents.metadata, file: file)
        // The configuration is a claim made by the file: a small file whose configuration asks for a huge
        // model is refused here, before the model's memory is allocated. Within twice the values the file
        // really holds (plus 1M), the model is built so that the check below names the missing parameter.
        let storedValues = contents.tensors.reduce(0) { $0 + $1.tensor.count }
        guard stored.parameterCount <= 2 * storedValues + (1 << 20) else {
            throw CheckpointError(file: file, kind: .missingTensor,
                                  detail: "the stored configuration needs \(stored.parameterCount) parameter values but "
                                      + "the file holds only \(storedValues); it is truncated or its configuration was edited")
        }
        let model: any TransformerModel
        do {
            // Every parameter is overwritten below, so the initial weights' seed does not matter.
            model = try stored.build(generator)
        } catch {
            throw CheckpointError(file: file, kind: .invalidConfiguration, detail: "the stored configuration is invalid: \(error)")
        }
        return try fill(model, from: contents, file: file)
    }

    /// Copies every parameter of `model` from `contents` after checking names, shapes and values.
    private static func fill(_ model: any TransformerModel, from contents: SafeTensorsFile,
                             file: String) throws(CheckpointError) -> LoadedCheckpoint {
        func fail(_ kind: CheckpointError.Kind, _ detail: String) -> CheckpointError {
            CheckpointError(file: file, kind: kind, detail: detail)
        }
        var stored: [String: Tensor] = [:]
        for (name, tensor) in contents.tensors { stored[name] = tensor }
        let parameters = model.namedParameters
        let parameterNames = Set(parameters.map(\.name))
        var extras: [String: Tensor] = [:]
        for (name, tensor) in contents.tensors where !parameterNames.contains(name) {
            guard extraTensorPrefixes.contains(where: { name.hasPrefix($0) }) else {
                let allowed = extraTensorPrefixes.map { "\"\($0)\"" }.joined(separator: " or ")
                throw fail(.unexpectedTensor, "unexpected tensor \"\(name)\": not a parameter of this "
                    + "configuration, and extra tensors must start with \(allowed)")
            }
            try checkFinite(tensor, name: name, fail: fail)
            extras[name] = tensor
        }
        for (name, parameter) in parameters {
            guard let tensor = stored[name] else {
                throw fail(.missingTensor, "missing parameter \"\(name)\" (shape \(parameter.shape)) needed by the stored configuration")
            }
            guard tensor.shape == parameter.shape else {
                throw fail(.shapeMismatch, "parameter \"\(name)\" has shape \(tensor.shape), expected "
                    + "\(parameter.shape) for the stored configuration")
            }
            try checkFinite(tensor, name: name, fail: fail)
        }
        for (name, parameter) in parameters {
            let scalars = stored[name]!.scalars
            parameter.withMutableScalars { $0 = scalars }
        }
        return LoadedCheckpoint(file: file, model: model, metadata: contents.metadata, extraTensors: extras)
    }

    private static func checkFinite(_ tensor: Tensor, name: String, fail: (CheckpointError.Kind, String) -> CheckpointError) throws(CheckpointError) {
        if let index = firstNonFiniteIndex(tensor.scalars) {
            throw fail(.nonFiniteValue, "tensor \"\(name)\" holds \(tensor.scalars[index]) at index \(index); "
                + "expected finite values (was the run diverging when it was saved?)")
        }
    }

    /// The index of the first NaN or infinity in `scalars`, if any (a plain loop over the buffer: about
    /// 5x faster than `firstIndex(where:)` in a debug build, which matters for 50M-parameter models).
    static func firstNonFiniteIndex(_ scalars: [Float]) -> Int? {
        scalars.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where !buffer[index].isFinite { return index }
            return nil
        }
    }

    static func encodeConfiguration(_ configuration: TransformerConfiguration) -> String { sortedJSON(configuration) }

    /// Checks `format`, `format_version` and `model_family`, then decodes and validates the family's
    /// `configuration` entry.
    static func readConfiguration(_ metadata: [String: String], file: String) throws(CheckpointError) -> StoredConfiguration {
        func fail(_ kind: CheckpointError.Kind, _ detail: String) -> CheckpointError {
            CheckpointError(file: file, kind: kind, detail: detail)
        }
        guard let foundFormat = metadata["format"] else {
            throw fail(.invalidMetadata, "not a TransformerCore checkpoint: the metadata has no \"format\" key (expected \"\(format)\")")
        }
        guard foundFormat == format else {
            throw fail(.invalidMetadata, "not a TransformerCore checkpoint: format is \"\(foundFormat)\", expected \"\(format)\"")
        }
        guard metadata["format_version"] == formatVersion else {
            let found = metadata["format_version"].map { "\"\($0)\"" } ?? "missing"
            throw fail(.invalidMetadata, "unsupported checkpoint format_version \(found); this build reads version \(formatVersion)")
        }
        let family: ModelFamily
        if let name = metadata[familyKey] {
            guard let known = ModelFamily(rawValue: name) else {
                let names = ModelFamily.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail(.invalidMetadata, "unknown model_family \"\(name)\"; expected one of \(names)")
            }
            family = known
        } else {
            family = .encoderDecoder   // written before the model families existed
        }
        guard let json = metadata["configuration"] else {
            throw fail(.invalidConfiguration, "the metadata has no \"configuration\" entry")
        }
        func decoded<C: Decodable>(_ type: C.Type, validate: (C) throws(ConfigurationError) -> Void) throws(CheckpointError) -> C {
            let configuration: C
            do {
                configuration = try JSONDecoder().decode(C.self, from: Data(json.utf8))
            } catch {
                throw fail(.invalidConfiguration, "the stored configuration does not decode: \(describe(error))")
            }
            do {
                try validate(configuration)
            } catch {
                throw fail(.invalidConfiguration, "the stored configuration is invalid: \(error)")
            }
            return configuration
        }
        switch family {
        case .encoderDecoder where architecture(of: json) != nil:   // a recurrent encoder-decoder (gru, lstm)
            let c = try decoded(RecurrentConfiguration.self) { (c) throws(ConfigurationError) in try c.validate() }
            return StoredConfiguration(family: family, json: sortedJSON(c), parameterCount: c.parameterCount) { g throws(ConfigurationError) in
                try RecurrentEncoderDecoder(configuration: c, generator: g)
            }
        case .encoderDecoder:
            let c = try decoded(TransformerConfiguration.self) { (c) throws(ConfigurationError) in try c.validate() }
            return StoredConfiguration(family: family, json: sortedJSON(c), parameterCount: c.parameterCount) { g throws(ConfigurationError) in
                try Transformer(configuration: c, generator: g)
            }
        case .encoderClassifier:
            let c = try decoded(ClassifierConfiguration.self) { (c) throws(ConfigurationError) in try c.validate() }
            return StoredConfiguration(family: family, json: sortedJSON(c), parameterCount: c.parameterCount) { g throws(ConfigurationError) in
                try EncoderClassifier(configuration: c, generator: g)
            }
        case .decoderLanguageModel:
            let c = try decoded(LanguageModelConfiguration.self) { (c) throws(ConfigurationError) in try c.validate() }
            return StoredConfiguration(family: family, json: sortedJSON(c), parameterCount: c.parameterCount) { g throws(ConfigurationError) in
                try LanguageModel(configuration: c, generator: g)
            }
        case .visionTransformer:
            let c = try decoded(VisionConfiguration.self) { (c) throws(ConfigurationError) in try c.validate() }
            return StoredConfiguration(family: family, json: sortedJSON(c), parameterCount: c.parameterCount) { g throws(ConfigurationError) in
                try VisionTransformer(configuration: c, generator: g)
            }
        }
    }

    /// The `architecture` field of an encoder-decoder's configuration JSON other than "transformer" (a
    /// ``RecurrentConfiguration``'s `gru` or `lstm`, or an unknown name, which its decoding then reports);
    /// nil for a Transformer, whose configuration has no such field.
    static func architecture(of json: String) -> String? {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        guard let value = object?["architecture"] else { return nil }
        let name = value as? String
        return name == "transformer" ? nil : name ?? "\(value)"
    }

    /// One line for a `Swift.DecodingError`, naming the field.
    private static func describe(_ error: any Error) -> String {
        func path(_ context: Swift.DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case Swift.DecodingError.keyNotFound(let key, _): return "field \"\(key.stringValue)\" is missing"
        case Swift.DecodingError.typeMismatch(_, let context), Swift.DecodingError.valueNotFound(_, let context),
             Swift.DecodingError.dataCorrupted(let context):
            let field = path(context)
            return (field.isEmpty ? "" : "field \"\(field)\": ") + context.debugDescription
        default: return "\(error)"
        }
    }

    /// "modelDimension 16 vs 8, headCount 4 vs 2" for the fields in which two configurations' JSON differ.
    static func differences(_ a: String, _ b: String) -> String {
        func fields(_ json: String) -> [String: String] {
            let data = Data(json.utf8)
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return object.mapValues { "\($0)" }
        }
        let (left, right) = (fields(a), fields(b))
        return left.keys.sorted().filter { left[$0] != right[$0] }
            .map { "\($0) \(left[$0] ?? "?") vs \(right[$0] ?? "?")" }.joined(separator: ", ")
    }
}
