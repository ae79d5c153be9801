import Foundation
import SwitchboardCore
import SwitchboardStore

/// How accounts and audit entries look in CLI output. Shows fingerprints, never tokens.
enum AccountPresentation {
    static func json(_ account: Account) -> JSONValue {
        func date(_ d: Date?) -> JSONValue { d.map { .string(iso($0)) } ?? .null }
        func percent(_ w: UsageWindow?) -> JSONValue { w.map { .number($0.usedPercent) } ?? .null }
        var resetsAt: Date? = nil
        if case .rateLimited(let at) = account.status { resetsAt = at }
        var nextRetry: Date? = nil
        if case .authRetrying(_, let next, _) = account.status { nextRetry = next }
        var reason: JSONValue = .null
        if case .deactivated(_, let r, _) = account.status { reason = .string(r) }
        var coolingUntil: Date? = nil
        if case .cooling(let until, let r) = account.status { coolingUntil = until; reason = .string(r) }
        return [
            "id": .string(account.id),
            "email": account.email.map(JSONValue.string) ?? .null,
            "plan": account.planType.map(JSONValue.string) ?? .null,
            "status": .string(account.status.name.rawValue),
            "status_code": account.status.detail.map(JSONValue.string) ?? .null,
            "status_reason": reason,
            "resets_at": date(resetsAt),
            "next_retry_at": date(nextRetry),
            "cooling_until": date(coolingUntil),
            "last_refresh": date(account.tokens.lastRefreshAt),
            "access_expires_at": date(account.tokens.accessExpiresAt),
            "chatgpt_account_id": .string(account.chatgptAccountID),
            "credential_fingerprint": .string(account.tokens.fingerprint.short),
            "usage_primary_percent": percent(account.usage?.primary),
            "usage_secondary_percent": percent(account.usage?.secondary),
            "usage_resets_at": date(account.usage?.primary?.resetsAt),
        ]
    }

    static func table(_ accounts: [Account]) -> String {
        let header = ["ID", "EMAIL", "PLAN", "STATUS", "CODE/REASON", "LAST REFRESH", "USAGE 5H/WEEK", "UNTIL"]
        let rows = accounts.map { account -> [String] in
            let usage = account.usage.map { u in
                "\(u.primary.map { "\(Int($0.usedPercent))%" } ?? "-")/\(u.secondary.map { "\(Int($0.usedPercent))%" } ?? "-")"
            } ?? "-"
            let resets = account.status.until.map(iso) ?? account.usage?.primary?.resetsAt.map(iso) ?? "-"
            return [
                account.id, account.email ?? "-", account.planType ?? "-", account.status.name.rawValue,
                account.status.detail ?? "-", account.tokens.lastRefreshAt.map(iso) ?? "-", usage, resets,
            ]
        }
        return render([header] + rows)
    }

    static func events(_ entries: [AuditEntry]) -> String {
        let header = ["TIME", "ACCOUNT", "FROM", "TO", "CAUSE", "CODE", "DETAIL"]
        let rows = entries.map { e in [iso(e.at), e.accountID, e.fromStatus ?? "-", e.toStatus, e.cause, e.code ?? "-", e.detail ?? ""] }
        return render([header] + rows)
    }

    static func eventJSON(_ entry: AuditEntry) -> JSONValue {
        [
            "at": .string(iso(entry.at)), "account_id": .string(entry.accountID),
            "from": entry.fromStatus.map(JSONValue.string) ?? .null, "to": .string(entry.toStatus),
            "cause": .string(entry.cause), "code": entry.code.map(JSONValue.string) ?? .null,
            "detail": entry.detail.map(JSONValue.string) ?? .null,
        ]
    }

    static func render(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func iso(_ date: Date) -> String { Timestamp.string(date) }

    static func printJSON(_ value: JSONValue) {
        print(String(decoding: value.encoded(), as: UTF8.self))
    }
}
