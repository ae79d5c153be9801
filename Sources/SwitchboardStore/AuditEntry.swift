import Foundation
import GRDB
import SwitchboardCore

/// One row of the audit log: a status change (or a credential change) and its cause.
public struct AuditEntry: Sendable, Equatable, Codable, FetchableRecord {
    public var id: Int64
    public var accountID: String
    public var at: Date
    public var fromStatus: String?
    public var toStatus: String
    public var cause: String
    public var code: String?
    public var detail: String?

    enum CodingKeys: String, CodingKey {
        case id, at, cause, code, detail
        case accountID = "account_id", fromStatus = "from_status", toStatus = "to_status"
    }

    /// The cause and detail of the entry noting a verdict on credentials the account no longer holds.
    static func staleVerdict(_ event: LifecycleEvent, observed: ObservedCredential, current: ObservedCredential) -> (cause: String, detail: String) {
        var (what, cause) = ("a verdict", EventSource.refresh)
        if case .failed(let failure, let endpoint, let source, _, _) = event { (what, cause) = ("a \(failure.label) verdict from the \(endpoint.rawValue) endpoint", source) }
        return (cause.rawValue, "\(what) observed with \(observed) ignored: the account now holds \(current)")
    }

    static func insert(_ db: Database, accountID: String, at: Date, from: String?, to: String, cause: String, code: String?, detail: String?) throws {
        try db.execute(
            sql: "INSERT INTO account_events (account_id, at, from_status, to_status, cause, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [accountID, at.timeIntervalSince1970, from, to, cause, code, detail])
    }

    public init(row: Row) throws {
        id = row["id"]
        accountID = row["account_id"]
        at = Date(timeIntervalSince1970: row["at"])
        fromStatus = row["from_status"]
        toStatus = row["to_status"]
        cause = row["cause"]
        code = row["code"]
        detail = row["detail"]
    }
}
