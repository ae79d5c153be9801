/// Runs `body`, then awaits `teardown` however `body` ends: what `defer` cannot do for async clean-up.
public func withTeardown<T>(_ body: () async throws -> T, teardown: () async -> Void) async rethrows -> T {
    let result: T
    do {
        result = try await body()
    } catch {
        await teardown()
        throw error
    }
    await teardown()
    return result
}
