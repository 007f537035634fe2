/// A SentencePiece `.model` file that cannot be used: which file (or byte source) and why, on one line.
public struct SentencePieceError: Error, Equatable, CustomStringConvertible {
    /// The file path, or the `source` name given to ``SentencePieceTokenizer/init(bytes:source:)``.
    public let source: String
    public let reason: String

    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(source): not a usable SentencePiece model: \(reason)" }
}

/// The parts of sentencepiece's `ModelProto` (src/sentencepiece_model.proto, proto2) that encoding and
/// decoding use, read with ``ProtobufDecoder``. Unknown fields are skipped; a known field with the wrong
/// wire type is an error (protobuf itself would keep it as an unknown field); a singular message field
/// that occurs twice is merged, as protobuf does.
struct SentencePieceModelProto: Sendable {
    enum PieceType: Int, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    struct Piece: Sendable {
        var bytes: [UInt8] = []
        var score: Float = 0
        var type: PieceType = .normal
    }

    struct TrainerSpec: Sendable {
        var modelType = 1                    // UNIGRAM 1, BPE 2, WORD 3, CHAR 4
        var vocabSize = 8000
        var treatWhitespaceAsSuffix = false
        var splitByWhitespace = true
        var byteFallback = false
        var unkID = 0, bosID = 1, eosID = 2, padID = -1
        var unkPiece: [UInt8] = [], bosPiece: [UInt8] = [], eosPiece: [UInt8] = [], padPiece: [UInt8] = []
        /// nil when the field is absent (decoding then uses " ⁇ ").
        var unkSurface: [UInt8]?
    }

    struct NormalizerSpec: Sendable {
        var name: [UInt8] = []
        var precompiledCharsmap: [UInt8] = []
        var addDummyPrefix = true
        var removeExtraWhitespaces = true
        var escapeWhitespaces = true
    }

    var pieces: [Piece] = []
    var trainerSpec = TrainerSpec()
    var normalizerSpec = NormalizerSpec()
    var denormalizerSpec: NormalizerSpec?

    /// A message that does not parse: the reason, without the source.
    struct ParseError: Error { let reason: String }

    init(_ bytes: [UInt8]) throws(ParseError) {
        var decoder = ProtobufDecoder(bytes)
        while let (field, value) = try Self.next(&decoder, "ModelProto") {
            switch field {
            case 1: pieces.append(try Self.piece(Self.message(value, "ModelProto.pieces")))
            case 2: try Self.merge(&trainerSpec, Self.message(value, "ModelProto.trainer_spec"))
            case 3: try Self.merge(&normalizerSpec, Self.message(value, "ModelProto.normalizer_spec"))
            case 5:
                var spec = denormalizerSpec ?? NormalizerSpec()
                try Self.merge(&spec, Self.message(value, "ModelProto.denormalizer_spec"))
                denormalizerSpec = spec
            default: break
            }
        }
    }

    private static func next(_ decoder: inout ProtobufDecoder, _ message: String) throws(ParseError) -> (Int, ProtobufDecoder.Value)? {
        do { return try decoder.next() } catch { throw ParseError(reason: "\(message): \(error)") }
    }

    private static func message(_ value: ProtobufDecoder.Value, _ name: String) throws(ParseError) -> [UInt8] {
        guard case .lengthDelimited(let bytes) = value else { throw wireType(name, value, "length-delimited") }
        return bytes
    }

    private static func varint(_ value: ProtobufDecoder.Value, _ name: String) throws(ParseError) -> UInt64 {
        guard case .varint(let v) = value else { throw wireType(name, value, "varint") }
        return v
    }

    private static func int32(_ value: ProtobufDecoder.Value, _ name: String) throws(ParseError) -> Int {
        Int(Int32(truncatingIfNeeded: try varint(value, name)))
    }

    private static func bool(_ value: ProtobufDecoder.Value, _ name: String) throws(ParseError) -> Bool {
        try varint(value, name) != 0
    }

    private static func wireType(_ name: String, _ value: ProtobufDecoder.Value, _ expected: String) -> ParseError {
        let found: String
        switch value {
        case .varint: found = "varint"
        case .fixed64: found = "fixed64"
        case .lengthDelimited: found = "length-delimited"
        case .fixed32: found = "fixed32"
        }
        return ParseError(reason: "\(name) is \(found), expected \(expected)")
    }

    private static func piece(_ bytes: [UInt8]) throws(ParseError) -> Piece {
        var piece = Piece()
        var decoder = ProtobufDecoder(bytes)
        while let (field, value) = try next(&decoder, "SentencePiece") {
            switch field {
            case 1: piece.bytes = try message(value, "SentencePiece.piece")
            case 2:
                guard case .fixed32(let bits) = value else { throw wireType("SentencePiece.score", value, "fixed32") }
                piece.score = Float(bitPattern: bits)
            case 3:
                let raw = try int32(value, "SentencePiece.type")
                guard let type = PieceType(rawValue: raw) else { throw ParseError(reason: "unknown piece type \(raw)") }
                piece.type = type
            default: break
            }
        }
        return piece
    }

    private static func merge(_ spec: inout TrainerSpec, _ bytes: [UInt8]) throws(ParseError) {
        var decoder = ProtobufDecoder(bytes)
        while let (field, value) = try next(&decoder, "TrainerSpec") {
            let name = "TrainerSpec field \(field)"
            switch field {
            case 3: spec.modelType = try int32(value, name)
            case 4: spec.vocabSize = try int32(value, name)
            case 22: spec.splitByWhitespace = try bool(value, name)
            case 24: spec.treatWhitespaceAsSuffix = try bool(value, name)
            case 35: spec.byteFallback = try bool(value, name)
            case 40: spec.unkID = try int32(value, name)
            case 41: spec.bosID = try int32(value, name)
            case 42: spec.eosID = try int32(value, name)
            case 43: spec.padID = try int32(value, name)
            case 44: spec.unkSurface = try message(value, name)
            case 45: spec.unkPiece = try message(value, name)
            case 46: spec.bosPiece = try message(value, name)
            case 47: spec.eosPiece = try message(value, name)
            case 48: spec.padPiece = try message(value, name)
            default: break
            }
        }
    }

    private static func merge(_ spec: inout NormalizerSpec, _ bytes: [UInt8]) throws(ParseError) {
        var decoder = ProtobufDecoder(bytes)
        while let (field, value) = try next(&decoder, "NormalizerSpec") {
            let name = "NormalizerSpec field \(field)"
            switch field {
            case 1: spec.name = try message(value, name)
            case 2: spec.precompiledCharsmap = try message(value, name)
            case 3: spec.addDummyPrefix = try bool(value, name)
            case 4: spec.removeExtraWhitespaces = try bool(value, name)
            case 5: spec.escapeWhitespaces = try bool(value, name)
            default: break
            }
        }
    }
}
