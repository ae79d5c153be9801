import MockUpstream

extension MockUpstream {
    /// Starts serving on an ephemeral loopback port, runs `body` with the bound port, and stops (awaited)
    /// however `body` ends.
    public func running(_ body: (Int) async throws -> Void) async throws {
        let port = try await start()
        try await withTeardown { try await body(port) } teardown: { await stop() }
    }
}

/// Runs `body` with a mock upstream running on an ephemeral loopback port; stopped (awaited) afterwards.
public func withMockUpstream(
    _ configuration: MockUpstream.Configuration = MockUpstream.Configuration(),
    _ body: (MockUpstream) async throws -> Void
) async throws {
    let mock = MockUpstream(configuration: configuration)
    try await mock.running { _ in try await body(mock) }
}
