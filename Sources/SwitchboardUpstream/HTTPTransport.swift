import Foundation
import SwitchboardCore

/// Sends HTTP requests upstream. `CurlTransport` is the real one; tests may swap in others.
public protocol HTTPTransport: Sendable {
    /// Starts `request` and returns once the status and headers are in; the body then streams.
    /// Throws `TransportError` (`.cancelled` when the calling task is cancelled).
    func send(_ request: UpstreamRequest) async throws -> UpstreamResponse
}

extension HTTPTransport {
    /// Sends `request` and reads the whole answer, keeping at most `maxBodyBytes` of the body
    /// (a longer body is cut there). For small calls: token, usage, models.
    public func outcome(of request: UpstreamRequest, maxBodyBytes: Int = 4 * 1024 * 1024) async -> UpstreamOutcome {
        do {
            let response = try await send(request)
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return .http(status: response.status, body: Data(body))
        } catch {
            return TransportError(describing: error).outcome
        }
    }
}

extension TransportError {
    /// Any error thrown by a transport or its body, as a `TransportError`.
    init(describing error: any Error) {
        switch error {
        case let error as TransportError: self = error
        case is CancellationError: self = .cancelled
        default: self = TransportError(.other, "unexpected transport error")
        }
    }
}
