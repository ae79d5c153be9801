import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `switchboard-load`: a small HTTP/1.1 load generator for the benchmark suite.
///
/// One SwiftNIO event loop drives keep-alive connections. Two schedules:
/// - open loop (`--rate R`): request i is due at `start + i/R`; its latency is measured from that
///   intended time, so a slow server cannot hide its queueing by slowing the client down
///   (no coordinated omission). Requests due while every connection is busy wait in a backlog.
/// - closed loop (no `--rate`): every connection sends its next request as soon as the previous
///   answer ended, for `--duration` seconds or `--requests-per-connection` requests.
/// With `--sse` it also records the time to the first byte of the first upstream event
/// (`response.created`) and counts the events of each stream.
@main
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard-load",
        abstract: "Open- or closed-loop HTTP/1.1 load with HdrHistogram latencies (JSON on stdout or --json).")

    @Option(help: "Target URL, http://127.0.0.1:PORT/path (loopback only).") var url: String
    @Option(name: .customLong("also-port"), help: "Another instance on the same host and path (repeatable): connections alternate between the ports, round-robin.")
    var alsoPorts: [Int] = []
    @Option(help: "HTTP method.") var method = "POST"
    @Option(help: "Request body (text).") var body: String?
    @Option(help: "Read the request body from this file.") var bodyFile: String?
    @Option(name: .customLong("header"), help: "Extra header, 'Name: value' (repeatable).") var headers: [String] = []
    @Option(help: "Open loop at this many requests per second (omit for closed loop).") var rate: Double?
    @Option(help: "Measured seconds (open loop: sending window; closed loop: run time).") var duration: Double = 10
    @Option(help: "Unmeasured warm-up seconds before the measured window (same schedule).") var warmup: Double = 0
    @Option(help: "Keep-alive connections.") var connections = 16
    @Option(help: "Closed loop: stop each connection after this many requests (0: run for --duration).") var requestsPerConnection = 0
    @Option(help: "At most this many connection attempts in flight while opening connections.") var connectBatch = 128
    @Option(help: "Give up on outstanding requests this many seconds after the measured window.") var drainTimeout: Double = 30
    @Flag(help: "The answer is an SSE stream: record time to first event and count events.") var sse = false
    @Option(help: "Write the result JSON to this file as well as stdout.") var json: String?
    @Option(help: "Label stored in the result.") var label = ""

    func validate() throws {
        guard let target = Target(url) else { throw ValidationError("--url must be http://HOST:PORT/path") }
        guard target.isLoopback else { throw ValidationError("refusing a non-loopback target: \(target.host)") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        guard connections > 0, duration > 0, duration <= 600, warmup >= 0, warmup <= 120 else {
            throw ValidationError("connections > 0, 0 < duration ≤ 600 s, 0 ≤ warmup ≤ 120 s")
        }
        if let rate, rate * (duration + warmup) > 5_000_000 { throw ValidationError("at most 5,000,000 requests per run") }
    }

    func run() throws {
        let target = Target(url)!
        var payload = Data()
        if let bodyFile { payload = try Data(contentsOf: URL(fileURLWithPath: bodyFile)) } else if let body { payload = Data(body.utf8) }
        let extra = try headers.map { line -> (String, String) in
            guard let colon = line.firstIndex(of: ":") else { throw ValidationError("header without ':': \(line)") }
            return (String(line[..<colon]).trimmingCharacters(in: .whitespaces), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        let plan = LoadPlan(
            target: target, ports: [target.port] + alsoPorts, method: method, body: payload, headers: extra, rate: rate, duration: duration, warmup: warmup,
            connections: connections, requestsPerConnection: requestsPerConnection, connectBatch: connectBatch,
            drainTimeout: drainTimeout, sse: sse)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let result = try loop.flatSubmit { () -> EventLoopFuture<LoadResult> in
            let driver = LoadDriver(plan: plan, eventLoop: loop)
            return driver.start()
        }.wait()

        var report = result.json(plan: plan)
        report["label"] = label
        let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted])
        if let json { try data.write(to: URL(fileURLWithPath: json)) }
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// Where the requests go.
struct Target {
    let host: String
    let port: Int
    let path: String

    init?(_ text: String) {
        guard let components = URLComponents(string: text), components.scheme == "http", let host = components.host else { return nil }
        self.host = host
        self.port = components.port ?? 80
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.path = components.percentEncodedQuery.map { path + "?" + $0 } ?? path
    }

    var isLoopback: Bool { host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.") }
    var hostHeader: String { "\(host):\(port)" }
}

/// Everything a run needs, fixed before it starts.
struct LoadPlan {
    let target: Target
    /// Connection i goes to `ports[i % ports.count]` (the target's port first).
    let ports: [Int]
    let method: String
    let body: Data
    let headers: [(String, String)]
    let rate: Double?
    let duration: Double
    let warmup: Double
    let connections: Int
    let requestsPerConnection: Int
    let connectBatch: Int
    let drainTimeout: Double
    let sse: Bool

    var openLoop: Bool { rate != nil }
}
