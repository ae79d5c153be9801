/// Why an in-process or control-API call to the mock was refused.
public enum MockUpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No account has this email, `chatgpt_account_id` or `chatgpt_user_id`.
    case unknownAccount(String)
    /// An account with this email exists already.
    case duplicateEmail(String)
    /// `start` was called on a mock that is running.
    case alreadyStarted
    /// The server stopped before it reported its port.
    case notStarted

    public var description: String {
        switch self {
        case .unknownAccount(let key): "no mock account matches \(key)"
        case .duplicateEmail(let email): "a mock account with email \(email) exists already"
        case .alreadyStarted: "the mock upstream is already running"
        case .notStarted: "the mock upstream stopped before it was listening"
        }
    }
}
