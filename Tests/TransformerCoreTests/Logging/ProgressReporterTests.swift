import Foundation
import Testing
@testable import TransformerCore

@Suite struct ProgressReporterTests {
    /// A reporter writing into `output`, with a clock the test advances.
    final class Harness {
        let clock = LogTestClock(1000)
        var output = ""
        var width = 80
        var redrawInterval = 0.1
        lazy var reporter = ProgressReporter(isTerminal: isTerminal, lineInterval: 50, minimumRedrawInterval: redrawInterval,
                                             terminalWidth: { [unowned self] in self.width }, clock: clock.read,
                                             output: { [unowned self] in self.output += $0 })   // no cycle (LSan)
        let isTerminal: Bool

        init(isTerminal: Bool) {
            self.isTerminal = isTerminal
        }

        /// `steps` steps of 0.01 s and 100 tokens each, losses falling from 2.
        func runEpoch(_ epoch: Int, of epochCount: Int, steps: Int, stepTime: Double = 0.01) {
            reporter.beginEpoch(epoch, of: epochCount, stepCount: steps)
            for step in 1...steps {
                clock.now += stepTime
                reporter.update(step: step, loss: 2 - Float(step) / Float(steps), tokens: 100)
            }
        }
    }

    @Test func plainOutputIsOneLineEveryNStepsAndASummaryPerEpoch() {
        let harness = Harness(isTerminal: false)
        harness.runEpoch(2, of: 5, steps: 120, stepTime: 0.1)
        harness.reporter.endEpoch(extra: "valid loss 1.87")
        #expect(harness.output == """
            epoch 2/5 step 50/120 loss 1.583 1,000 tok/s ETA 0:07
            epoch 2/5 step 100/120 loss 1.167 1,000 tok/s ETA 0:02
            epoch 2/5 done: 120 steps, mean loss 1.496, 1,000 tok/s, 0:12, valid loss 1.87

            """)
    }

    @Test func theTerminalBarIsRedrawnInPlaceAndRateLimited() throws {
        let harness = Harness(isTerminal: true)
        harness.redrawInterval = 0.125
        harness.runEpoch(3, of: 20, steps: 400, stepTime: 1.0 / 64)   // 6.25 s: draws at steps 1, 9, 17, ..., 393, and 400
        let draws = harness.output.split(separator: "\r").map(String.init)
        #expect(draws.count == 51, "\(draws.count) redraws")
        #expect(!harness.output.contains("\n"), "the live bar never scrolls")
        #expect(draws.allSatisfy { $0.hasSuffix("\u{1B}[K") })
        let lines = draws.map { String($0.dropLast(3)) }
        let barWidth = 79 - "epoch 3/20".count - ProgressReporter.reservedSuffixLength(stepCount: 400) - 4
        #expect(barWidth == 21)
        #expect(lines.allSatisfy { $0.count <= 79 && $0.firstIndex(of: "]") == lines[0].firstIndex(of: "]") },
                "the bar stays put while the numbers change")
        #expect(lines[0].hasSuffix("]   1/400 loss 1.997 6,400 tok/s ETA 0:06"), "step counts are padded to a fixed width")
        #expect(lines.last == "epoch 3/20 [" + String(repeating: "#", count: barWidth) + "] 400/400 loss 1 6,400 tok/s ETA 0:00")
        let filled = barWidth * 201 / 400   // step 201 at 201/64 s: 199 steps left take 3.1 s
        #expect(lines[25].hasPrefix("epoch 3/20 [" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "] 201/400 loss 1.4"))
        #expect(lines[25].hasSuffix(" 6,400 tok/s ETA 0:03"))
        harness.reporter.endEpoch()
        #expect(harness.output.hasSuffix("\r\u{1B}[Kepoch 3/20 done: 400 steps, mean loss 1.499, 6,400 tok/s, 0:06\n"))
    }

    @Test func theBarFitsTheTerminalWidth() throws {
        for width in [70, 80, 100, 200] {
            let harness = Harness(isTerminal: true)
            harness.width = width
            harness.runEpoch(1, of: 1, steps: 30, stepTime: 0.25)
            let draws = harness.output.split(separator: "\r").map { String($0.dropLast(3)) }
            let barWidth = min(50, width - 1 - "epoch 1/1".count - ProgressReporter.reservedSuffixLength(stepCount: 30) - 4)
            #expect(draws.count == 30)
            #expect(draws.allSatisfy { $0.count <= width - 1 }, "width \(width): \(draws.last!)")
            #expect(draws.last! == "epoch 1/1 [" + String(repeating: "#", count: barWidth) + "] 30/30 loss 1 400 tok/s ETA 0:00")
        }
        let narrow = Harness(isTerminal: true)
        narrow.width = 30
        narrow.runEpoch(1, of: 1, steps: 2, stepTime: 0.25)
        #expect(narrow.output.hasSuffix("\repoch 1/1 2/2 loss 1 400 tok/\u{1B}[K"), "too narrow for a bar: cut to 29 columns")
    }

    @Test func messagesPrintAboveTheBarAndTheBarComesBack() {
        let harness = Harness(isTerminal: true)
        harness.reporter.beginEpoch(1, of: 2, stepCount: 10)
        harness.clock.now += 1
        harness.reporter.update(step: 5, loss: 0.5, tokens: 50)
        harness.output = ""
        harness.reporter.message("saved checkpoint")
        #expect(harness.output.hasPrefix("\r\u{1B}[Ksaved checkpoint\n\repoch 1/2 ["))
        #expect(harness.output.hasSuffix("]  5/10 loss 0.5 50 tok/s ETA 0:01\u{1B}[K"))
    }

    @Test func aResumedEpochTimesOnlyTheStepsItRuns() {
        let harness = Harness(isTerminal: false)
        harness.reporter.beginEpoch(1, of: 1, stepCount: 100, completedSteps: 40)
        for step in 41...50 {
            harness.clock.now += 0.5
            harness.reporter.update(step: step, loss: 1, tokens: 200)
        }
        // 10 steps in 5 s: 400 tok/s, 50 steps left take 25 s.
        #expect(harness.output == "epoch 1/1 step 50/100 loss 1 400 tok/s ETA 0:25\n")
    }

    @Test func durationsAreMinutesSecondsOrHoursMinutesSeconds() {
        #expect(ProgressReporter.formatDuration(0) == "0:00")
        #expect(ProgressReporter.formatDuration(42.4) == "0:42")
        #expect(ProgressReporter.formatDuration(3599) == "59:59")
        #expect(ProgressReporter.formatDuration(3600) == "1:00:00")
        #expect(ProgressReporter.formatDuration(3725) == "1:02:05")
        #expect(ProgressReporter.formatDuration(100 * 3600) == "100:00:00")
        #expect(ProgressReporter.formatDuration(.nan) == "--:--")
        #expect(ProgressReporter.formatDuration(-1) == "--:--")
    }

    @Test func numbersAreGroupedAndLossesHaveFourSignificantDigits() {
        #expect(ProgressReporter.grouped(5321) == "5,321")
        #expect(ProgressReporter.grouped(999) == "999")
        #expect(ProgressReporter.grouped(1_234_567) == "1,234,567")
        #expect(ProgressReporter.rate(100, 0) == "--")
        #expect(ProgressReporter.formatLoss(1.23456) == "1.235")
        #expect(ProgressReporter.formatLoss(0.000123456) == "0.0001235")
        #expect(ProgressReporter.formatLoss(.nan) == "nan")
    }
}
