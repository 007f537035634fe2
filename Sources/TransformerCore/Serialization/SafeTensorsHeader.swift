/// The element types the safetensors format names, with their sizes in bytes.
///
/// Every dtype is recognised so that a file's layout can be checked and listed; only ``f32`` can be
/// loaded into a ``Tensor`` (others throw ``CheckpointError/Kind/unsupportedDtype``). The sub-byte
/// types of newer safetensors versions (F4, F6_*) are reported as unknown.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3", f8e8m0 = "F8_E8M0"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32"
    case f64 = "F64", i64 = "I64", u64 = "U64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3, .f8e8m0: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }
}

/// The validated header of a safetensors file: its tensors' dtypes, shapes and byte ranges, and the
/// `__metadata__` string map.
///
/// Layout (all integers little-endian):
///
///     [0, 8)             u64 N, the header length
///     [8, 8 + N)         UTF-8 JSON object {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}
///     [8 + N, file end)  the data buffer; offsets are relative to its start
///
/// Reading checks, in this order, before anything is allocated from a size found in the file: the
/// file has the 8 length bytes; N fits in the file and is at most ``SafeTensors/maximumHeaderLength``;
/// the header starts with `{` and is strict JSON (valid UTF-8, no duplicate keys); each entry has a
/// known dtype, a shape of non-negative integers and two offsets `begin <= end`; elements x dtype size
/// equals `end - begin` without overflow; every range lies in the buffer; and the ranges, sorted,
/// tile the buffer exactly: no overlap, no gap, no trailing bytes (as the reference implementation
/// requires). Unknown fields inside an entry are ignored, as the reference does.
public struct SafeTensorsHeader: Sendable {
    /// One tensor's description.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: SafeTensorsDType
        public let shape: [Int]
        /// The tensor's bytes, relative to the start of the data buffer.
        public let dataOffsets: Range<Int>

        /// The number of elements, `shape.reduce(1, *)` (checked not to overflow when the header was read).
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The tensors in data order (by offset), which for TransformerCore files is the order written.
    public let entries: [Entry]
    /// The `__metadata__` map; empty when the file has none.
    public let metadata: [String: String]
    /// N, the JSON header's length in bytes (including any padding).
    public let headerLength: Int

    /// Where the data buffer starts in the file: 8 + N.
    public var dataStart: Int { 8 + headerLength }

    /// Reads and validates the header of `source`; see the type's documentation for the checks.
    static func read(from source: some ByteSource) throws(CheckpointError) -> SafeTensorsHeader {
        let file = source.name
        func fail(_ kind: CheckpointError.Kind, _ detail: String) -> CheckpointError {
            CheckpointError(file: file, kind: kind, detail: detail)
        }
        guard source.byteCount >= 8 else {
            throw fail(.truncated, "the file is \(source.byteCount) bytes, too short for the 8-byte header length (empty or truncated?)")
        }
        let lengthBytes = try source.bytes(at: 0, count: 8)
        let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(source.byteCount - 8) else {
            throw fail(.truncated, "header length \(length) is larger than the file (\(source.byteCount) bytes); "
                + "the file is truncated or not a safetensors file")
        }
        guard length <= UInt64(SafeTensors.maximumHeaderLength) else {
            throw fail(.headerTooLarge, "header length \(length) exceeds the limit of \(SafeTensors.maximumHeaderLength) bytes")
        }
        let headerLength = Int(length)
        let headerBytes = try source.bytes(at: 8, count: headerLength)
        guard headerBytes.first == UInt8(ascii: "{") else {
            let found = headerBytes.first.map { "byte 0x\(String($0, radix: 16, uppercase: true))" } ?? "an empty header"
            throw fail(.invalidHeader, "the JSON header must start with '{', found \(found); not a safetensors file")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(headerBytes)
        } catch {
            throw fail(.invalidHeader, "the header is not valid JSON: \(error.message) at byte \(error.offset) of the header")
        }
        guard case .object(let members) = json else {
            throw fail(.invalidHeader, "the header is \(json.typeDescription), expected a JSON object")
        }
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (key, value) in members {
            if key == SafeTensors.metadataKey {
                metadata = try readMetadata(value, fail: fail)
            } else {
                entries.append(try readEntry(name: key, value, fail: fail))
            }
        }
        let sorted = try checkLayout(entries, dataLength: source.byteCount - 8 - headerLength, fail: fail)
        return SafeTensorsHeader(entries: sorted, metadata: metadata, headerLength: headerLength)
    }

