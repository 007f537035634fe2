import Foundation

/// How the next token is drawn from a language model's logits z (``TextGenerator``):
///
///     p = softmax(z / temperature), restricted to the k most probable (top-k) and then to the smallest set
///     whose probability reaches top-p (nucleus sampling, Holtzman et al. 2020), renormalized
///
/// A temperature of 0 is greedy decoding (the most probable token; ties to the lowest id).
public struct SamplingSettings: Equatable, Sendable {
    public var temperature: Float
    /// Keep only the k most probable tokens; nil: all.
    public var topK: Int?
    /// Keep the smallest set of most probable tokens whose probability sums to at least p; nil: 1.
    public var topP: Float?
    public var seed: UInt64

    public init(temperature: Float = 1, topK: Int? = nil, topP: Float? = nil, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }

    /// Draws one id from `logits` among the `allowed` ids.
    func sample(_ logits: [Float], allowed: [Bool], generator: SeededGenerator) -> Int {
        let candidates = logits.indices.filter { allowed[$0] }
        if temperature == 0 {
            return candidates.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }!
        }
        var ranked = candidates.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        if let topK { ranked = Array(ranked.prefix(max(1, topK))) }
        let top = logits[ranked[0]]
        var weights = ranked.map { Foundation.exp(Double((logits[$0] - top) / temperature)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        if let topP {
            var sum = 0.0, keep = 0
            while keep < weights.count && (keep == 0 || sum < Double(topP)) { sum += weights[keep]; keep += 1 }
            ranked = Array(ranked.prefix(keep))
            weights = Array(weights.prefix(keep)).map { $0 / sum }
        }
        var u = Double(generator.nextUnitFloat())
        for (id, w) in zip(ranked, weights) {
            if u < w { return id }
            u -= w
        }
        return ranked.last!
    }
}

/// Generates text with a ``LanguageModel``, one token at a time through the model's real blocks with a
/// ``KeyValueCache`` (each new token costs one position's work, not the whole prefix again).
///
/// The prompt is fed first, position by position. When the context is full (the model's `maximumLength`),
/// the cache is rebuilt from the last half of the tokens so far, and generation goes on (the model then
/// sees that half as its past, as nanoGPT crops its context). Padding, start, end and unknown ids are never
/// emitted.
///
/// ```swift
/// let generator = TextGenerator(model: model)
/// let ids = generator.generate(prompt: tokenizer.encodeIDs("ROMEO:"), maximumNewTokens: 200,
///                              sampling: SamplingSettings(temperature: 0.8, topK: 40, seed: 1)) { id in
///     print(tokenizer.decode([id]), terminator: "")
/// }
/// ```
public struct TextGenerator {
    public let model: LanguageModel

    public init(model: LanguageModel) { self.model = model }

    /// The `maximumNewTokens` ids generated after `prompt` (not including it); `onToken` gets each as it comes.
    /// Precondition: the prompt is not empty and its ids are in the vocabulary.
    public func generate(prompt: [Int], maximumNewTokens: Int, sampling: SamplingSettings,
                         onToken: (Int) -> Void = { _ in }) -> [Int] {
        precondition(!prompt.isEmpty, "generate needs a prompt of at least one token")
        let c = model.configuration
        let specials = model.specialTokens
        let allowed = (0..<c.vocabularySize).map {
            ![specials.padding, specials.start, specials.end, specials.unknown].contains($0)
        }
        let random = SeededGenerator(seed: sampling.seed)
        return model.inferring {
            var history = prompt.count > c.maximumLength ? Array(prompt.suffix(c.maximumLength)) : prompt
            var cache = KeyValueCache(for: model.decoder, rowCount: 1, capacity: min(c.maximumLength, 64))
            var logits: [Float] = []
            func feed(_ ids: [Int]) {
                for id in ids { logits = model.forward([[id]], cache: cache).logits.scalars }   // [1, 1, V]
            }
            feed(history)
            var generated: [Int] = []
            for _ in 0..<maximumNewTokens {
                let next = sampling.sample(logits, allowed: allowed, generator: random)
                generated.append(next)
                onToken(next)
                history.append(next)
                if cache.length == c.maximumLength {   // context full: keep the last half as the past
                    history = Array(history.suffix(max(1, c.maximumLength / 2)))
                    cache = KeyValueCache(for: model.decoder, rowCount: 1, capacity: min(c.maximumLength, 64))
                    feed(history)
                } else {
                    feed([next])
                }
            }
            return generated
        }
    }
}
