/// A checkpoint or safetensors file that cannot be read or written: which file, what kind of problem,
/// and a one-line explanation saying what was expected and what was found.
///
/// `description` is `"<file>: <detail>"`, e.g.
/// `runs/x/last.safetensors: header length 18446744073709551615 is larger than the file (1234 bytes)`,
/// ready for the CLI to print as one line on stderr.
public struct CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The category of the problem, for callers that branch on it (the CLI's exit code, tests).
    public enum Kind: String, Sendable, CaseIterable {
        /// The file could not be opened or read (missing, a directory, permission, I/O error).
        case unreadable
        /// The file could not be written; the previous file at that path is unchanged.
        case unwritable
        /// The file is shorter than its own header says: truncated, or not a safetensors file.
        case truncated
        /// The header length exceeds ``SafeTensors/maximumHeaderLength``.
        case headerTooLarge
        /// The header is not a JSON object of well-formed tensor entries (or has a key twice).
        case invalidHeader
        /// A tensor is stored in a dtype TransformerCore does not load (only F32 is).
        case unsupportedDtype
        /// Tensor sizes and data offsets disagree, overlap, leave gaps or run past the data.
        case invalidLayout
        /// The `__metadata__` map is malformed or lacks what a TransformerCore checkpoint needs.
        case invalidMetadata
        /// The stored configuration does not decode or does not validate.
        case invalidConfiguration
        /// A parameter the configuration needs is not in the file.
        case missingTensor
        /// A parameter is stored with a different shape than the configuration needs.
        case shapeMismatch
        /// A tensor that is neither a model parameter nor under an allowed extra prefix.
        case unexpectedTensor
        /// A stored value is NaN or infinite (or a model about to be saved has one).
        case nonFiniteValue
        /// The checkpoint was made for a different configuration than the model it is loaded into.
        case configurationMismatch
        /// The checkpoint holds another model family than the one asked for (a classifier given to `translate`).
        case wrongFamily
    }

    /// The path of the file at fault, as given by the caller.
    public let file: String
    public let kind: Kind
    /// What was expected and what was found, without the file name.
    public let detail: String

    public init(file: String, kind: Kind, detail: String) {
        self.file = file
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}
