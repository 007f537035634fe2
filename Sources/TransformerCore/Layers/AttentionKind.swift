/// The three attentions of the encoder-decoder Transformer, as they appear in plots and on the command line.
///
/// | kind | queries | keys | tensor per layer |
/// |---|---|---|---|
/// | ``encoderSelf`` | source positions | source positions | `[B, H, S, S]` |
/// | ``decoderSelf`` | target positions | target positions (causal) | `[B, H, T, T]` |
/// | ``decoderCross`` | target positions | source positions | `[B, H, T, S]` |
public enum AttentionKind: String, CaseIterable, Sendable, Codable {
    /// Encoder self-attention: each source position attends to every source position.
    case encoderSelf = "encoder"
    /// Decoder (masked) self-attention: each target position attends to itself and earlier ones.
    case decoderSelf = "decoder"
    /// Decoder cross-attention ("encoder-decoder attention"): target positions attend to the source.
    case decoderCross = "cross"

    /// The word used on the command line and in file names: `encoder`, `decoder`, `cross`.
    public var name: String { rawValue }

    /// For titles: "Encoder self-attention".
    public var title: String {
        switch self {
        case .encoderSelf: "Encoder self-attention"
        case .decoderSelf: "Decoder self-attention (masked)"
        case .decoderCross: "Decoder cross-attention"
        }
    }

    /// What the rows are: the source tokens for the encoder, the output tokens for the decoder.
    public var queryAxisTitle: String {
        self == .encoderSelf ? "query: source token" : "query: output token"
    }

    /// What the columns are.
    public var keyAxisTitle: String {
        self == .decoderSelf ? "key: decoder input token" : "key: source token"
    }

    /// Whether the queries are target positions (the decoder's two attentions).
    public var isDecoder: Bool { self != .encoderSelf }
}
