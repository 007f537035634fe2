import Testing
@testable import TransformerCore

@Suite struct TextFormattingTests {
    @Test func xmlEscapingCoversMarkupQuotesAndForbiddenCharacters() {
        #expect(XMLEscaping.escaped(#"<a href="x">Tom & 'Jerry'</a>"#)
                == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(XMLEscaping.escaped("a\u{0}b\u{1B}c\u{FFFE}d") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d")
        #expect(XMLEscaping.escaped("tab\tnew\nline\r") == "tab&#9;new&#10;line&#13;")
        #expect(XMLEscaping.escaped("ñandú 日本 🙂") == "ñandú 日本 🙂")
    }

    @Test func numbersAreLocaleFreeAndHaveNoNegativeZero() {
        #expect(NumberText.fixed(0.1234, decimals: 3) == "0.123")
        #expect(NumberText.fixed(-0.0001, decimals: 3) == "0.000")
        #expect(NumberText.fixed(-1.5, decimals: 1) == "-1.5")
        #expect(NumberText.fixed(.nan, decimals: 2) == "NaN" && NumberText.fixed(-.infinity, decimals: 2) == "-inf")
        #expect(NumberText.tick(0.0004, step: 0.0002) == "0.0004")
        #expect(NumberText.tick(2500, step: 500) == "2500")
        #expect(NumberText.tick(1e-5, step: 1e-5) == "1e-05")
        #expect(NumberText.exact(0.25) == "0.25")
    }

    @Test func textWidthsCountWideCharactersTwiceInSVGOnly() {
        #expect(Typesetting.svg.label.width(of: "日本") == Typesetting.svg.label.width(of: "abcd"))
        #expect(Typesetting.raster.label.width(of: "日本") == Typesetting.raster.label.width(of: "ab"))
        #expect(Typesetting.raster.label.width(of: "") == 0)
    }
}
