// libFuzzer entry point for TransformerCore's loaders (built by Scripts/libfuzzer.sh, not by SwiftPM).
// FUZZ_TARGET picks the loader: safetensors (SafeTensors.parse, then Checkpoint-style use of the tensors),
// pairs (PairFile.parse with both tokenizer kinds, then a tokenizer built from what was read), tokenizer
// (a Tokenizer decoded from JSON, then encode / decode). Any crash or sanitizer report is a finding;
// thrown errors are the expected outcome for bad input.
import Foundation
import TransformerCore

let target = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "safetensors"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    switch target {
    case "safetensors":
        if let file = try? SafeTensors.parse(bytes: bytes, source: "fuzz") {
            for (_, tensor) in file.tensors { precondition(tensor.count == tensor.shape.reduce(1, *)) }
        }
    case "pairs":
        for kind in [TokenizerKind.character, .word] {
            guard let contents = try? PairFile.parse(bytes, name: "fuzz", sourceKind: kind, targetKind: kind, maximumLength: 16)
            else { continue }
            if let tokenizer = try? Tokenizer.build(kind: kind, texts: contents.pairs.map(\.target)) {
                for pair in contents.pairs { _ = tokenizer.decode(tokenizer.encode(pair.target).ids) }
            }
        }
    case "tokenizer":
        if let tokenizer = try? JSONDecoder().decode(Tokenizer.self, from: Data(bytes)) {
            _ = tokenizer.decode(tokenizer.encode("naïve café 👍🏽").ids)
            _ = tokenizer.decode([-1, 0, 1, 2, 3, Int.max, Int.min])
        }
    default:
        fatalError("FUZZ_TARGET must be safetensors, pairs or tokenizer")
    }
    return 0
}
