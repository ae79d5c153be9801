import Foundation
import SwitchboardCore

/// `GET {upstream}/wham/usage`: an account's plan and rate-limit windows.
public struct UsageClient: Sendable {
    public let upstreamBaseURL: String
    private let transport: any HTTPTransport
    private let timeout: Duration
    private let now: @Sendable () -> Date

    public init(
        transport: any HTTPTransport,
        upstreamBaseURL: String = UpstreamDefaults.upstreamBaseURL,
        timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.transport = transport
        self.upstreamBaseURL = upstreamBaseURL
        self.timeout = timeout
        self.now = now
    }

    /// The account's usage now. A 2xx that is not a JSON object is thrown as `.http(status, body)`.
    public func fetch(accessToken: String, accountID: String?) async throws(UpstreamCallError) -> UsageSnapshot {
        var headers = UpstreamCall.authHeaders(accessToken: accessToken, accountID: accountID)
        headers.append(HTTPHeader("Accept", "application/json"))
        let request = UpstreamRequest(url: UpstreamCall.url(upstreamBaseURL, "/wham/usage"), headers: headers, timeouts: .total(timeout))
        let (status, body) = try await UpstreamCall.success(request, on: transport, maxBodyBytes: 1024 * 1024)
        let json = try UpstreamCall.jsonObject(status: status, body: body)
        return Self.snapshot(from: json, observedAt: now())
    }

    /// Reads a usage report; windows without `used_percent` are left out.
    static func snapshot(from json: JSONValue, observedAt: Date) -> UsageSnapshot {
        let rateLimit = json["rate_limit"]
        return UsageSnapshot(
            planType: json["plan_type"]?.nonEmptyString,
            primary: rateLimit?["primary_window"].flatMap { window(from: $0, observedAt: observedAt) },
            secondary: rateLimit?["secondary_window"].flatMap { window(from: $0, observedAt: observedAt) },
            observedAt: observedAt)
    }

    private static func window(from json: JSONValue, observedAt: Date) -> UsageWindow? {
        guard let usedPercent = json["used_percent"]?.lenientDouble else { return nil }
        let resetsAt: Date? =
            if let resetAt = json["reset_at"]?.lenientDouble { Date(timeIntervalSince1970: resetAt) }
            else if let after = json["reset_after_seconds"]?.lenientDouble { observedAt.addingTimeInterval(after) }
            else { nil }
        return UsageWindow(usedPercent: usedPercent, windowSeconds: json["limit_window_seconds"]?.lenientInt, resetsAt: resetsAt)
    }
}
