import Foundation
import Hummingbird
import Synchronization
import SwitchboardCore
import SwitchboardUpstream

/// `GET /backend-api/codex/models` (upstream list, passed through) and `GET /v1/models` (OpenAI shape).
/// The list is fetched with any active account and kept for five minutes.
final class ModelsRoutes: Sendable {
    let pool: AccountPool
    let credentials: Credentials
    let client: ModelsClient
    private let cache = Mutex<(at: ContinuousClock.Instant, body: Data)?>(nil)
    static let lifetime: Duration = .seconds(300)
    static let clientVersion = "0.63.0"

    init(pool: AccountPool, credentials: Credentials, client: ModelsClient) {
        self.pool = pool
        self.credentials = credentials
        self.client = client
    }

    func codex(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let body = try await upstreamList()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    func openAI(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let models = JSONValue(parsing: try await upstreamList())?["models"]?.arrayValue ?? []
        let data: [JSONValue] = models.compactMap { model in
            guard let slug = model["slug"]?.stringValue ?? model["id"]?.stringValue else { return nil }
            return ["id": .string(slug), "object": "model", "created": 0, "owned_by": "openai"]
        }
        return JSONResponse.ok(["object": "list", "data": .array(data)])
    }

    private func upstreamList() async throws -> Data {
        if let cached = cache.withLock({ $0 }), ContinuousClock.now - cached.at < Self.lifetime { return cached.body }
        var tried: Set<String> = []
        while let id = pool.pick(key: nil, excluding: tried), let account = pool.account(id) {
            tried.insert(id)
            guard let token = try? await credentials.accessToken(for: id) else { continue }
            if let body = try? await client.list(accessToken: token.value, accountID: account.chatgptAccountID, clientVersion: Self.clientVersion) {
                cache.withLock { $0 = (ContinuousClock.now, body) }
                return body
            }
            if tried.count >= Defaults.maxAttempts { break }
        }
        throw tried.isEmpty ? pool.emptyPoolError() : GatewayError.upstreamUnavailable("the models list could not be fetched")
    }
}
