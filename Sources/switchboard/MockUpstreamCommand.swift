import ArgumentParser
import Foundation
import MockUpstream

struct MockUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-upstream",
        abstract: "Run the built-in fake of the ChatGPT backend and the auth server (tests, demo, benchmarks).",
        discussion: "Accounts and failures are scripted over its control API under /_mock/ (see Sources/MockUpstream).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8765
    @Option(help: "Text deltas per streamed response.") var deltas = 10
    @Option(help: "Delay between streamed events, in milliseconds.") var eventDelayMs = 0
    @Option(help: "Access-token lifetime of new accounts, in seconds.") var tokenLifetime: Double = 3600

    func run() async throws {
        var configuration = MockUpstream.Configuration()
        configuration.stream = StreamShape(deltaCount: deltas, eventDelayMilliseconds: eventDelayMs)
        configuration.accessTokenLifetime = tokenLifetime
        let mock = MockUpstream(configuration: configuration)
        try await mock.run(host: host, port: port) { bound in
            // Written straight to the fd so scripts waiting for this line see it at once.
            FileHandle.standardOutput.write(Data("mock upstream listening on http://\(host):\(bound) (backend: /backend-api, control: /_mock)\n".utf8))
        }
    }
}
