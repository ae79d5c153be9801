import Foundation

/// The in-process control API; each call has a `/_mock` HTTP twin. Accounts are named by their
/// email, `chatgpt_account_id` or `chatgpt_user_id` (email first).
extension MockUpstream {
    /// Creates an account and returns its first credentials as a Codex `auth.json`.
    @discardableResult
    public func createAccount(_ spec: MockAccountSpec) throws(MockUpstreamError) -> MockAuthFile {
        try control.createAccount(spec)
    }

    /// Creates an account from its parts; see `MockAccountSpec`.
    @discardableResult
    public func createAccount(
        email: String, plan: String = "plus", accountID: String? = nil, userID: String? = nil,
        accessTokenLifetime: TimeInterval? = nil
    ) throws(MockUpstreamError) -> MockAuthFile {
        try control.createAccount(MockAccountSpec(email: email, plan: plan, accountID: accountID, userID: userID, accessTokenLifetime: accessTokenLifetime))
    }

    /// Identity, current credentials, counters and usage of one account.
    public func account(_ key: String) throws(MockUpstreamError) -> MockAccountSummary {
        try control.summary(key)
    }

    /// Every account, in creation order.
    public func accounts() -> [MockAccountSummary] { control.summaries() }

    /// The account's current credentials (they change on every successful refresh or login).
    public func authFile(_ key: String) throws(MockUpstreamError) -> MockAuthFile {
        try control.summary(key).auth
    }

    /// Plays `next` on the account's next refresh calls, one each, then `then` (kept as is when nil).
    public func scriptRefresh(_ key: String, _ next: [RefreshBehaviour] = [], then: RefreshBehaviour? = nil) throws(MockUpstreamError) {
        try control.script(key, refresh: .init(next: next, then: then), usage: nil, responses: nil)
    }

    /// Plays `next` on the account's next usage calls, one each, then `then` (kept as is when nil).
    public func scriptUsage(_ key: String, _ next: [UsageBehaviour] = [], then: UsageBehaviour? = nil) throws(MockUpstreamError) {
        try control.script(key, refresh: nil, usage: .init(next: next, then: then), responses: nil)
    }

    /// Plays `next` on the account's next responses calls, one each, then `then` (kept as is when nil).
    public func scriptResponses(_ key: String, _ next: [ResponsesBehaviour] = [], then: ResponsesBehaviour? = nil) throws(MockUpstreamError) {
        try control.script(key, refresh: nil, usage: nil, responses: .init(next: next, then: then))
    }

    /// What `/wham/usage` and the stream headers report for the account.
    public func setUsage(_ report: MockUsageReport, for key: String) throws(MockUpstreamError) {
        try control.setUsage(key, report)
    }

    /// The happy-stream shape of one account, or of all accounts without their own when `key` is nil.
    public func setStreamShape(_ shape: StreamShape, for key: String? = nil) throws(MockUpstreamError) {
        try control.setStreamShape(shape, for: key)
    }

    /// Makes every live access token of the account count as expired from now on (401 `token_expired`).
    public func expireAccessToken(of key: String) throws(MockUpstreamError) {
        try control.expireAccessToken(key)
    }

    /// Decides how the next login (device or browser) goes; logins without a plan create a new account.
    public func queueLogin(_ plan: MockLoginPlan) { control.queueLogin(plan) }

    /// Every counter.
    public func counters() -> MockCountersReport { control.counters() }

    /// The counters of one account.
    public func counters(for key: String) throws(MockUpstreamError) -> MockAccountCounters {
        try control.summary(key).counters
    }

    /// How many times `token` was presented to `/oauth/token`.
    public func presentations(ofRefreshToken token: String) -> Int { control.presentations(ofRefreshToken: token) }

    /// The last bodies `/codex/responses` accepted (JSON text), oldest first; cleared with the counters.
    public func receivedResponses() -> [String] { control.receivedResponses() }

    /// Zeroes every counter except open streams.
    public func resetCounters() { control.resetCounters() }

    /// Forgets every account, script, counter and queued login.
    public func reset() { control.reset() }
}
