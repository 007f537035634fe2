/// The bytes of a hexadecimal string ("89504e47" -> [0x89, 0x50, 0x4E, 0x47]), for the generated fixture
/// files of this folder (InflateFixtures, PNGFixtures).
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
}
