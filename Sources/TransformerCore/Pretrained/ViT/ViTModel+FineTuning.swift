/// Fine-tuning a loaded ViT on a dataset whose classes may not be the model's.
extension ViTModel {
    /// How the classifier head of a model to fine-tune was made.
    public enum HeadChoice: Equatable, Sendable {
        /// The data's classes are `id2label`'s names (each once, in any order): the head's rows, reordered
        /// to the data's class order.
        case kept
        /// The classes differ: a new head of the data's class count, randomly initialised as a new
        /// ``VisionTransformer``'s head (``Linear``'s default initialisation; transformers draws a new
        /// classifier from N(0, initializer_range^2) with zero bias).
        case new
    }

    /// A ``VisionTransformer`` to fine-tune on data with `classes` (class k is `classes[k]`): every weight of
    /// ``model`` except, when the classes differ from ``labels``, the head (see ``HeadChoice``). `generator`
    /// draws the new head.
    public func fineTuning(for classes: [String], generator: SeededGenerator) throws(ConfigurationError) -> (model: VisionTransformer, head: HeadChoice) {
        var configuration = model.configuration
        configuration.classCount = classes.count
        let tuned = try VisionTransformer(configuration: configuration, generator: generator)
        let order = classes.map { name in labels.indices.filter { labels[$0] == name } }
        let keep = Set(classes).count == classes.count && classes.count == labels.count && order.allSatisfy { $0.count == 1 }
        let source = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor) })
        for (name, parameter) in tuned.namedParameters {
            guard let stored = source[name] else { continue }
            if name.hasPrefix("head.") {
                guard keep else { continue }
                let rowLength = stored.count / labels.count, scalars = stored.scalars
                let rows = order.flatMap { ids in scalars[(ids[0] * rowLength)..<((ids[0] + 1) * rowLength)] }   // [K, C] or [K]
                parameter.withMutableScalars { $0 = Array(rows) }
            } else {
                let scalars = stored.scalars
                parameter.withMutableScalars { $0 = scalars }
            }
        }
        return (tuned, keep ? .kept : .new)
    }
}
