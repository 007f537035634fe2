import Foundation

/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors), which
/// Python's `safetensors` package and PyTorch open: an 8-byte little-endian header length N, N bytes
/// of JSON header, then the raw little-endian tensor data. See ``SafeTensorsHeader`` for the layout
/// and for every check the reader makes.
///
/// Writing: tensors are stored as F32, row-major, in the order given (the reference writer sorts by
/// dtype and name; readers do not depend on the order, and keeping the caller's order makes a
/// checkpoint follow the model's declaration order). The header lists `__metadata__` first (only when
/// non-empty), then the tensors in data order, and is padded with spaces to a multiple of 8 bytes, so
/// the data buffer starts 8-byte aligned and every F32 tensor is 4-byte aligned.
///
/// ```swift
/// try SafeTensors.write([("w", w), ("b", b)], metadata: ["note": "hi"], to: url)
/// let file = try SafeTensors.read(from: url)
/// print(file["w"]!.shape, file.metadata["note"]!)
/// ```
public enum SafeTensors {
    /// The header key holding the free-form string map.
    public static let metadataKey = "__metadata__"

    /// The largest header accepted, as in the reference implementation: 100,000,000 bytes. A header
    /// length above it is rejected before any memory is allocated for it.
    public static let maximumHeaderLength = 100_000_000

    /// The header bytes (JSON plus padding) describing `tensors` stored one after another as F32.
    /// Preconditions: names are unique, non-empty and not `__metadata__`.
    static func headerBytes(_ tensors: [NamedParameter], metadata: [String: String]) -> [UInt8] {
        var names = Set<String>()
        for (name, _) in tensors {
            precondition(!name.isEmpty && name != metadataKey, "invalid safetensors tensor name \(JSONValue.quoted(name))")
            precondition(names.insert(name).inserted, "tensor name \(JSONValue.quoted(name)) appears twice")
        }
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { JSONValue.quoted($0.key) + ":" + JSONValue.quoted($0.value) }
            fields.append(JSONValue.quoted(metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, tensor) in tensors {
            let end = offset + tensor.count * SafeTensorsDType.f32.byteSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append(JSONValue.quoted(name) + ":{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var bytes = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
        return bytes
    }

    /// The 8-byte little-endian length prefix.
    static func lengthPrefix(_ length: Int) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: UInt64(length) >> (8 * $0)) }
    }

    /// Calls `emit` with the file's bytes in order: length, header, each tensor's scalars as
    /// little-endian F32 (no copy of the scalars on little-endian machines).
    static func serialize<E: Error>(_ tensors: [NamedParameter], metadata: [String: String],
                                    emit: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        let header = headerBytes(tensors, metadata: metadata)
        let prefix = lengthPrefix(header.count)
        try prefix.withUnsafeBytesTypedThrows { (bytes) throws(E) in try emit(bytes) }
        try header.withUnsafeBytesTypedThrows { (bytes) throws(E) in try emit(bytes) }
        for (_, tensor) in tensors {
            #if _endian(big)
            let stored = tensor.scalars.map { $0.bitPattern.littleEndian }
            #else
            let stored = tensor.scalars
            #endif
            try stored.withUnsafeBytesTypedThrows { (bytes) throws(E) in try emit(bytes) }
        }
    }

    /// The complete file contents for `tensors` (stored as F32, in the given order) and `metadata`.
    public static func encode(_ tensors: [NamedParameter], metadata: [String: String] = [:]) -> [UInt8] {
        var result: [UInt8] = []
        serialize(tensors, metadata: metadata) { (bytes: UnsafeRawBufferPointer) in result.append(contentsOf: bytes) }
        return result
    }

