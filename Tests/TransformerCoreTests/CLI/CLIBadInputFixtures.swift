import Foundation
import Testing
@testable import TransformerCore

/// The files the bad-input suite feeds the tool, written once into one shared directory that no case
/// may change: pairs files (good, empty, binary, ...) and checkpoints (the shared trained one, and
/// corrupt copies of it).
enum CLIBadInputFixtures {
    static let directory: Result<URL, CLITrainingError> = {
        do {
            let trained = try CLITraining.trained.get()
            guard trained.run.status == 0 else { throw CLITrainingError(message: "training failed: \(trained.run)") }
            let directory = try CLITraining.temporaryDirectory()
            try writePairFiles(in: directory)
            let checkpoint = try Data(contentsOf: trained.best)
            try checkpoint.write(to: directory.appendingPathComponent("best.safetensors"))
            for (name, bytes) in try corruptCheckpoints(Array(checkpoint)) {
                try Data(bytes).write(to: directory.appendingPathComponent(name))
            }
            return .success(directory)
        } catch let error as CLITrainingError {
            return .failure(error)
        } catch {
            return .failure(CLITrainingError(message: "\(error)"))
        }
    }()

    static func writePairFiles(in directory: URL) throws {
        let pairs = CLITraining.pairLines
        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: directory.appendingPathComponent(name))
        }
        func text(_ lines: [String], ending: String = "\n") -> [UInt8] { Array(lines.map { $0 + ending }.joined().utf8) }
        try write("pairs.tsv", text(pairs))
        try write("other.tsv", text(Array(pairs.prefix(20))))
        try write("empty.tsv", [])
        try write("blank.tsv", Array("\n\n   \n\t\n\r\n".utf8))
        var binary = text(pairs)
        let random = SeededGenerator(seed: 6)
        for index in stride(from: 17, to: binary.count, by: 23) { binary[index] = UInt8(truncatingIfNeeded: random.next()) }
        binary[40] = 0
        try write("binary.tsv", binary)
        try write("invalid-utf8.tsv", text(Array(pairs.prefix(2))) + [0x61, 0xC3, 0x28, 0x09, 0x62, 0x0A] + text(Array(pairs.suffix(5))))
        try write("long-line.tsv", text([pairs[0], String(repeating: "a", count: 10_000_000) + "\tb", pairs[1]]))
        try write("tabs.tsv", text(Array(pairs.prefix(3)) + ["a\tb\tc"] + Array(pairs.suffix(3))))
        try write("long-source.tsv", text(pairs + [String(repeating: "x", count: 30) + "\tb"]))
        try write("long-target.tsv", text(pairs + ["a\t" + String(repeating: "y", count: 25)]))
        try write("crlf.tsv", text(pairs, ending: "\r\n"))
        try write("bom.tsv", [0xEF, 0xBB, 0xBF] + text(pairs))
        try write("file.txt", Array("a file, not a directory\n".utf8))
    }

    /// The header of a safetensors file as a JSON object, and the data after it.
    static func split(_ bytes: [UInt8]) throws -> (header: [String: Any], data: [UInt8]) {
        let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
        return (header, Array(bytes[(8 + length)...]))
    }

    /// A safetensors file from a header object (keys sorted; offsets as given) and data.
    static func join(_ header: [String: Any], _ data: [UInt8]) throws -> [UInt8] {
        var json = Array(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        json += repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        return lengthField(UInt64(json.count)) + json + data
    }

    static func lengthField(_ length: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } }

    /// Tensor entries sorted by where their data starts.
    static func entriesByOffset(_ header: [String: Any]) -> [(name: String, start: Int, end: Int)] {
        header.compactMap { name, value -> (String, Int, Int)? in
            guard let entry = value as? [String: Any], let offsets = entry["data_offsets"] as? [Int] else { return nil }
            return (name, offsets[0], offsets[1])
        }.sorted { $0.1 < $1.1 }
    }

    /// Corrupt copies of a good checkpoint, by file name (the cases are in ``CLIBadCheckpointTests``).
    static func corruptCheckpoints(_ good: [UInt8]) throws -> [(String, [UInt8])] {
        let (header, data) = try split(good)
        let headerEnd = good.count - data.count
        let entries = entriesByOffset(header)
        let parameter = "encoder.layers.0.selfAttention.query.weight"
        func edited(_ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
            var copy = header
            change(&copy)
            return try join(copy, data)
        }
        func entry(_ name: String, _ change: @escaping (inout [String: Any]) -> Void) throws -> [UInt8] {
            try edited { header in
                var value = header[name] as! [String: Any]
                change(&value)
                header[name] = value
            }
        }
        func configuration(_ change: @escaping (inout [String: Any]) -> Void) throws -> [UInt8] {
            try edited { header in
                var metadata = header["__metadata__"] as! [String: String]
                var object = try! JSONSerialization.jsonObject(with: Data(metadata["configuration"]!.utf8)) as! [String: Any]
                change(&object)
                metadata["configuration"] = String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
                                                   as: UTF8.self)
                header["__metadata__"] = metadata
            }
        }
        let second = entries[1]
        var files: [(String, [UInt8])] = [
            ("resaved.safetensors", try join(header, data)),   // control: the same file re-serialized loads
            ("zero-bytes.safetensors", []),
            ("cut-in-length.safetensors", Array(good.prefix(5))),
            ("cut-after-length.safetensors", Array(good.prefix(8))),
            ("cut-in-header.safetensors", Array(good.prefix(8 + (headerEnd - 8) / 2))),
            ("cut-after-header.safetensors", Array(good.prefix(headerEnd))),
            ("cut-in-data.safetensors", Array(good.prefix(headerEnd + data.count / 2))),
            ("cut-last-byte.safetensors", Array(good.dropLast())),
            ("length-past-end.safetensors", lengthField(UInt64(good.count)) + good.dropFirst(8)),
            ("length-2^64-1.safetensors", lengthField(.max) + good.dropFirst(8)),
            ("length-2^63.safetensors", lengthField(1 << 63) + good.dropFirst(8)),
            ("length-1e12.safetensors", lengthField(1_000_000_000_000) + good.dropFirst(8)),
            ("invalid-json.safetensors", lengthField(UInt64(headerEnd - 8)) + Array("{\"a\":".utf8) + good[13...]),
            ("not-utf8-header.safetensors", Array(good.prefix(9)) + [0xFF] + good.dropFirst(10)),
            ("wrong-dtype.safetensors", try entry(parameter) { $0["dtype"] = "F64" }),
            ("other-dtype.safetensors", try entry(parameter) { $0["dtype"] = "I32" }),
            ("unknown-dtype.safetensors", try entry(parameter) { $0["dtype"] = "Q4" }),
            ("offsets-past-end.safetensors", try entry(entries.last!.name) { $0["data_offsets"] = [entries.last!.start, data.count + 4] }),
            ("offsets-reversed.safetensors", try entry(second.name) { $0["data_offsets"] = [second.end, second.start] }),
            ("offsets-overlapping.safetensors", try entry(second.name) {
                $0["data_offsets"] = [second.start - 4, second.end - 4]
            }),
            ("offsets-huge.safetensors", try entry(second.name) { $0["data_offsets"] = [second.start, Int.max] }),
            ("missing-parameter.safetensors", {
                let file = try! SafeTensors.parse(bytes: good)
                return SafeTensors.encode(file.tensors.filter { $0.name != parameter }, metadata: file.metadata)
            }()),
            ("wrong-shape.safetensors", try entry(parameter) { entry in
                let shape = entry["shape"] as! [Int]
                entry["shape"] = [shape[0] / 2, shape[1] * 2]
            }),
            ("shape-overflow.safetensors", try entry(parameter) { $0["shape"] = [1 << 40, 1 << 40] }),
            ("other-configuration.safetensors", try configuration { $0["feedForwardDimension"] = 64 }),
            ("huge-configuration.safetensors", try configuration {
                $0["modelDimension"] = 4096; $0["feedForwardDimension"] = 4096; $0["headCount"] = 1
            }),
            ("invalid-configuration.safetensors", try configuration { $0["headCount"] = 3 }),
            ("no-format.safetensors", try edited { header in
                var metadata = header["__metadata__"] as! [String: String]
                metadata["format"] = nil
                header["__metadata__"] = metadata
            }),
            ("bad-tokenizers.safetensors", try edited { header in
                var metadata = header["__metadata__"] as! [String: String]
                metadata["tokenizers"] = "{\"source\": 3}"
                header["__metadata__"] = metadata
            }),
            ("nan-weight.safetensors", {
                var bytes = good
                let start = headerEnd + entries[0].start
                bytes.replaceSubrange(start..<(start + 4), with: [0x00, 0x00, 0xC0, 0x7F])   // a quiet NaN
                return bytes
            }()),
        ]
        files.append(("text-file.safetensors", Array("team\teamtay\n".utf8)))
        return files
    }
}