    private static func readMetadata(_ value: JSONValue, fail: (CheckpointError.Kind, String) -> CheckpointError)
        throws(CheckpointError) -> [String: String] {
        guard case .object(let members) = value else {
            throw fail(.invalidMetadata, "\(SafeTensors.metadataKey) is \(value.typeDescription), expected an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else {
                throw fail(.invalidMetadata, "\(SafeTensors.metadataKey) value for key \(JSONValue.quoted(key)) is "
                    + "\(value.typeDescription), expected a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func readEntry(name: String, _ value: JSONValue, fail: (CheckpointError.Kind, String) -> CheckpointError)
        throws(CheckpointError) -> Entry {
        let quotedName = JSONValue.quoted(name)
        guard case .object(let fields) = value else {
            throw fail(.invalidHeader, "tensor \(quotedName) is \(value.typeDescription), expected an object with dtype, shape and data_offsets")
        }
        func field(_ key: String) throws(CheckpointError) -> JSONValue {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw fail(.invalidHeader, "tensor \(quotedName) has no \"\(key)\" field")
            }
            return found.value
        }
        let dtypeValue = try field("dtype")
        guard case .string(let dtypeName) = dtypeValue else {
            throw fail(.invalidHeader, "tensor \(quotedName) dtype is \(dtypeValue.typeDescription), expected a string such as \"F32\"")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw fail(.unsupportedDtype, "tensor \(quotedName) has unknown dtype \(JSONValue.quoted(dtypeName))")
        }
        let shape = try integers(try field("shape"), what: "shape", tensor: quotedName, fail: fail)
        let offsets = try integers(try field("data_offsets"), what: "data_offsets", tensor: quotedName, fail: fail)
        guard offsets.count == 2, offsets[0] <= offsets[1] else {
            throw fail(.invalidLayout, "tensor \(quotedName) data_offsets \(offsets) must be two numbers [begin, end] with begin <= end")
        }
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw fail(.invalidLayout, "tensor \(quotedName) shape \(shape) has more elements than fit in 64 bits")
            }
            elements = product
        }
        let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else {
            throw fail(.invalidLayout, "tensor \(quotedName) shape \(shape) of \(dtype.rawValue) needs more bytes than fit in 64 bits")
        }
        guard byteCount == offsets[1] - offsets[0] else {
            throw fail(.invalidLayout, "tensor \(quotedName) has shape \(shape) of \(dtype.rawValue) (\(byteCount) "
                + "bytes) but data_offsets \(offsets) span \(offsets[1] - offsets[0]) bytes")
        }
        return Entry(name: name, dtype: dtype, shape: shape, dataOffsets: offsets[0]..<offsets[1])
    }

    /// An array of non-negative integers that fit in `Int` (shape or data_offsets).
    private static func integers(_ value: JSONValue, what: String, tensor: String,
                                 fail: (CheckpointError.Kind, String) -> CheckpointError) throws(CheckpointError) -> [Int] {
        guard case .array(let elements) = value else {
            throw fail(.invalidHeader, "tensor \(tensor) \(what) is \(value.typeDescription), expected an array of non-negative integers")
        }
        var result: [Int] = []
        for element in elements {
            guard let integer = element.nonNegativeInteger else {
                throw fail(.invalidHeader, "tensor \(tensor) \(what) contains \(element.typeDescription), expected non-negative integers below 2^63")
            }
            result.append(integer)
        }
        return result
    }

    /// Checks that the byte ranges tile `0..<dataLength` exactly; returns the entries sorted by offset.
    private static func checkLayout(_ entries: [Entry], dataLength: Int,
                                    fail: (CheckpointError.Kind, String) -> CheckpointError) throws(CheckpointError) -> [Entry] {
        for entry in entries where entry.dataOffsets.upperBound > dataLength {
            throw fail(.invalidLayout, "tensor \(JSONValue.quoted(entry.name)) data_offsets "
                + "[\(entry.dataOffsets.lowerBound), \(entry.dataOffsets.upperBound)] run past the end of the data buffer (\(dataLength) bytes); "
                + "the file is truncated (an interrupted copy?) or was written wrongly")
        }
        let sorted = entries.enumerated().sorted {
            ($0.element.dataOffsets.lowerBound, $0.element.dataOffsets.upperBound, $0.offset)
                < ($1.element.dataOffsets.lowerBound, $1.element.dataOffsets.upperBound, $1.offset)
        }.map(\.element)
        var covered = 0
        var previous: Entry?
        for entry in sorted {
            let range = entry.dataOffsets
            if range.lowerBound < covered, let previous {
                throw fail(.invalidLayout, "tensors \(JSONValue.quoted(previous.name)) (bytes "
                    + "\(previous.dataOffsets)) and \(JSONValue.quoted(entry.name)) (bytes \(range)) overlap")
            }
            if range.lowerBound > covered {
                throw fail(.invalidLayout, "bytes \(covered)..<\(range.lowerBound) of the data buffer belong to no "
                    + "tensor (a gap before \(JSONValue.quoted(entry.name)))")
            }
            covered = range.upperBound
            if !range.isEmpty || previous == nil { previous = entry }
        }
        guard covered == dataLength else {
            throw fail(.invalidLayout, "bytes \(covered)..<\(dataLength) of the data buffer belong to no tensor "
                + "(\(dataLength - covered) bytes after the last tensor)")
        }
        return sorted
    }
}
