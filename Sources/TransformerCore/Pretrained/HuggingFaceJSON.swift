import Foundation

/// One JSON object file of a Hugging Face model directory (`config.json`, `generation_config.json`), read
/// field by field with errors that name the file, the key, what was expected and what was found.
///
/// `null` counts as absent (Hugging Face writes `"bos_token_id": null` for unset ids). Numbers are read
/// from their JSON text, so an integer field given `2.5` or `"2"` is an error rather than a silent guess.
struct HuggingFaceJSON {
    /// The file's path as given, for error messages.
    let file: String
    let members: [(key: String, value: JSONValue)]

    /// Reads and parses `url`; a missing file throws ``CheckpointError/Kind/unreadable`` saying what it holds.
    init(contentsOf url: URL, holding description: String) throws(CheckpointError) {
        file = url.relativePath
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: url))
        } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw CheckpointError(file: file, kind: .unreadable,
                                  detail: exists ? "cannot be read; expected \(description)"
                                                 : "no such file; expected \(description)")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw CheckpointError(file: file, kind: .invalidConfiguration,
                                  detail: "is not valid JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let members) = json else {
            throw CheckpointError(file: file, kind: .invalidConfiguration,
                                  detail: "holds \(json.typeDescription), expected a JSON object")
        }
        self.members = members
    }

    /// The value at `key`, nil when absent or null.
    subscript(key: String) -> JSONValue? {
        guard let value = members.first(where: { $0.key == key })?.value else { return nil }
        if case .null = value { return nil }
        return value
    }

    func fail(_ key: String, expected: String, found: JSONValue) -> CheckpointError {
        CheckpointError(file: file, kind: .invalidConfiguration,
                        detail: "\"\(key)\" is \(found.typeDescription), expected \(expected)")
    }

    /// An integer field (a JSON number without fraction or exponent, possibly negative), nil when absent.
    func integer(_ key: String) throws(CheckpointError) -> Int? {
        guard let value = self[key] else { return nil }
        guard case .number(let text) = value, let integer = Int(text) else { throw fail(key, expected: "an integer", found: value) }
        return integer
    }

    /// A required integer field.
    func requiredInteger(_ key: String) throws(CheckpointError) -> Int {
        guard let value = try integer(key) else {
            throw CheckpointError(file: file, kind: .invalidConfiguration, detail: "has no \"\(key)\", expected an integer")
        }
        return value
    }

    /// A number field, nil when absent.
    func number(_ key: String) throws(CheckpointError) -> Double? {
        guard let value = self[key] else { return nil }
        guard case .number(let text) = value, let number = Double(text), number.isFinite else {
            throw fail(key, expected: "a number", found: value)
        }
        return number
    }

    /// A boolean field, nil when absent.
    func bool(_ key: String) throws(CheckpointError) -> Bool? {
        guard let value = self[key] else { return nil }
        guard case .bool(let flag) = value else { throw fail(key, expected: "true or false", found: value) }
        return flag
    }

    /// A string field, nil when absent.
    func string(_ key: String) throws(CheckpointError) -> String? {
        guard let value = self[key] else { return nil }
        guard case .string(let text) = value else { throw fail(key, expected: "a string", found: value) }
        return text
    }

    /// An id or a list of ids (`eos_token_id` may be either), nil when absent.
    func integers(_ key: String) throws(CheckpointError) -> [Int]? {
        guard let value = self[key] else { return nil }
        if case .array(let elements) = value {
            var result: [Int] = []
            for element in elements {
                guard case .number(let text) = element, let id = Int(text) else {
                    throw fail(key, expected: "an integer or a list of integers", found: value)
                }
                result.append(id)
            }
            return result
        }
        guard case .number(let text) = value, let id = Int(text) else {
            throw fail(key, expected: "an integer or a list of integers", found: value)
        }
        return [id]
    }

    /// A list of lists of ids (`bad_words_ids`), nil when absent.
    func integerLists(_ key: String) throws(CheckpointError) -> [[Int]]? {
        guard let value = self[key] else { return nil }
        guard case .array(let rows) = value else { throw fail(key, expected: "a list of lists of integers", found: value) }
        var result: [[Int]] = []
        for row in rows {
            guard case .array(let elements) = row else { throw fail(key, expected: "a list of lists of integers", found: value) }
            var ids: [Int] = []
            for element in elements {
                guard case .number(let text) = element, let id = Int(text) else {
                    throw fail(key, expected: "a list of lists of integers", found: value)
                }
                ids.append(id)
            }
            result.append(ids)
        }
        return result
    }
}
