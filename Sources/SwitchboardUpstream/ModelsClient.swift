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
        var headers = UpstreamCall.authHeaders(accessToken: accessToken, accountID: accountID)
        headers.append(HTTPHeader("Accept", "application/json"))
        let url = UpstreamCall.url(upstreamBaseURL, "/codex/models") + "?client_version=" + FormEncoding.percentEncode(clientVersion)
        let request = UpstreamRequest(url: url, headers: headers, timeouts: .total(timeout))
        let (status, body) = try await UpstreamCall.success(request, on: transport, maxBodyBytes: 8 * 1024 * 1024)
        _ = try UpstreamCall.jsonObject(status: status, body: body)
        return body
    }
}
