import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Training progress on standard output, shaped for where it goes.
///
/// On a terminal: one live line per epoch, redrawn in place (carriage return, then erase-to-end-of-line
/// ESC[K) at most once per `minimumRedrawInterval` seconds and fitted to the terminal's width:
///
///     epoch 3/20 [#########.........] 120/400 loss 1.234 5,321 tok/s ETA 0:42
///
/// Elsewhere (a pipe, a log file, CI): a plain line every `lineInterval` steps, no control characters:
///
///     epoch 3/20 step 150/400 loss 1.234 5,321 tok/s ETA 0:42
///
/// In both modes each epoch ends with one summary line (its live line is replaced by it):
///
///     epoch 3/20 done: 400 steps, mean loss 1.302, 5,321 tok/s, 1:02
///
/// tok/s and ETA use the epoch's average so far: tokens / elapsed and elapsed / steps × steps left.
/// Times are m:ss under an hour, h:mm:ss from an hour on. The output sink, "is a terminal", the width
/// and the clock are parameters so every mode can be tested without a terminal.
public final class ProgressReporter {
    public let isTerminal: Bool
    public let lineInterval: Int
    public let minimumRedrawInterval: Double
    /// What the throughput counts, e.g. "tok" (tokens, printed "tok/s") or "img" (images).
    public let unit: String
    private let output: (String) -> Void
    private let terminalWidth: () -> Int
    private let clock: () -> Double

    private var epoch = 0, epochCount = 0, stepCount = 0
    private var epochStart = 0.0, lastDraw: Double?
    private var completedSteps = 0, stepsBeforeStart = 0, tokenCount = 0, lossSum = 0.0, lossCount = 0
    private var lastLoss: Float = .nan
    private var barIsVisible = false

    /// - Parameters:
    ///   - isTerminal: draw a live bar; default: whether standard output is a terminal (isatty).
    ///   - lineInterval: steps between plain lines when not a terminal, at least 1.
    ///   - minimumRedrawInterval: seconds between bar redraws (0.1: at most 10 a second).
    ///   - unit: what the step's count counts, shown as "<unit>/s" ("tok": target tokens; "img": images).
    ///   - terminalWidth: columns available; default: the terminal's (TIOCGWINSZ), or 80.
    ///   - clock: monotonic seconds.
    ///   - output: where text goes; default: standard output, flushed after each piece.
    public init(isTerminal: Bool = ProgressReporter.standardOutputIsTerminal(), lineInterval: Int = 50,
                minimumRedrawInterval: Double = 0.1, unit: String = "tok",
                terminalWidth: @escaping () -> Int = ProgressReporter.standardOutputWidth,
                clock: @escaping () -> Double = ProgressReporter.monotonicSeconds,
                output: @escaping (String) -> Void = ProgressReporter.writeToStandardOutput) {
        precondition(lineInterval >= 1, "ProgressReporter lineInterval must be at least 1, got \(lineInterval)")
        self.isTerminal = isTerminal
        self.lineInterval = lineInterval
        self.minimumRedrawInterval = minimumRedrawInterval
        self.unit = unit
        self.terminalWidth = terminalWidth
        self.clock = clock
        self.output = output
    }

    /// Starts epoch `epoch` (1-based) of `epochCount`, which has `stepCount` steps, of which
    /// `completedSteps` were done before (a run resumed mid-epoch: rates and the ETA count only
    /// the steps timed here).
    public func beginEpoch(_ epoch: Int, of epochCount: Int, stepCount: Int, completedSteps: Int = 0) {
        self.epoch = epoch
        self.epochCount = epochCount
        self.stepCount = stepCount
        epochStart = clock()
        lastDraw = nil
        self.completedSteps = completedSteps
        stepsBeforeStart = completedSteps
        tokenCount = 0
        lossSum = 0
        lossCount = 0
        lastLoss = .nan
    }

    /// Reports that `step` steps of the epoch are done (1...stepCount), the last one on `tokens` tokens
    /// with loss `loss` (shown as given: pass a running mean for a steadier number).
    public func update(step: Int, loss: Float, tokens: Int) {
        completedSteps = step
        tokenCount += tokens
        lastLoss = loss
        if loss.isFinite {
            lossSum += Double(loss)
            lossCount += 1
        }
        let now = clock()
        if isTerminal {
            if let lastDraw, now - lastDraw < minimumRedrawInterval, step < stepCount { return }
            lastDraw = now
            drawBar(now: now)
        } else if step % lineInterval == 0 {
            output(statusLine(now: now) + "\n")
        }
    }

