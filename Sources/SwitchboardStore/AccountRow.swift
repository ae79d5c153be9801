import Foundation
import GRDB
import SwitchboardCore

/// Maps `accounts` rows to `Account` values and back. Tokens pass through the cipher here and nowhere else.
enum AccountRow {
    static func decode(_ row: Row, cipher: TokenCipher) throws -> Account {
        let tokens = TokenSet(
            accessToken: try cipher.open(row["access_token_enc"]),
            refreshToken: try cipher.open(row["refresh_token_enc"]),
            idToken: try cipher.open(row["id_token_enc"]),
            lastRefreshAt: date(row["last_refresh_at"]))
        return Account(
            id: row["id"], chatgptAccountID: row["chatgpt_account_id"], chatgptUserID: row["chatgpt_user_id"],
            email: row["email"], planType: row["plan_type"], status: status(row), tokens: tokens, usage: usage(row),
            lastCooldown: row["last_cooldown_seconds"], version: row["version"],
            createdAt: date(row["created_at"]) ?? Date(timeIntervalSince1970: 0),
            updatedAt: date(row["updated_at"]) ?? Date(timeIntervalSince1970: 0))
    }

    static func status(_ row: Row) -> AccountStatus {
        let code: String? = row["status_code"]
        let reason: String? = row["status_reason"]
        let since = date(row["status_since"]) ?? Date(timeIntervalSince1970: 0)
        let until = date(row["status_until"]) ?? Date(timeIntervalSince1970: 0)
        switch AccountStatus.Name(rawValue: row["status"]) ?? .paused {
        case .active: return .active
        case .rateLimited: return .rateLimited(resetsAt: until)
        case .authRetrying: return .authRetrying(since: since, nextAt: until, lastError: reason ?? code ?? "unknown")
        case .cooling: return .cooling(until: until, reason: reason ?? "cooling down")
        case .paused: return .paused
        case .deactivated:
            return .deactivated(code: code ?? "unknown", reason: reason ?? "", credentialFingerprint: row["poisoned_fingerprint"] ?? "")
        }
    }

    /// The status columns of a status, in the order of `statusAssignments`.
    static func statusArguments(_ status: AccountStatus) -> StatementArguments { StatementArguments(statusValues(status)) }

    static func statusValues(_ status: AccountStatus) -> [(any DatabaseValueConvertible)?] {
        switch status {
        case .active, .paused:
            return [status.name.rawValue, nil, nil, nil, nil, nil]
        case .rateLimited(let resetsAt):
            return [status.name.rawValue, nil, nil, nil, resetsAt.timeIntervalSince1970, nil]
        case .authRetrying(let since, let nextAt, let lastError):
            return [status.name.rawValue, "transient", lastError, since.timeIntervalSince1970, nextAt.timeIntervalSince1970, nil]
        case .cooling(let until, let reason):
            return [status.name.rawValue, "cooling", reason, nil, until.timeIntervalSince1970, nil]
        case .deactivated(let code, let reason, let fingerprint):
            return [status.name.rawValue, code, reason, nil, nil, fingerprint]
        }
    }

    static let statusAssignments = "status = ?, status_code = ?, status_reason = ?, status_since = ?, status_until = ?, poisoned_fingerprint = ?"

    static func usage(_ row: Row) -> UsageSnapshot? {
        guard let observed = date(row["usage_observed_at"]) else { return nil }
        func window(_ prefix: String) -> UsageWindow? {
            guard let percent: Double = row["usage_\(prefix)_percent"] else { return nil }
            return UsageWindow(usedPercent: percent, windowSeconds: row["usage_\(prefix)_window"], resetsAt: date(row["usage_\(prefix)_resets_at"]))
        }
        return UsageSnapshot(planType: row["usage_plan_type"], primary: window("primary"), secondary: window("secondary"), observedAt: observed)
    }

    static func usageArguments(_ usage: UsageSnapshot) -> StatementArguments { StatementArguments(usageValues(usage)) }

    static func usageValues(_ usage: UsageSnapshot) -> [(any DatabaseValueConvertible)?] {
        [
            usage.planType,
            usage.primary?.usedPercent, usage.primary?.windowSeconds, usage.primary?.resetsAt?.timeIntervalSince1970,
            usage.secondary?.usedPercent, usage.secondary?.windowSeconds, usage.secondary?.resetsAt?.timeIntervalSince1970,
            usage.observedAt.timeIntervalSince1970,
        ]
    }

    static let usageAssignments = """
        usage_plan_type = ?, usage_primary_percent = ?, usage_primary_window = ?, usage_primary_resets_at = ?,
        usage_secondary_percent = ?, usage_secondary_window = ?, usage_secondary_resets_at = ?, usage_observed_at = ?
        """

    static func tokenArguments(_ tokens: TokenSet, cipher: TokenCipher) throws -> StatementArguments {
        StatementArguments(try tokenValues(tokens, cipher: cipher))
    }

    static func tokenValues(_ tokens: TokenSet, cipher: TokenCipher) throws -> [(any DatabaseValueConvertible)?] {
        [
            try cipher.seal(tokens.accessToken), try cipher.seal(tokens.refreshToken), try cipher.seal(tokens.idToken),
            tokens.fingerprint.hex, tokens.lastRefreshAt?.timeIntervalSince1970,
        ]
    }

    static let tokenAssignments = "access_token_enc = ?, refresh_token_enc = ?, id_token_enc = ?, refresh_fingerprint = ?, last_refresh_at = ?"

    static func date(_ value: Double?) -> Date? { value.map(Date.init(timeIntervalSince1970:)) }
}
