/// One TensorBoard `Event` protobuf: the payload of each record in an event file.
///
/// The subset of tensorboard/compat/proto/event.proto and summary.proto written here:
///
///     message Event {                      message Summary {
///       double  wall_time    = 1;            repeated Value value = 1;
///       int64   step         = 2;            message Value {
///       oneof what {                           string tag = 1;
///         string  file_version = 3;            oneof value { float simple_value = 2; ... }
///         Summary summary      = 5;          }
///         ...                              }
///       }
///     }
///
/// Serialized as protobuf's own proto3 serializers do (and so byte for byte as Python's
/// `Event.SerializeToString()`): fields in number order, scalars equal to their default (wall_time 0,
/// step 0, empty tag) left out, oneof members always written.
public struct TensorBoardEvent: Equatable, Sendable {
    /// One `Summary.Value` holding a `simple_value`.
    public struct Scalar: Equatable, Sendable {
        public var tag: String
        public var value: Float

        public init(tag: String, value: Float) {
            self.tag = tag
            self.value = value
        }
    }

    /// The `what` oneof.
    public enum Content: Equatable, Sendable {
        /// The first event of every file: "brain.Event:2".
        case fileVersion(String)
        /// A summary of scalar values (other kinds of `Summary.Value` are skipped when decoding).
        case scalars([Scalar])
        /// A field this type does not decode (graph_def, session_log, ...), by number.
        case other(field: Int)
        /// No `what` field.
        case none
    }

    /// The version string TensorBoard expects in the first event.
    public static let currentFileVersion = "brain.Event:2"

    /// Seconds since 1970-01-01 UTC.
    public var wallTime: Double
    /// The global step: the x axis of TensorBoard's charts.
    public var step: Int64
    public var content: Content

    public init(wallTime: Double, step: Int64 = 0, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The protobuf bytes.
    public func serialized() -> [UInt8] {
        var event = ProtobufEncoder()
        if wallTime != 0 || wallTime.sign == .minus { event.appendDouble(1, wallTime) }
        if step != 0 { event.appendInt64(2, step) }
        switch content {
        case .fileVersion(let version):
            event.appendString(3, version)
        case .scalars(let scalars):
            var summary = ProtobufEncoder()
            for scalar in scalars {
                var value = ProtobufEncoder()
                if !scalar.tag.isEmpty { value.appendString(1, scalar.tag) }
                value.appendFloat(2, scalar.value)
                summary.appendBytes(1, value.bytes)
            }
            event.appendBytes(5, summary.bytes)
        case .other, .none:
            break
        }
        return event.bytes
    }

    /// Decodes an Event, keeping wall_time, step, file_version and the simple_value scalars of a summary.
    public init(serialized bytes: [UInt8]) throws(ProtobufDecodingError) {
        wallTime = 0
        step = 0
        content = .none
        var event = ProtobufDecoder(bytes)
        while let (field, value) = try event.next() {
            switch (field, value) {
            case (1, .fixed64(let bits)): wallTime = Double(bitPattern: bits)
            case (2, .varint(let raw)): step = Int64(bitPattern: raw)
            case (3, .lengthDelimited(let text)): content = .fileVersion(String(decoding: text, as: UTF8.self))
            case (5, .lengthDelimited(let summary)): content = .scalars(try Self.decodeScalars(summary))
            case (1, _), (2, _), (3, _), (5, _):
                throw ProtobufDecodingError(offset: event.offset, reason: "Event field \(field) has the wrong wire type")
            case (let other, _) where (4...9).contains(other): content = .other(field: other)
            default: break   // unknown fields (source_metadata = 10, future ones) are skipped
            }
        }
    }

    private static func decodeScalars(_ bytes: [UInt8]) throws(ProtobufDecodingError) -> [Scalar] {
        var scalars: [Scalar] = []
        var summary = ProtobufDecoder(bytes)
        while let (field, value) = try summary.next() {
            guard field == 1, case .lengthDelimited(let valueBytes) = value else { continue }
            var tag = "", simpleValue: Float?
            var decoder = ProtobufDecoder(valueBytes)
            while let (valueField, payload) = try decoder.next() {
                switch (valueField, payload) {
                case (1, .lengthDelimited(let text)): tag = String(decoding: text, as: UTF8.self)
                case (2, .fixed32(let bits)): simpleValue = Float(bitPattern: bits)
                default: break
                }
            }
            if let simpleValue { scalars.append(Scalar(tag: tag, value: simpleValue)) }
        }
        return scalars
    }

    /// Every event of an event file, checking the TFRecord framing and decoding each record.
    public static func events(inFileAt path: String) throws(TFRecordError) -> [TensorBoardEvent] {
        var reader = try TFRecordReader(contentsOfFile: path)
        var events: [TensorBoardEvent] = []
        while true {
            let index = reader.recordIndex, offset = reader.offset
            guard let record = try reader.next() else { return events }
            do {
                events.append(try TensorBoardEvent(serialized: record))
            } catch {
                throw TFRecordError(path: path, recordIndex: index, offset: offset,
                                    problem: .malformedEvent(error.description))
            }
        }
    }
}
