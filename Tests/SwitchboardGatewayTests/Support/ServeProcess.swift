import Foundation
import SwitchboardTestSupport
import Synchronization
import SwitchboardCore

/// `switchboard serve` as a separate process on an ephemeral port, its log lines collected (JSON format).
final class ServeProcess: Sendable {
    let process: Process
    private let log: LogBuffer
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `switchboard serve`, runs `body`, and stops the process (awaited) on every way out.
    static func with(dataDirectory: URL, environment: [String: String], arguments: [String] = [], _ body: (ServeProcess) async throws -> Void) async throws {
        let server = try await start(dataDirectory: dataDirectory, environment: environment, arguments: arguments)
        try await withTeardown({ try await body(server) }, teardown: { await server.stop() })
    }

    static func start(dataDirectory: URL, environment extra: [String: String], arguments: [String] = []) async throws -> ServeProcess {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory.path] + arguments
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWITCHBOARD_") }
        environment["SWITCHBOARD_LOG_FORMAT"] = "json"
        environment.merge(extra) { $1 }
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        let log = LogBuffer()
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            log.data.withLock { $0.append(chunk) }
        }
        try process.run()
        var port: Int?
        _ = await eventually(timeout: .seconds(20)) {
            port = log.lines.compactMap { $0["message"]?.stringValue?.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) } }.first
            return port != nil || !process.isRunning
        }
        guard let port else {
            process.terminate()
            throw ServeFailure(log: String(decoding: log.data.withLock { $0 }, as: UTF8.self))
        }
        return ServeProcess(process: process, log: log, port: port)
    }

    private init(process: Process, log: LogBuffer, port: Int) {
        self.process = process
        self.log = log
        self.port = port
    }

    /// The log so far, one JSON object per line.
    var lines: [JSONValue] { log.lines }

    private final class LogBuffer: Sendable {
        let data = Mutex(Data())

        var lines: [JSONValue] {
            data.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map { JSONValue(parsing: Data($0.utf8)) ?? .string(String($0)) }
        }
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// SIGTERM, then waits for the exit.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        _ = await eventually(timeout: .seconds(15)) { !process.isRunning }
    }

    struct ServeFailure: Error, CustomStringConvertible {
        let log: String
        var description: String { "serve did not start:\n\(log)" }
    }
}