    /// Writes `tensors` and `metadata` to `url` atomically (see ``AtomicFile``): on failure the
    /// previous file at `url`, if any, is unchanged and no temporary file is left behind.
    public static func write(_ tensors: [NamedParameter], metadata: [String: String] = [:], to url: URL) throws(CheckpointError) {
        do {
            try AtomicFile.write(to: url) { (output) throws(AtomicWriteError.Cause) in
                try serialize(tensors, metadata: metadata) { (bytes) throws(AtomicWriteError.Cause) in try output.write(bytes) }
            }
        } catch {
            throw CheckpointError(file: url.relativePath, kind: .unwritable, detail: error.detail())
        }
    }

    /// Reads and validates the header only (cheap: the data is not read).
    public static func readHeader(from url: URL) throws(CheckpointError) -> SafeTensorsHeader {
        try SafeTensorsHeader.read(from: try FileByteSource(url))
    }

    /// Reads every tensor and the metadata of the file at `url`. Throws when the file is malformed
    /// (see ``SafeTensorsHeader``) or holds a tensor whose dtype is not F32.
    public static func read(from url: URL) throws(CheckpointError) -> SafeTensorsFile {
        try read(from: try FileByteSource(url))
    }

    /// Parses a whole file held in memory; `source` names it in error messages.
    public static func parse(bytes: [UInt8], source: String = "<memory>") throws(CheckpointError) -> SafeTensorsFile {
        try read(from: MemoryByteSource(name: source, contents: bytes))
    }

    /// Reads every tensor of the file at `url` as Float32, converting F16 and BF16 tensors exactly (every
    /// half-precision value is a Float32 value; see ``SafeTensors/float(fromHalf:)``), as pretrained exports
    /// store them. Other dtypes throw ``CheckpointError/Kind/unsupportedDtype``.
    public static func read(from url: URL, convertingHalfPrecision: Bool) throws(CheckpointError) -> SafeTensorsFile {
        try read(from: try FileByteSource(url), convertingHalfPrecision: convertingHalfPrecision)
    }

    static func read(from source: some ByteSource, convertingHalfPrecision: Bool = false) throws(CheckpointError) -> SafeTensorsFile {
        let header = try SafeTensorsHeader.read(from: source)
        let accepted: Set<SafeTensorsDType> = convertingHalfPrecision ? [.f32, .f16, .bf16] : [.f32]
        if let other = header.entries.first(where: { !accepted.contains($0.dtype) }) {
            throw CheckpointError(file: source.name, kind: .unsupportedDtype,
                                  detail: "tensor \(JSONValue.quoted(other.name)) has unsupported dtype "
                                      + "\(other.dtype.rawValue); TransformerCore loads "
                                      + (convertingHalfPrecision ? "F32, F16 and BF16 tensors only" : "F32 tensors only"))
        }
        var tensors: [NamedParameter] = []
        tensors.reserveCapacity(header.entries.count)
        for entry in header.entries {
            if entry.dtype != .f32 {
                tensors.append((entry.name, try readHalfPrecision(entry, from: source, dataStart: header.dataStart)))
                continue
            }
            // Safe to allocate: the header check proved count * 4 == the range's length, inside the file.
            var scalars = [Float](repeating: 0, count: entry.elementCount)
            try scalars.withUnsafeMutableBytesTypedThrows { (buffer) throws(CheckpointError) in
                try source.read(into: buffer, at: header.dataStart + entry.dataOffsets.lowerBound)
            }
            #if _endian(big)
            scalars = scalars.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
            #endif
            tensors.append((entry.name, Tensor(shape: entry.shape, scalars: scalars)))
        }
        return SafeTensorsFile(tensors: tensors, metadata: header.metadata)
    }
}

/// The contents of a safetensors file: F32 tensors in data order and the metadata map.
public struct SafeTensorsFile {
    /// Every tensor with its name, in the order their bytes appear in the file.
    public let tensors: [NamedParameter]
    /// The `__metadata__` map; empty when the file has none.
    public let metadata: [String: String]

    public init(tensors: [NamedParameter], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor named `name`, if present.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }?.tensor
    }
}
