import Testing
@testable import TransformerCore

@Suite struct ColorScaleTests {
    /// Relative luminance (Rec. 709 weights on the sRGB channels; enough to order colours).
    static func luminance(_ color: RGB) -> Double {
        0.2126 * Double(color.red) + 0.7152 * Double(color.green) + 0.0722 * Double(color.blue)
    }

    @Test func hexIsSevenLowercaseCharacters() {
        #expect(RGB(red: 0, green: 0, blue: 0).hex == "#000000")
        #expect(RGB(red: 255, green: 10, blue: 171).hex == "#ff0aab")
    }

    @Test func viridisEndsAndMiddleAreTheKnownColours() {
        let scale = ColorScale.viridis()
        #expect(scale.color(for: 0).hex == "#440154")
        #expect(scale.color(for: 0.5).hex == "#21918c")
        #expect(scale.color(for: 1).hex == "#fde725")
        #expect(Set([scale.color(for: 0), scale.color(for: 0.5), scale.color(for: 1)]).count == 3)
    }

    @Test func lightnessIncreasesMonotonicallyAlongViridis() {
        let scale = ColorScale.viridis()
        let samples = (0...100).map { scale.color(for: Float($0) / 100) }
        for (darker, lighter) in zip(samples, samples.dropFirst()) {
            #expect(Self.luminance(darker) <= Self.luminance(lighter), "\(darker.hex) then \(lighter.hex)")
        }
    }

    @Test func valuesOutsideTheRangeClampAndNaNIsGrey() {
        let scale = ColorScale.viridis(range: -2...2)
        #expect(scale.color(for: -2) == scale.color(for: -100))
        #expect(scale.color(for: 2) == scale.color(for: .infinity))
        #expect(scale.color(for: -.infinity) == scale.color(for: -2))
        #expect(scale.color(for: 0) == ColorScale.viridis().color(for: 0.5))
        #expect(scale.color(for: .nan) == ColorScale.notANumberColor)
        #expect(ColorScale.notANumberColor.hex == "#808080")
    }

    @Test func aDegenerateRangeDoesNotDivideByZero() {
        let scale = ColorScale.viridis(range: 1...1)
        #expect(scale.color(for: 0) == ColorScale.viridis().color(for: 0))
        #expect(scale.color(for: 1) == ColorScale.viridis().color(for: 0.5))
        #expect(scale.color(for: 2) == ColorScale.viridis().color(for: 1))
    }
}
