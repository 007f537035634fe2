/// Splits CSV text into records of fields (RFC 4180): fields separated by commas, records by LF or
/// CRLF; a field in double quotes may hold commas, line breaks and doubled quotes (`""` is one `"`).
/// Each record knows the 1-based line it starts on. Empty lines produce no record.
enum CSVRecords {
    struct Record: Equatable {
        let line: Int
        let fields: [String]
    }

    static func split(_ text: String) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false, fieldWasQuoted = false
        var line = 1, recordLine = 1
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        func endRecord() {
            if !(fields.isEmpty && field.isEmpty && !fieldWasQuoted) {
                fields.append(field)
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }
        while let scalar = pending {
            pending = scalars.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = scalars.next()
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty:
                quoted = true
                fieldWasQuoted = true
            case ",":
                fields.append(field)
                field = ""
                fieldWasQuoted = false
            case "\r" where pending == "\n":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        endRecord()
        return records
    }
}
