/// How `POST /oauth/token` answers a refresh of one account's current refresh token.
/// A used refresh token always answers `refresh_token_reused`, whatever the script says.
public enum RefreshBehaviour: Sendable, Equatable {
    /// Rotate: answer new access, id and refresh tokens; the presented refresh token becomes used.
    case ok
    /// `{"error":{"code":C,"message":M}}` with `status`.
    case error(code: String, status: Int = 401)
    /// The OAuth shape `{"error":E,"error_description":D}` with `status`.
    case oauthError(String = "invalid_grant", status: Int = 400)
    /// A JSON 5xx without an OAuth code.
    case serverError(status: Int = 500)
    /// A Cloudflare-like 403 HTML page (`Content-Type: text/html`).
    case htmlForbidden
    /// 200 with a body that is not JSON.
    case nonJSON
    /// `status` with an empty body.
    case emptyBody(status: Int = 400)
    /// Wait `milliseconds`, then behave like `.ok` (the token is checked after the wait).
    case slow(milliseconds: Int)
    /// Never answer; the request is released when the mock stops.
    case hang
    /// Wait `milliseconds`, then answer the OAuth error `error` with 400 (a refresh that dies while in flight).
    case slowOAuthError(milliseconds: Int, error: String = "invalid_grant")
}

extension RefreshBehaviour: Codable {
    public init(from decoder: Decoder) throws {
        let fields = try BehaviourFields(from: decoder)
        switch fields.kind {
        case "ok": self = .ok
        case "error": self = .error(code: fields.code ?? "refresh_token_expired", status: fields.status ?? 401)
        case "oauth_error": self = .oauthError(fields.error ?? fields.code ?? "invalid_grant", status: fields.status ?? 400)
        case "server_error": self = .serverError(status: fields.status ?? 500)
        case "html_forbidden": self = .htmlForbidden
        case "non_json": self = .nonJSON
        case "empty_body": self = .emptyBody(status: fields.status ?? 400)
        case "slow": self = .slow(milliseconds: fields.delayMs ?? 1000)
        case "hang": self = .hang
        case "slow_oauth_error": self = .slowOAuthError(milliseconds: fields.delayMs ?? 1000, error: fields.error ?? "invalid_grant")
        default: throw fields.unknownKind("refresh")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var fields: BehaviourFields
        switch self {
        case .ok: fields = .init("ok")
        case .error(let code, let status): fields = .init("error"); fields.code = code; fields.status = status
        case .oauthError(let error, let status): fields = .init("oauth_error"); fields.error = error; fields.status = status
        case .serverError(let status): fields = .init("server_error"); fields.status = status
        case .htmlForbidden: fields = .init("html_forbidden")
        case .nonJSON: fields = .init("non_json")
        case .emptyBody(let status): fields = .init("empty_body"); fields.status = status
        case .slow(let milliseconds): fields = .init("slow"); fields.delayMs = milliseconds
        case .hang: fields = .init("hang")
        case .slowOAuthError(let milliseconds, let error): fields = .init("slow_oauth_error"); fields.delayMs = milliseconds; fields.error = error
        }
        try fields.encode(to: encoder)
    }
}
