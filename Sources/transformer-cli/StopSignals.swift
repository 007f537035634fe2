import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT (Ctrl-C) and SIGTERM into a request to stop that the training loop polls.
///
/// The signals' default action (terminate at once) is replaced by `SIG_IGN`, and a Dispatch signal
/// source per signal records the first one in an atomic flag; the trainer finishes its step, saves and
/// returns, and the command exits with 128 + the signal (130, 143). A second signal restores the default
/// action and re-raises it: the process ends at once, without saving (checkpoints are written to a
/// temporary file and renamed, so the last one on disk stays whole).
///
/// ```swift
/// let signals = StopSignals(onFirst: { print("stopping after this step") })
/// defer { signals.restore() }
/// ... shouldStop: { signals.received != nil } ...
/// ```
final class StopSignals {
    /// The watched signals.
    static let watched: [Int32] = [SIGINT, SIGTERM]

    private let flag = StopFlag()
    private var sources: [any DispatchSourceSignal] = []

    /// Starts watching; `onFirst` runs (on a Dispatch queue) when the first signal arrives.
    init(onFirst: @escaping @Sendable (Int32) -> Void) {
        let flag = self.flag
        for number in Self.watched {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if flag.record(number) {
                    onFirst(number)
                } else {
                    signal(number, SIG_DFL)
                    raise(number)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, or nil.
    var received: Int32? { flag.signal }

    /// Stops watching and gives the signals their default action back.
    func restore() {
        for source in sources { source.cancel() }
        sources = []
        for number in Self.watched { signal(number, SIG_DFL) }
    }

    /// "SIGINT" or "SIGTERM".
    static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(number)"
        }
    }

    /// The exit status for a run stopped by `number`: 128 + the signal number (130, 143).
    static func exitStatus(_ number: Int32) -> Int32 { 128 + number }
}

/// The first signal number received (0 for none), shared with the Dispatch handlers.
final class StopFlag: Sendable {
    private let value = Atomic<Int32>(0)

    /// Records `number` if no signal came before; returns whether this was the first.
    func record(_ number: Int32) -> Bool {
        value.compareExchange(expected: 0, desired: number, ordering: .sequentiallyConsistent).exchanged
    }

    var signal: Int32? {
        let number = value.load(ordering: .sequentiallyConsistent)
        return number == 0 ? nil : number
    }
}
