import Testing
@testable import TransformerCore

@Suite struct PigLatinTests {
    @Test(arguments: [
        ("impress", "impressway"),   // vowel start: + way
        ("team", "eamtay"),          // one consonant moves
        ("shopping", "oppingshay"),  // a cluster moves
        ("school", "oolschay"),
        ("fly", "yflay"),            // y after consonants acts as the vowel
        ("yet", "yetay"),            // a leading y is a consonant that stays in place
        ("quick", "ickquay"),        // qu moves together
        ("square", "aresquay"),      // consonants + qu move together
    ])
    func theBriefsExamples(word: String, expected: String) {
        #expect(PigLatin.translate(word) == expected)
    }

    @Test(arguments: [
        ("nth", "nthay"),            // no vowel and no y: nothing to move before, the whole part moves (stays)
        ("rhythm", "ythmrhay"),      // y is the first vowel-like letter
        ("my", "ymay"),
        ("yes", "yesay"),
        ("a", "away"),
        ("b", "bay"),
        ("queen", "eenquay"),
        ("qat", "atqay"),            // q not followed by u
        ("aqua", "aquaway"),         // vowel start wins over qu
        ("equal", "equalway"),
        ("well-known", "ellway-ownknay"),
        ("x-ray", "xay-ayray"),
        ("up-to-date", "upway-otay-ateday"),
        ("", ""),
        ("-", "-"),
        ("a--b", "away--bay"),       // an empty part stays empty
    ])
    func edgeCases(word: String, expected: String) {
        #expect(PigLatin.translate(word) == expected)
    }

    @Test func uppercaseIsNotRecognisedAsVowelsByDesign() {
        // The rule is defined on lowercase input; other characters count as consonants.
        #expect(PigLatin.translate("Apple") == "eApplay")
        #expect(PigLatin.translate("TEAM") == "TEAMay")
    }

    @Test func translateTextWorksWordByWord() {
        #expect(PigLatin.translateText("  quick   team\tfly ") == "ickquay eamtay yflay")
    }
}
