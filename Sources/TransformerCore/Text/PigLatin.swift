/// The Pig-Latin rule that the shipped datasets (`Data/pig-latin-*.tsv`) are made of.
///
/// A word is split on `-`; each part is translated and the parts are joined with `-` again
/// (`well-known` -> `ellway-ownknay`). For one part:
///
/// 1. A part starting with a vowel (a, e, i, o, u) gets `way` appended: `impress` -> `impressway`.
/// 2. Otherwise the letters before the first a, e, i, o, u **or y** move to the end, followed by `ay`:
///    `team` -> `eamtay`, `shopping` -> `oppingshay`, `school` -> `oolschay`, `fly` -> `yflay`,
///    `rhythm` -> `ythmrhay`.
/// 3. A leading `y` is a consonant for rule 1 (it gets `ay`, not `way`) but is itself the first
///    "a, e, i, o, u or y", so nothing moves: `yet` -> `yetay`, `yes` -> `yesay`.
/// 4. A `u` right after a `q` moves with it: `quick` -> `ickquay`, `square` -> `aresquay`.
/// 5. A part with no vowel and no y moves whole, which leaves it in place: `nth` -> `nthay`.
///
/// Input is expected in **lowercase** ASCII letters (the datasets are filtered to that). The function is
/// total all the same: any other character, uppercase letters included, counts as a consonant
/// (`Apple` -> `eApplay`), and an empty part stays empty (`-` -> `-`).
public enum PigLatin {
    /// The translation of `word` (see the type's documentation for the rule).
    public static func translate(_ word: String) -> String {
        word.split(separator: "-", omittingEmptySubsequences: false)
            .map { translatePart(Array($0)) }
            .joined(separator: "-")
    }

    /// Translates a whole text word by word (words are separated by whitespace runs and joined with one space).
    public static func translateText(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).map { translate(String($0)) }.joined(separator: " ")
    }

    private static let vowels: Set<Character> = ["a", "e", "i", "o", "u"]

    private static func translatePart(_ letters: [Character]) -> String {
        guard let first = letters.first else { return "" }
        if vowels.contains(first) { return String(letters) + "way" }                       // rule 1
        var split = letters.firstIndex { vowels.contains($0) || $0 == "y" } ?? letters.count   // rules 2, 3, 5
        if split > 0, split < letters.count, letters[split] == "u", letters[split - 1] == "q" {
            split += 1                                                                      // rule 4
        }
        return String(letters[split...]) + String(letters[..<split]) + "ay"
    }
}
