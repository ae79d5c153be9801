import Foundation
import SwitchboardCore

/// `GET {upstream}/codex/models?client_version=V`: the models Codex may use, as raw JSON.
public struct ModelsClient: Sendable {
    public let upstreamBaseURL: String
    private let transport: any HTTPTransport
    private let timeout: Duration

    public init(transport: any HTTPTransport, upstreamBaseURL: String = UpstreamDefaults.upstreamBaseURL, timeout: Duration = .seconds(30)) {
        self.transport = transport
        self.upstreamBaseURL = upstreamBaseURL
        self.timeout = timeout
    }

    /// The raw JSON list. A 2xx that is not a JSON object is thrown as `.http(status, body)`.
    public func list(accessToken: String, accountID: String?, clientVersion: String) async throws(UpstreamCallError) -> Data {
        try await catalog(accessToken: accessToken, accountID: accountID, clientVersion: clientVersion).body
    }

    /// The raw JSON list for `clientVersion` and the upstream's entity tag of it.
    public func catalog(accessToken: String, accountID: String?, clientVersion: String) async throws(UpstreamCallError) -> ModelCatalog {
        var headers = UpstreamCall.authHeaders(accessToken: accessToken, accountID: accountID)
        headers.append(HTTPHeader("Accept", "application/json"))
        let url = UpstreamCall.url(upstreamBaseURL, "/codex/models") + "?client_version=" + FormEncoding.percentEncode(clientVersion)
        let request = UpstreamRequest(url: url, headers: headers, timeouts: .total(timeout))
        let response: UpstreamResponse
        let body: Data
        do {
            response = try await transport.send(request)
            body = Data(try await response.body.collect(upTo: 8 * 1024 * 1024))
        } catch {
            throw UpstreamCallError(TransportError(describing: error).outcome)
        }
        guard response.isSuccess else { throw UpstreamCallError(.http(status: response.status, body: body)) }
        _ = try UpstreamCall.jsonObject(status: response.status, body: body)
        return ModelCatalog(body: body, etag: response.headers.first { $0.name.lowercased() == "etag" }?.value)
    }
}

/// One client version's model catalog, as the upstream sent it.
public struct ModelCatalog: Sendable {
    public let body: Data
    /// The upstream's `ETag`, when it sent one.
    public let etag: String?
}
