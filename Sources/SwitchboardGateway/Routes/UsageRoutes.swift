import Foundation
import Hummingbird
import SwitchboardCore

/// `GET /backend-api/wham/usage` (what Codex's `/status` reads), answered for the pool in the upstream's
/// shape from the usage the poller last saw: the account the caller's session is sticky to, else the
/// one the next request would get.
struct UsageRoutes: Sendable {
    let pool: AccountPool

    func usage(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let key = ForwardedHeaders.stickyKey(headers: request.headers, promptCacheKey: nil)
        guard let id = pool.pick(key: key), let account = pool.account(id) else { throw pool.emptyPoolError() }
        return JSONResponse.ok(Self.report(account, now: pool.clock.now))
    }

    static func report(_ account: Account, now: Date) -> JSONValue {
        let usage = account.usage
        let limitReached = (usage?.tightestUsedPercent ?? 0) >= 100
        return [
            "plan_type": (usage?.planType ?? account.planType).map(JSONValue.string) ?? .null,
            "rate_limit": [
                "allowed": .bool(!limitReached), "limit_reached": .bool(limitReached),
                "primary_window": window(usage?.primary, now: now), "secondary_window": window(usage?.secondary, now: now),
            ],
            "credits": .null,
        ]
    }

    private static func window(_ window: UsageWindow?, now: Date) -> JSONValue {
        guard let window else { return .null }
        var json: [String: JSONValue] = ["used_percent": .number(window.usedPercent)]
        if let seconds = window.windowSeconds { json["limit_window_seconds"] = .number(Double(seconds)) }
        if let resetsAt = window.resetsAt {
            json["reset_at"] = .number(resetsAt.timeIntervalSince1970.rounded())
            json["reset_after_seconds"] = .number(max(0, resetsAt.timeIntervalSince(now).rounded()))
        }
        return .object(json)
    }
}
