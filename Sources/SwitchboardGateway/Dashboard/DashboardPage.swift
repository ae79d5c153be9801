import Foundation
import SwitchboardCore
import SwitchboardStore

/// The status page: every account, the last status transitions, the last hour of requests and
/// each key's use. Server-rendered; shows ids, emails and counts, never a token or key.
struct DashboardPage: Sendable {
    let pool: AccountPool
    let store: AccountStore
    let accounting: KeyAccounting
    static let refreshSeconds = 5

    func render(now: Date = Date()) throws -> String {
        let accounts = pool.all.sorted { ($0.email ?? $0.id, $0.id) < ($1.email ?? $1.id, $1.id) }
        let events = try store.events(limit: 50).reversed()
        let hour = HourStats(try store.requestSamples(since: now.addingTimeInterval(-3600)), now: now)
        let keys = try store.apiKeys().filter { $0.revokedAt == nil }
        let body = """
            <h1>switchboard</h1><p class="muted">\(accounts.count) accounts, \(accounts.filter { $0.status.isSelectable }.count) active · \(Self.time(now)) · refreshes every \(Self.refreshSeconds) s</p>
            <h2>Accounts</h2>\(accountsTable(accounts, now: now))
            <h2>Last hour</h2>\(hourSection(hour))
            <h2>Keys</h2>\(keysTable(keys, now: now))
            <h2>Status changes</h2>\(eventsTable(Array(events), emails: Dictionary(accounts.map { ($0.id, $0.email ?? $0.id) }) { first, _ in first }))
            """
        return HTML.document(title: "switchboard", refresh: Self.refreshSeconds, body: body)
    }

    private func accountsTable(_ accounts: [Account], now: Date) -> String {
        guard !accounts.isEmpty else { return "<p>No accounts. Add one with <code>switchboard accounts login</code>.</p>" }
        let rows = accounts.map { account in
            let status = account.status
            var detail = [status.detail.map { "<code>\(HTML.escape($0))</code>" }]
            if case .deactivated(_, let reason, _) = status { detail.append(HTML.escape(reason)) }
            let until: String = switch status {
            case .rateLimited(let resetsAt): "rate limit ends \(Self.time(resetsAt))"
            case .authRetrying(_, let nextAt, _): "next retry \(Self.time(nextAt))"
            case .cooling(let until, _): "cooldown ends \(Self.time(until))"
            case .active, .paused, .deactivated: "-"
            }
            return """
                <tr data-account="\(HTML.escape(account.id))" data-status="\(status.name.rawValue)">
                <td>\(HTML.escape(account.email ?? account.id))<div class="muted">\(HTML.escape(account.id))</div></td>
                <td>\(HTML.escape(account.planType ?? "-"))</td>
                <td><span class="status \(status.name.rawValue)">\(status.name.rawValue)</span> \(detail.compactMap { $0 }.joined(separator: " "))</td>
                <td>\(Self.bar(account.usage?.primary))</td><td>\(Self.bar(account.usage?.secondary))</td>
                <td>\(until)</td><td>\(account.tokens.lastRefreshAt.map(Self.time) ?? "-")</td>
                <td>\(Self.remedy(account))</td></tr>
                """
        }
        return "<table><tr><th>Account</th><th>Plan</th><th>Status</th><th>5 hours</th><th>Week</th><th>Back in rotation</th><th>Last refresh</th><th>To do</th></tr>\(rows.joined())</table>"
    }

    /// What the operator can do about an account out of rotation.
    static func remedy(_ account: Account) -> String {
        switch account.status {
        case .deactivated: "<code>switchboard accounts login --account \(HTML.escape(account.id))</code>"
        case .paused: "<code>switchboard accounts resume \(HTML.escape(account.id))</code>"
        case .active, .rateLimited, .authRetrying, .cooling: ""
        }
    }

    static func bar(_ window: UsageWindow?) -> String {
        guard let window else { return "<span class=\"muted\">-</span>" }
        let percent = min(100, max(0, window.usedPercent))
        return """
            <div class="bar\(percent >= 90 ? " high" : "")" title="\(Int(percent))%"><span style="width:\(Int(percent))%"></span></div>\
            <div class="muted">\(Int(percent))%\(window.resetsAt.map { " · resets \(time($0))" } ?? "")</div>
            """
    }

    private func hourSection(_ hour: HourStats) -> String {
        let percentile = { (value: Double?) in value.map { $0 < 10 ? String(format: "%.1f ms", $0) : "\(Int($0.rounded())) ms" } ?? "-" }
        return """
            <p class="summary"><span>\(hour.requests) requests</span><span>errors \(String(format: "%.1f", hour.errorRate * 100)) %</span>\
            <span>p50 \(percentile(hour.p50Milliseconds))</span><span>p99 \(percentile(hour.p99Milliseconds))</span></p>
            \(HourChart.svg(hour))
            <p class="muted">Bars: requests per minute (errors in red). Line: each minute's p99 latency.</p>
            """
    }

    private func keysTable(_ keys: [APIKeyRecord], now: Date) -> String {
        guard !keys.isEmpty else { return "<p class=\"muted\">No API keys: only clients on this machine are served.</p>" }
        let used = accounting.usedToday(now: now)
        let rows = keys.map { key in
            let use = used[key.id] ?? (tokens: 0, requests: 0)
            return """
                <tr data-key="\(HTML.escape(key.id))"><td>\(HTML.escape(key.name))<div class="muted">\(HTML.escape(key.id)) · \(HTML.escape(key.prefix))…</div></td>
                <td>\(use.requests)</td><td>\(use.tokens)\(key.limits.tokensPerDay.map { " / \($0)" } ?? "")</td>
                <td>\(key.limits.requestsPerMinute.map(String.init) ?? "-")</td><td>\(HTML.escape(key.limits.models?.joined(separator: ", ") ?? "all"))</td></tr>
                """
        }
        return "<table><tr><th>Key</th><th>Requests today</th><th>Tokens today</th><th>Requests/min limit</th><th>Models</th></tr>\(rows.joined())</table>"
    }

    private func eventsTable(_ events: [AuditEntry], emails: [String: String]) -> String {
        guard !events.isEmpty else { return "<p class=\"muted\">No status changes yet.</p>" }
        let rows = events.map { e in
            """
            <tr><td>\(Self.time(e.at))</td><td>\(HTML.escape(emails[e.accountID] ?? e.accountID))<div class="muted">\(HTML.escape(e.accountID))</div></td><td>\(HTML.escape(e.fromStatus ?? "-")) → \(HTML.escape(e.toStatus))</td>\
            <td>\(HTML.escape(e.cause))</td><td>\(HTML.escape(e.code ?? ""))</td><td>\(HTML.escape(e.detail ?? ""))</td></tr>
            """
        }
        return "<table><tr><th>Time</th><th>Account</th><th>Change</th><th>Cause</th><th>Code</th><th>Detail</th></tr>\(rows.joined())</table>"
    }

    /// `2025-01-31 14:05 UTC`: short enough for a table cell.
    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date) + " UTC"
    }
}
