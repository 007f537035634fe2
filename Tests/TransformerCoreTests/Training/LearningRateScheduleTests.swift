import Foundation
import Testing
@testable import TransformerCore

/// lr(step) = scale * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5) (paper section 5.3).
@Suite struct LearningRateScheduleTests {
    let paper = LearningRateSchedule.inverseSquareRoot(modelDimension: 512, warmupSteps: 4000, scale: 1)

    @Test func valuesFollowTheFormula() {
        // Hand-computed in Float64: 512^-0.5 * step * 4000^-1.5 while warming up, 512^-0.5 * step^-0.5 after.
        let cases: [(step: Int, rate: Double)] = [
            (1, 1.746928107421711e-07), (100, 1.746928107421711e-05), (1000, 1.746928107421711e-04),
            (4000, 6.987712429686844e-04), (16000, 3.493856214843422e-04), (100_000, 1.397542485937369e-04),
        ]
        for (step, rate) in cases {
            let got = Double(paper.rate(at: step))
            #expect(abs(got - rate) <= rate * 1e-6, "step \(step): \(got) vs \(rate)")
        }
    }

    @Test func peaksAtTheEndOfWarmup() {
        let peak = paper.rate(at: 4000)
        #expect(abs(Double(peak) - 1 / (512.0 * 4000).squareRoot()) < 1e-9)
        #expect(paper.rate(at: 3999) < peak)
        #expect(paper.rate(at: 4001) < peak)
        // Linear rise: half-way through warm-up is half the peak; 4x past it is half the peak again.
        #expect(abs(paper.rate(at: 2000) - peak / 2) < 1e-9)
        #expect(abs(paper.rate(at: 16000) - peak / 2) < 1e-9)
    }

    @Test func scaleMultipliesAndStepZeroActsLikeStepOne() {
        let doubled = LearningRateSchedule.inverseSquareRoot(modelDimension: 512, warmupSteps: 4000, scale: 2)
        #expect(doubled.rate(at: 123) == 2 * paper.rate(at: 123))
        #expect(paper.rate(at: 0) == paper.rate(at: 1))
    }

    @Test func constantIsConstant() {
        let constant = LearningRateSchedule.constant(3e-4)
        #expect([1, 10, 1_000_000].map(constant.rate(at:)) == [3e-4, 3e-4, 3e-4])
    }

    /// Warm-up 10 to 1e-3, then a half cosine to 0 at step 110: half way (step 60) is half the peak.
    @Test func cosineWarmsUpThenFallsToZero() {
        let cosine = LearningRateSchedule.cosine(peak: 1e-3, warmupSteps: 10, totalSteps: 110)
        #expect(abs(cosine.rate(at: 1) - 1e-4) < 1e-9 && abs(cosine.rate(at: 10) - 1e-3) < 1e-9)
        #expect(abs(cosine.rate(at: 60) - 5e-4) < 1e-8)
        #expect(abs(cosine.rate(at: 35) - Float(1e-3 * (1 + cos(Double.pi / 4)) / 2)) < 1e-8)
        #expect(cosine.rate(at: 110) == 0 && cosine.rate(at: 500) == 0)
        let rates = (10...110).map(cosine.rate(at:))
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func roundTripsThroughJSON() throws {
        for schedule in [paper, .constant(0.5), .cosine(peak: 0.01, warmupSteps: 3, totalSteps: 40)] {
            let data = try JSONEncoder().encode(schedule)
            #expect(try JSONDecoder().decode(LearningRateSchedule.self, from: data) == schedule)
        }
    }
}
