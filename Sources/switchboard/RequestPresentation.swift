import Foundation
import SwitchboardCore
import SwitchboardStore

/// How request-log rows and usage sums look in CLI output (snake_case JSON fields).
enum RequestPresentation {
    static func json(_ entry: RequestLogEntry) -> JSONValue {
        func number(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "at": .string(AccountPresentation.iso(entry.at)), "request_id": .string(entry.requestID), "route": .string(entry.route),
            "transport": .string(entry.transport), "status": .number(Double(entry.status)), "account_id": text(entry.accountID),
            "key_id": text(entry.keyID), "model": text(entry.model), "input_tokens": number(entry.inputTokens),
            "cached_tokens": number(entry.cachedTokens), "output_tokens": number(entry.outputTokens),
            "reasoning_tokens": number(entry.reasoningTokens), "ttfb_ms": entry.ttfbMilliseconds.map { .number(rounded($0)) } ?? .null,
            "duration_ms": .number(rounded(entry.durationMilliseconds)), "attempts": .number(Double(entry.attempts)),
            "error_code": text(entry.errorCode), "user_agent": text(entry.userAgent),
        ]
    }

    static func table(_ rows: [RequestLogEntry]) -> String {
        let header = ["TIME", "ROUTE", "STATUS", "ACCOUNT", "KEY", "MODEL", "IN/CACHED/OUT/REASONING", "TTFB", "DURATION", "TRIES", "ERROR"]
        let lines = rows.map { r -> [String] in
            let tokens = [r.inputTokens, r.cachedTokens, r.outputTokens, r.reasoningTokens].map { $0.map(String.init) ?? "-" }.joined(separator: "/")
            return [
                AccountPresentation.iso(r.at), r.route, String(r.status), r.accountID ?? "-", r.keyID ?? "-", r.model ?? "-", tokens,
                r.ttfbMilliseconds.map { "\(Int($0)) ms" } ?? "-", "\(Int(r.durationMilliseconds)) ms", String(r.attempts), r.errorCode ?? "",
            ]
        }
        return AccountPresentation.render([header] + lines)
    }

    static func json(_ total: UsageTotal, by grouping: UsageGrouping) -> JSONValue {
        func number(_ value: Int) -> JSONValue { .number(Double(value)) }
        return [
            field(grouping): total.group.map(JSONValue.string) ?? .null,
            "requests": number(total.requests), "errors": number(total.errors), "input_tokens": number(total.inputTokens),
            "cached_tokens": number(total.cachedTokens), "output_tokens": number(total.outputTokens),
            "reasoning_tokens": number(total.reasoningTokens), "total_tokens": number(total.inputTokens + total.outputTokens),
        ]
    }

    /// The JSON field that names a usage group: the request rows' own field names.
    static func field(_ grouping: UsageGrouping) -> String {
        switch grouping {
        case .account: "account_id"
        case .key: "key_id"
        case .model: "model"
        case .day: "day"
        }
    }

    static func table(_ totals: [UsageTotal], by grouping: UsageGrouping) -> String {
        let header = [grouping.rawValue.uppercased(), "REQUESTS", "ERRORS", "INPUT", "CACHED", "OUTPUT", "REASONING", "TOTAL"]
        let lines = totals.map { t in
            [t.group ?? "-", String(t.requests), String(t.errors), String(t.inputTokens), String(t.cachedTokens), String(t.outputTokens),
             String(t.reasoningTokens), String(t.inputTokens + t.outputTokens)]
        }
        return AccountPresentation.render([header] + lines)
    }

    /// An account reference as the log stores it: the id of a known account, else the text as given
    /// (so rows of a removed account can still be found by its id).
    static func accountID(_ store: AccountStore, _ reference: String) -> String {
        (try? store.find(reference).id) ?? reference
    }

    /// A key reference (id or prefix) as the log stores it.
    static func keyID(_ store: AccountStore, _ reference: String) -> String {
        (try? store.apiKeys())?.first { $0.id == reference || $0.prefix == reference }?.id ?? reference
    }

    private static func rounded(_ milliseconds: Double) -> Double { (milliseconds * 100).rounded() / 100 }
}
