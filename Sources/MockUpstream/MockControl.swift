import Foundation

/// The operations that drive the mock, shared by the in-process API and the `/_mock` control routes.
struct MockControl: Sendable {
    let state: Locked<MockState>

    func createAccount(_ spec: MockAccountSpec) throws(MockUpstreamError) -> MockAuthFile {
        try state.withLock { (state) throws(MockUpstreamError) -> MockAuthFile in
            state.accounts[try state.createAccount(spec, now: Date())].authFile
        }
    }

    /// Runs `body` on the account `key` names.
    func withAccount<Result>(_ key: String, _ body: (inout MockAccount) -> Result) throws(MockUpstreamError) -> Result {
        try state.withLock { (state) throws(MockUpstreamError) -> Result in
            let index = try state.index(of: key)
            return body(&state.accounts[index])
        }
    }

    func summary(_ key: String) throws(MockUpstreamError) -> MockAccountSummary {
        try withAccount(key) { MockAccountSummary($0) }
    }

    func summaries() -> [MockAccountSummary] {
        state.withLock { $0.accounts.map(MockAccountSummary.init) }
    }

    func script(
        _ key: String, refresh: ScriptUpdate<RefreshBehaviour>?, usage: ScriptUpdate<UsageBehaviour>?,
        responses: ScriptUpdate<ResponsesBehaviour>?
    ) throws(MockUpstreamError) {
        try withAccount(key) { account in
            if let refresh { account.refreshScript.apply(next: refresh.next, then: refresh.then) }
            if let usage { account.usageScript.apply(next: usage.next, then: usage.then) }
            if let responses { account.responsesScript.apply(next: responses.next, then: responses.then) }
        }
    }

    func setUsage(_ key: String, _ report: MockUsageReport) throws(MockUpstreamError) {
        try withAccount(key) { $0.usage = report }
    }

    /// Sets the stream shape of account `key`, or of every account without its own when `key` is nil.
    func setStreamShape(_ shape: StreamShape, for key: String?) throws(MockUpstreamError) {
        guard let key else { return state.withLock { $0.stream = shape } }
        try withAccount(key) { $0.stream = shape }
    }

    /// Makes the account's live access tokens expired now (their JWT `exp` is left as it was).
    func expireAccessToken(_ key: String) throws(MockUpstreamError) {
        try state.withLock { (state) throws(MockUpstreamError) in
            state.expireAccessTokens(of: try state.index(of: key), now: Date())
        }
    }

    func queueLogin(_ plan: MockLoginPlan) {
        state.withLock { $0.login.plans.append(plan) }
    }

    func counters() -> MockCountersReport { state.withLock { $0.countersReport } }

    func presentations(ofRefreshToken token: String) -> Int {
        state.withLock { $0.refreshTokenPresentations[token] ?? 0 }
    }

    func receivedResponses() -> [String] { state.withLock { $0.receivedResponses } }

    func resetCounters() { state.withLock { $0.resetCounters() } }

    func reset() { state.withLock { $0.reset() } }
}
