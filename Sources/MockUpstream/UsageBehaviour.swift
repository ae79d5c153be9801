/// How `GET /backend-api/wham/usage` answers an authenticated call of one account.
public enum UsageBehaviour: Sendable, Equatable {
    /// 200 with the account's `MockUsageReport`.
    case ok
    /// `status` with the body the real backend sends for it: 401 as an expired token,
    /// 402 `deactivated_workspace`, 404 not found, 5xx a server error.
    case status(Int)
    /// A Cloudflare-like 403 HTML page.
    case htmlForbidden
    /// `status` with a body saying the account has been deactivated (`account_deactivated`).
    case deactivated(status: Int = 403)
    /// Wait `milliseconds`, then behave like `.ok`.
    case slow(milliseconds: Int)
}

extension UsageBehaviour: Codable {
    public init(from decoder: Decoder) throws {
        let fields = try BehaviourFields(from: decoder)
        switch fields.kind {
        case "ok": self = .ok
        case "status": self = .status(fields.status ?? 500)
        case "html_forbidden": self = .htmlForbidden
        case "deactivated": self = .deactivated(status: fields.status ?? 403)
        case "slow": self = .slow(milliseconds: fields.delayMs ?? 1000)
        default: throw fields.unknownKind("usage")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var fields: BehaviourFields
        switch self {
        case .ok: fields = .init("ok")
        case .status(let status): fields = .init("status"); fields.status = status
        case .htmlForbidden: fields = .init("html_forbidden")
        case .deactivated(let status): fields = .init("deactivated"); fields.status = status
        case .slow(let milliseconds): fields = .init("slow"); fields.delayMs = milliseconds
        }
        try fields.encode(to: encoder)
    }
}
