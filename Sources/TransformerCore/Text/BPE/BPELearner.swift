/// Learns byte-pair-encoding merges from training texts (Sennrich et al. 2016, "Neural Machine
/// Translation of Rare Words with Subword Units"), and returns them as a ``HuggingFaceTokenizer`` with a
/// BPE model, so learned and loaded BPE share one encoder and a learned tokenizer saves as `tokenizer.json`.
///
/// The algorithm is Python `tokenizers`' `BpeTrainer` (`tokenizers/src/models/bpe/trainer.rs`, 0.21.1),
/// step for step, so the same texts give the same merges and ids, with either alphabet (checked by
/// `Scripts/tokenizers/check_hf_tokenizers.py`: 1,740 byte-level and 1,907 character merges from 4,000
/// trans-de-en lines, all identical to Python's):
///
/// 1. Each text is pre-tokenized into words (see ``Alphabet``); words are counted.
/// 2. Vocabulary: the ``specialTokens`` first (`<pad>` 0, `<sos>` 1, `<eos>` 2, `<unk>` 3, as
///    ``SpecialTokens/standard``), then the alphabet sorted by code point.
/// 3. Every adjacent symbol pair is counted over all words (a word counts as often as it occurs).
/// 4. Until the vocabulary has ``vocabularySize`` tokens: take the most frequent pair (ties: the smaller
///    `(left id, right id)`), stop if its count is below ``minimumFrequency`` or 0, add the concatenation as a
///    new token (or reuse it if it already exists), merge it in every word holding it, and update the counts
///    of the neighbouring pairs. The queue is lazy as in Rust: a popped pair whose count went stale is put
///    back with its current count.
///
/// Cost: counting is linear in the text; each merge touches only the words that hold its pair.
public struct BPELearner: Sendable {
    /// What a word is made of before any merge.
    public enum Alphabet: String, Sendable, CaseIterable {
        /// GPT-2 style (the default): UTF-8 bytes spelled as 256 printable characters (``ByteLevel``), with
        /// GPT-2's pre-tokenizer regex and no prefix space, and the ByteLevel decoder. All 256 bytes are in
        /// the vocabulary, so no text is ever unknown (and no `<unk>` is ever produced).
        case bytes
        /// Unicode scalars seen in the training texts; spaces become `▁` (U+2581) starting each word
        /// (`Metaspace`), decoded back to spaces. A scalar never seen becomes `<unk>`.
        case characters
    }

    /// V: the size of the vocabulary wanted, special tokens and alphabet included (fewer when the texts run
    /// out of pairs). At least the special tokens plus the alphabet (262 with bytes) to learn any merge.
    public var vocabularySize: Int
    /// A pair seen fewer times than this is never merged (Python's `min_frequency`; 0 merges any pair seen).
    public var minimumFrequency: Int
    public var alphabet: Alphabet
    /// The tokens put first in the vocabulary, as special added tokens (matched before the model).
    public var specialTokens: [String]
    /// Whether texts are lowercased first (a `Lowercase` normalizer, kept in the tokenizer).
    public var lowercase: Bool

    /// `<pad>`, `<sos>`, `<eos>`, `<unk>`: ids 0, 1, 2, 3 as ``SpecialTokens/standard``.
    public static let standardSpecialTokens = ["<pad>", "<sos>", "<eos>", "<unk>"]

    public init(vocabularySize: Int, minimumFrequency: Int = 0, alphabet: Alphabet = .bytes,
                specialTokens: [String] = BPELearner.standardSpecialTokens, lowercase: Bool = false) {
        self.vocabularySize = vocabularySize
        self.minimumFrequency = minimumFrequency
        self.alphabet = alphabet
        self.specialTokens = specialTokens
        self.lowercase = lowercase
    }

    /// The pre-tokenizer and decoder of ``alphabet``.
    var preTokenizer: HFPreTokenizer {
        switch alphabet {
        case .bytes: return .byteLevel(addPrefixSpace: false, trimOffsets: true, useRegex: true)
        case .characters: return .metaspace(replacement: "\u{2581}", prependScheme: .always, split: true)
        }
    }

    var decoder: HFDecoder {
        switch alphabet {
        case .bytes: return .byteLevel
        case .characters: return .metaspace(replacement: "\u{2581}", prependScheme: .always)
        }
    }

    /// The tokenizer learned from `texts`.
    public func learn<S: Sequence>(from texts: S) -> HuggingFaceTokenizer where S.Element == String {
        let normalizer: HFNormalizer? = lowercase ? .lowercase : nil
        let words = Self.countWords(texts, normalizer: normalizer, preTokenizer: preTokenizer)
        let initial = alphabet == .bytes ? ByteLevel.alphabet : []
        let (vocabulary, merges) = BPEMergeTrainer.train(words: words, specialTokens: specialTokens, initialAlphabet: initial,
                                                         vocabularySize: vocabularySize, minimumFrequency: minimumFrequency)
        let unknown = alphabet == .characters ? specialTokens.first { $0 == "<unk>" } : nil
        // Every merge and the unknown token are in the vocabulary by construction.
        let model = try! HFBPEModel(vocabulary: vocabulary, merges: merges, unknownToken: unknown)
        let added = specialTokens.compactMap { token in
            vocabulary.id(token).map { HFAddedToken(id: $0, content: token, normalized: false, special: true) }
        }
        return HuggingFaceTokenizer(normalizer: normalizer, preTokenizer: preTokenizer, model: .bpe(model), decoder: decoder,
                                    addedTokens: added, postProcessor: nil)
    }

    /// The words of `texts` after `normalizer` and `preTokenizer` (UTF-8 bytes -> (scalars, count)), in
    /// order of first appearance, as `tokenizers` counts them for training (no added-token matching).
    static func countWords<S: Sequence>(_ texts: S, normalizer: HFNormalizer?, preTokenizer: HFPreTokenizer)
    -> [(scalars: [Unicode.Scalar], count: Int)] where S.Element == String {
        var index: [[UInt8]: Int] = [:]
        var words: [(scalars: [Unicode.Scalar], count: Int)] = []
        for text in texts {
            var piece = HFPiece(text)
            if let normalizer { piece.scalars = normalizer.apply(piece.scalars) }
            for piece in preTokenizer.apply([piece]) where !piece.scalars.isEmpty {
                let key = Array(piece.text.utf8)
                if let i = index[key] { words[i].count += 1 } else { index[key] = words.count; words.append((piece.scalars, 1)) }
            }
        }
        return words
    }
}
