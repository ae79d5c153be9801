import Crypto
import Foundation
import Hummingbird
import Synchronization
import SwitchboardCore
import SwitchboardUpstream

/// `GET /backend-api/codex/models?client_version=V` (the upstream catalog for that client version, every
/// field passed through, with an ETag) and `GET /v1/models` (OpenAI shape, from the same cache). Each
/// version's catalog is fetched with any active account and kept for five minutes.
final class ModelsRoutes: Sendable {
    /// One version's catalog as the upstream sent it, and its entity tag.
    struct Catalog: Sendable {
        let at: ContinuousClock.Instant
        let body: Data
        let etag: String
    }

    let pool: AccountPool
    let credentials: Credentials
    let client: ModelsClient
    private let cache = Mutex<[String: Catalog]>([:])
    static let lifetime: Duration = .seconds(300)
    /// Asked for when the client names no version (`/v1/models`, plain curl): the Codex CLI the README pins.
    static let defaultClientVersion = "0.163.0"
    /// Versions cached at most (the key comes from the client).
    static let maxVersions = 32

    init(pool: AccountPool, credentials: Credentials, client: ModelsClient) {
        self.pool = pool
        self.credentials = credentials
        self.client = client
    }

    func codex(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let version = request.uri.queryParameters["client_version"].map(String.init) ?? Self.defaultClientVersion
        let catalog = try await catalog(for: version)
        var headers: HTTPFields = [.contentType: "application/json", .eTag: catalog.etag]
        if request.headers[.ifNoneMatch] == catalog.etag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: catalog.body)))
    }

    func openAI(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let models = JSONValue(parsing: try await catalog(for: Self.defaultClientVersion).body)?["models"]?.arrayValue ?? []
        let data: [JSONValue] = models.compactMap { model in
            guard let slug = model["slug"]?.stringValue ?? model["id"]?.stringValue else { return nil }
            return ["id": .string(slug), "object": "model", "created": 0, "owned_by": "openai"]
        }
        return JSONResponse.ok(["object": "list", "data": .array(data)])
    }

    private func catalog(for version: String) async throws -> Catalog {
        if let cached = cache.withLock({ $0[version] }), ContinuousClock.now - cached.at < Self.lifetime { return cached }
        var tried: Set<String> = []
        while let id = pool.pick(key: nil, excluding: tried), let account = pool.account(id) {
            tried.insert(id)
            guard let token = try? await credentials.accessToken(for: id) else { continue }
            if let answer = try? await client.catalog(accessToken: token.value, accountID: account.chatgptAccountID, clientVersion: version) {
                let catalog = Catalog(at: ContinuousClock.now, body: answer.body, etag: answer.etag ?? Self.etag(of: answer.body))
                cache.withLock { cache in
                    if cache.count >= Self.maxVersions { cache.removeAll() }
                    cache[version] = catalog
                }
                return catalog
            }
            if tried.count >= Defaults.maxAttempts { break }
        }
        throw tried.isEmpty ? pool.emptyPoolError() : GatewayError.upstreamUnavailable("the models list could not be fetched")
    }

    /// A strong entity tag of the catalog's bytes (when the upstream sent none): the same catalog always gets the same tag.
    static func etag(of body: Data) -> String {
        "\"" + Secrets.hex(SHA256.hash(data: body).prefix(12)) + "\""
    }
}
