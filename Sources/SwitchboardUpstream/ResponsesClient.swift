import Foundation
import SwitchboardCore

/// `POST {upstream}/codex/responses`: the streamed main traffic.
public struct ResponsesClient: Sendable {
    public let upstreamBaseURL: String
    private let transport: any HTTPTransport
    private let idleTimeout: Duration
    private let firstByteTimeout: Duration?
    private let maxErrorBodyBytes: Int

    public init(
        transport: any HTTPTransport,
        upstreamBaseURL: String = UpstreamDefaults.upstreamBaseURL,
        idleTimeout: Duration = .seconds(300),
        firstByteTimeout: Duration? = nil,
        maxErrorBodyBytes: Int = 1024 * 1024
    ) {
        self.transport = transport
        self.upstreamBaseURL = upstreamBaseURL
        self.idleTimeout = idleTimeout
        self.firstByteTimeout = firstByteTimeout
        self.maxErrorBodyBytes = maxErrorBodyBytes
    }

    /// Starts a response. On 2xx: the head and the raw SSE body, to pass through unchanged.
    /// Otherwise throws the outcome: `.http(status, body)` with the body read up to the cap, or
    /// the transport failure.
    public func stream(body: [UInt8], accessToken: String, accountID: String?, headers forwarded: [HTTPHeader] = []) async throws(UpstreamCallError) -> UpstreamResponse {
        var headers = forwarded.filter { HeaderPolicy.forwards($0.name) }
        headers += UpstreamCall.authHeaders(accessToken: accessToken, accountID: accountID)
        headers.append(HTTPHeader("Accept", "text/event-stream"))
        headers.append(HTTPHeader("Content-Type", "application/json"))
        let request = UpstreamRequest(
            method: "POST", url: UpstreamCall.url(upstreamBaseURL, "/codex/responses"),
            headers: headers, body: body, timeouts: .streaming(idle: idleTimeout, firstByte: firstByteTimeout))
        let response: UpstreamResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw UpstreamCallError(TransportError(describing: error).outcome)
        }
        if response.isSuccess { return response }
        throw UpstreamCallError(.http(status: response.status, body: await errorBody(response.body)))
    }

    public func stream(body: Data, accessToken: String, accountID: String?, headers: [HTTPHeader] = []) async throws(UpstreamCallError) -> UpstreamResponse {
        try await stream(body: [UInt8](body), accessToken: accessToken, accountID: accountID, headers: headers)
    }

    /// Whatever of an error body arrives, up to the cap; a broken body still yields its start.
    private func errorBody(_ body: UpstreamResponseBody) async -> Data {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                bytes.append(contentsOf: chunk.prefix(maxErrorBodyBytes - bytes.count))
                if bytes.count >= maxErrorBodyBytes {
                    body.cancel()
                    break
                }
            }
        } catch {}
        return Data(bytes)
    }
}
