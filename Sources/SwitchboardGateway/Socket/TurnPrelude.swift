import Foundation
import SwitchboardCore
import SwitchboardUpstream

/// What a socket turn sends before the upstream's events. The HTTP upstream says it in response headers;
/// the WebSocket backend Codex expects says it in messages: `codex.response.metadata` (the model that
/// served, the turn state) and `codex.rate_limits` (the account's windows, which Codex shows).
enum TurnPrelude {
    /// The answer headers Codex reads from a turn's metadata message.
    static let metadataHeaders = ["openai-model", TurnStates.header, "x-models-etag", "x-reasoning-included"]

    static func messages(_ response: UpstreamResponse, account: Account?, now: Date) -> [String] {
        var headers: [String: String] = [:]
        for header in response.headers {
            let name = header.name.lowercased()
            if metadataHeaders.contains(name) { headers[name] = header.value }
        }
        var messages: [String] = []
        if !headers.isEmpty {
            messages.append(SocketServerMessage.text(["type": "codex.response.metadata", "headers": .object(headers.mapValues(JSONValue.string))]))
        }
        if let limits = rateLimits(response.headers, account: account, now: now) { messages.append(SocketServerMessage.text(limits)) }
        return messages
    }

    /// `codex.rate_limits` from the answer's `x-codex-{primary,secondary}-*` headers, or else from the
    /// account's last usage report; nil when neither says anything.
    static func rateLimits(_ headers: [HTTPHeader], account: Account?, now: Date) -> JSONValue? {
        func value(_ name: String) -> Double? { headers.value(for: name).flatMap(Double.init) }
        func window(_ prefix: String, _ reported: UsageWindow?) -> JSONValue? {
            var window: [String: JSONValue] = [:]
            if let used = value("x-codex-\(prefix)-used-percent") {
                window["used_percent"] = .number(used)
                if let minutes = value("x-codex-\(prefix)-window-minutes") { window["window_minutes"] = .number(minutes) }
                if let after = value("x-codex-\(prefix)-reset-after-seconds") {
                    window["reset_after_seconds"] = .number(after)
                    window["reset_at"] = .number((now.timeIntervalSince1970 + after).rounded())
                }
            } else if let reported {
                window["used_percent"] = .number(reported.usedPercent)
                if let seconds = reported.windowSeconds { window["window_minutes"] = .number(Double(seconds / 60)) }
                if let resetsAt = reported.resetsAt {
                    window["reset_after_seconds"] = .number(max(0, resetsAt.timeIntervalSince(now).rounded()))
                    window["reset_at"] = .number(resetsAt.timeIntervalSince1970.rounded())
                }
            }
            return window.isEmpty ? nil : .object(window)
        }
        let primary = window("primary", account?.usage?.primary)
        let secondary = window("secondary", account?.usage?.secondary)
        guard primary != nil || secondary != nil else { return nil }
        let reached = [primary, secondary].contains { ($0?["used_percent"]?.doubleValue ?? 0) >= 100 }
        let plan = account?.usage?.planType ?? account?.planType
        return [
            "type": "codex.rate_limits",
            "plan_type": plan.map(JSONValue.string) ?? .null,
            "rate_limits": ["allowed": .bool(!reached), "limit_reached": .bool(reached), "primary": primary ?? .null, "secondary": secondary ?? .null],
            "code_review_rate_limits": .null,
        ]
    }
}
