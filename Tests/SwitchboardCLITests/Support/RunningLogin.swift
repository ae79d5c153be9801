import Foundation
import Synchronization
import SwitchboardTestSupport
import SwitchboardUpstream

/// `switchboard accounts login …` as a separate process, its output read while it runs, so a test
/// can play the person: read the printed URL, act as the browser, type, press Ctrl-C.
final class RunningLogin: @unchecked Sendable {  // `Process` predates Sendable; every mutable part is behind `output`.
    private let process = Process()
    private let input = Pipe()
    private let output = Output()

    /// What the process printed so far, and how many of its two output pipes are still open.
    final class Output: Sendable {
        struct Captured {
            var stdout = Data()
            var stderr = Data()
            var open = 2
        }
        let captured = Mutex(Captured())
        func withLock<T>(_ body: (inout Captured) -> T) -> T { captured.withLock { body(&$0) } }
    }

    /// Starts `switchboard ARGUMENTS --data-dir DIR` against the auth server at `authBaseURL`, never opening a browser.
    init(_ arguments: [String], dataDirectory: URL, authBaseURL: String) throws {
        process.executableURL = CLI.binary
        process.arguments = arguments + ["--data-dir", dataDirectory.path]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWITCHBOARD_") }
        environment["SWITCHBOARD_AUTH_BASE_URL"] = authBaseURL
        environment["DISPLAY"] = ""
        environment["WAYLAND_DISPLAY"] = ""
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        read(out.fileHandleForReading, into: \.stdout)
        read(err.fileHandleForReading, into: \.stderr)
    }

    private func read(_ handle: FileHandle, into field: WritableKeyPath<Output.Captured, Data> & Sendable) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                self.output.withLock { state in
                    if chunk.isEmpty { state.open -= 1 } else { state[keyPath: field].append(chunk) }
                }
                if chunk.isEmpty { return }
            }
        }
    }

    var stdout: String { output.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// Waits until standard output contains `text`.
    func waitForOutput(_ text: String, timeout: Duration = .seconds(60)) async -> Bool {
        await eventually(timeout: timeout) { stdout.contains(text) }
    }

    /// The first printed word that starts with `prefix` (e.g. the authorize URL).
    func printed(startingWith prefix: String) -> String? {
        stdout.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix(prefix) }.map(String.init)
    }

    func type(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }
    func closeInput() { try? input.fileHandleForWriting.close() }
    func interrupt() { kill(process.processIdentifier, SIGINT) }

    /// The exit status once the process ended and its output was read to the end; nil if it is still running.
    func exitStatus(timeout: Duration = .seconds(60)) async -> Int32? {
        let ended = await eventually(timeout: timeout) { !process.isRunning && output.withLock { $0.open == 0 } }
        guard ended else {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    /// GETs `url` without following redirects, as a browser's single step.
    static func get(_ url: String) async throws -> TestResponse {
        let response = try await GatewayHarness.transport.send(UpstreamRequest(url: url, timeouts: TimeoutPolicy(total: .seconds(20))))
        let body = try await response.body.collect(upTo: 1024 * 1024)
        return TestResponse(status: response.status, headers: response.headers, body: Data(body))
    }
}
