import Foundation
import Testing

/// Issue 6's checkpoint cases end to end: every corrupt copy of a good checkpoint (see
/// ``CLIBadInputFixtures/corruptCheckpoints(_:)``) given to `translate`, and a few to `evaluate` and
/// `train --resume`: exit 1, one line naming the file and what is wrong, nothing written.
@Suite("transformer-cli bad checkpoints (process)")
struct CLIBadCheckpointTests {
    typealias Case = CLIBadInputTests.Case

    /// File name in the fixture directory, then a phrase of the expected message.
    static let corrupt: [(String, String)] = [
        ("zero-bytes", "the file is 0 bytes"),
        ("cut-in-length", "the file is 5 bytes, too short for the 8-byte header length"),
        ("cut-after-length", "is larger than the file"),
        ("cut-in-header", "is larger than the file"),
        ("cut-after-header", "past the end of the data buffer"),
        ("cut-in-data", "the file is truncated"),
        ("cut-last-byte", "past the end of the data buffer"),
        ("length-past-end", "is larger than the file"),
        ("length-2^64-1", "header length 18446744073709551615"),
        ("length-2^63", "header length 9223372036854775808"),
        ("length-1e12", "header length 1000000000000"),
        ("invalid-json", "header"),
        ("not-utf8-header", "the header is not valid JSON"),
        ("wrong-dtype", "encoder.layers.0.selfAttention.query.weight"),
        ("other-dtype", "encoder.layers.0.selfAttention.query.weight"),
        ("unknown-dtype", "Q4"),
        ("offsets-past-end", "data_offsets"),
        ("offsets-reversed", "data_offsets"),
        ("offsets-overlapping", "overlap"),
        ("offsets-huge", "data_offsets"),
        ("missing-parameter", "missing parameter \"encoder.layers.0.selfAttention.query.weight\""),
        ("wrong-shape", "parameter \"encoder.layers.0.selfAttention.query.weight\" has shape [8, 32], expected [16, 16]"),
        ("shape-overflow", "encoder.layers.0.selfAttention.query.weight"),
        ("other-configuration", "feedForward"),
        ("huge-configuration", "but the file holds only"),
        ("invalid-configuration", "configuration is invalid"),
        ("no-format", "not a TransformerCore checkpoint"),
        ("bad-tokenizers", "tokenizers"),
        ("nan-weight", "nan"),
        ("text-file", "is larger than the file (12 bytes)"),
    ]

    static var cases: [Case] {
        corrupt.map { name, phrase in
            let file = "{dir}/\(name).safetensors"
            return Case(["translate", "--checkpoint", file, "team"], 1, [file + ": ", phrase])
        } + ["cut-in-data", "length-2^64-1", "missing-parameter", "huge-configuration"].flatMap { name -> [Case] in
            let file = "{dir}/\(name).safetensors"
            return [Case(["evaluate", "--checkpoint", file, "--data", CLIBadInputTests.data], 1, [file + ": "]),
                    Case(["train", "--resume", file], 1, [file + ": "])]
        } + [
            // Controls: the untouched and the re-serialized checkpoint load.
            Case(["translate", "--checkpoint", "{dir}/best.safetensors", "team"], 0, []),
            Case(["translate", "--checkpoint", "{dir}/resaved.safetensors", "team"], 0, []),
        ]
    }

    @Test(arguments: cases)
    func badCheckpoint(_ badCase: Case) throws {
        try CLIBadInputTests.check(badCase)
    }
}