    /// Ends the epoch with its summary line; `extra` (e.g. "valid loss 1.87") is appended after a comma.
    public func endEpoch(extra: String = "") {
        let elapsed = clock() - epochStart
        let meanLoss = lossCount > 0 ? Self.formatLoss(Float(lossSum / Double(lossCount))) : "n/a"
        var summary = "\(epochLabel) done: \(Self.grouped(completedSteps)) step\(completedSteps == 1 ? "" : "s"), mean loss \(meanLoss), "
            + "\(Self.rate(tokenCount, elapsed)) \(unit)/s, \(Self.formatDuration(elapsed))"
        if !extra.isEmpty { summary += ", " + extra }
        emitLine(summary)
    }

    /// Prints a line of its own (validation results, a checkpoint saved) without breaking the live bar.
    public func message(_ line: String) {
        emitLine(line)
        if isTerminal && stepCount > 0 && completedSteps < stepCount && completedSteps > 0 { drawBar(now: clock()) }
    }

    // MARK: - Lines

    private var epochLabel: String { "epoch \(epoch)/\(epochCount)" }

    private func emitLine(_ line: String) {
        output((barIsVisible ? "\r\u{1B}[K" : "") + line + "\n")
        barIsVisible = false
    }

    private func drawBar(now: Double) {
        let columns = max(20, terminalWidth()) - 1   // never write the last column: some terminals wrap there
        let suffix = statusSuffix(now: now)
        // The bar's width comes from a typical wide suffix for the epoch, not this one, so it stays put
        // while the numbers change (shorter suffixes leave room that ESC[K clears); a longer suffix
        // shrinks the bar rather than being cut.
        let reserved = max(Self.reservedSuffixLength(stepCount: stepCount), suffix.count)
        let room = columns - epochLabel.count - reserved - 4   // " [" and "] "
        var line: String
        if room >= 5 {
            let width = min(room, 50)
            let filled = stepCount > 0 ? min(width, width * completedSteps / stepCount) : 0
            line = epochLabel + " [" + String(repeating: "#", count: filled)
                + String(repeating: ".", count: width - filled) + "] " + suffix
        } else {
            line = epochLabel + " " + suffix
        }
        if line.count > columns { line = String(line.prefix(columns)) }
        output("\r" + line + "\u{1B}[K")
        barIsVisible = true
    }

    /// The plain-mode line.
    private func statusLine(now: Double) -> String {
        "\(epochLabel) step \(statusSuffix(now: now))"
    }

    /// Room for "400/400 loss 0.1234 123,456 tok/s ETA 1:02:05": both step counts at full width, a
    /// 6-character loss, 7-character tok/s, 7-character ETA.
    static func reservedSuffixLength(stepCount: Int) -> Int {
        2 * String(stepCount).count + "/ loss  tok/s ETA ".count + 6 + 7 + 7   // "img" is as long as "tok"
    }

    /// "120/400 loss 1.234 5,321 tok/s ETA 0:42".
    private func statusSuffix(now: Double) -> String {
        let elapsed = now - epochStart
        let timedSteps = completedSteps - stepsBeforeStart
        let remaining = timedSteps > 0 ? elapsed / Double(timedSteps) * Double(stepCount - completedSteps) : .nan
        let steps = String(completedSteps), total = String(stepCount)
        let padding = isTerminal ? String(repeating: " ", count: max(0, total.count - steps.count)) : ""
        return "\(padding)\(steps)/\(total) loss \(Self.formatLoss(lastLoss)) "
            + "\(Self.rate(tokenCount, elapsed)) \(unit)/s ETA \(Self.formatDuration(remaining))"
    }

    // MARK: - Formatting

    /// 4 significant digits: 1.234, 0.01234, 12.35; "nan" for NaN.
    static func formatLoss(_ loss: Float) -> String {
        loss.isNaN ? "nan" : String(format: "%.4g", Double(loss))
    }

    /// Seconds as m:ss below an hour, h:mm:ss from an hour on; "--:--" when unknown.
    public static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite && seconds >= 0 && seconds < 1e9 else { return "--:--" }
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" : "\(minutes):\(twoDigits(secs))"
    }

    /// count / seconds, rounded and grouped ("5,321"); "--" before any time has passed.
    static func rate(_ count: Int, _ seconds: Double) -> String {
        seconds > 0 ? grouped(Int((Double(count) / seconds).rounded())) : "--"
    }

    /// 5321 -> "5,321".
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var result = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }

    // MARK: - Standard output

    /// isatty(STDOUT_FILENO).
    public static func standardOutputIsTerminal() -> Bool {
        isatty(STDOUT_FILENO) != 0
    }

    /// The terminal's column count (ioctl TIOCGWINSZ on standard output), or 80 when unknown.
    public static func standardOutputWidth() -> Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// Seconds from a monotonic clock (unaffected by changes to the wall clock).
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// Writes through Swift's `print` (so it interleaves correctly with the program's other output)
    /// and flushes, so a redraw without a newline appears at once.
    public static func writeToStandardOutput(_ text: String) {
        print(text, terminator: "")
        fflush(nil)
    }
}
