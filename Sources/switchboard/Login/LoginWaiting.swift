import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waiting for a person: deadlines, Ctrl-C and lines typed on standard input.
enum LoginWaiting {
    /// Runs `body`, or throws `timedOut` once `limit` has passed (the body is cancelled).
    static func withDeadline<T: Sendable>(
        _ limit: Duration, timedOut: @autoclosure () -> CLIFailure, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let finished = try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let finished else { throw timedOut() }
        return finished
    }

    /// Until `stop` is called, Ctrl-C prints `message` on standard error and exits with 130 (128 + SIGINT).
    static func onInterrupt(_ message: String) -> InterruptHandler { InterruptHandler(message: message) }

    final class InterruptHandler {
        private let source: any DispatchSourceSignal

        fileprivate init(message: String) {
            signal(SIGINT, SIG_IGN)
            source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            source.setEventHandler {
                printError(message)
                exit(130)
            }
            source.resume()
        }

        /// Back to the default: Ctrl-C ends the process at once.
        func stop() {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
    }

    /// Lines typed on standard input, read on a thread of their own so the wait can time out or be cancelled.
    static func standardInputLines() -> AsyncStream<String> {
        let (lines, continuation) = AsyncStream<String>.makeStream()
        Thread.detachNewThread {
            while let line = readLine() {
                if case .terminated = continuation.yield(line) { return }
            }
            continuation.finish()
        }
        return lines
    }

    /// `15 min`, `90 s`.
    static func describe(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds >= 60 && seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) s"
    }

    /// Prints to standard output at once (it is a pipe when a script or test drives the CLI).
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
