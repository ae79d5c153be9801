import Foundation

/// Everything the mock knows, guarded by one lock (see `Locked`). Methods never suspend.
struct MockState {
    /// Why a refresh token no longer works.
    enum RetiredReason { case used, invalidated }

    /// What a bearer token on a backend endpoint turned out to be.
    enum BearerCheck {
        case valid(Int)
        case expired(Int)
        case rotatedAway(Int)
        case unknown
        case wrongAccount(Int)
    }

    /// What the presented refresh token is, and what to do about it.
    enum RefreshLookup {
        case current(Int, RefreshBehaviour)
        case retired(Int, RetiredReason)
        case unknown
    }

    var configuration: MockUpstream.Configuration
    var stream: StreamShape
    var accounts: [MockAccount] = []
    /// Bumped by `reset()`, so streams that outlive a reset do not touch new accounts' counters.
    var generation = 0
    var byAccessToken: [String: Int] = [:]
    var byRetiredAccessToken: [String: Int] = [:]
    var byRefreshToken: [String: Int] = [:]
    var retiredRefreshTokens: [String: (index: Int, reason: RetiredReason)] = [:]
    var refreshTokenPresentations: [String: Int] = [:]
    var unknownRefreshTokens = 0
    var login = LoginBook()
    var loginCounters = MockLoginCounters()

    init(configuration: MockUpstream.Configuration) {
        self.configuration = configuration
        self.stream = configuration.stream
    }

    /// The account whose email, `chatgpt_account_id` or `chatgpt_user_id` is `key` (email first).
    func index(of key: String) throws(MockUpstreamError) -> Int {
        if let index = accounts.firstIndex(where: { $0.email.caseInsensitiveCompare(key) == .orderedSame }) { return index }
        if let index = accounts.firstIndex(where: { $0.accountID == key || $0.userID == key }) { return index }
        throw MockUpstreamError.unknownAccount(key)
    }

    mutating func createAccount(_ spec: MockAccountSpec, now: Date) throws(MockUpstreamError) -> Int {
        if accounts.contains(where: { $0.email.caseInsensitiveCompare(spec.email) == .orderedSame }) {
            throw MockUpstreamError.duplicateEmail(spec.email)
        }
        accounts.append(MockAccount(spec: spec, defaultLifetime: configuration.accessTokenLifetime))
        let index = accounts.count - 1
        reissueTokens(index, now: now, retiring: .invalidated)
        return index
    }

    /// Gives account `index` new tokens; its old refresh token is retired for `reason`.
    mutating func reissueTokens(_ index: Int, now: Date, retiring reason: RetiredReason) {
        let old = accounts[index]
        if !old.refreshToken.isEmpty {
            byRefreshToken[old.refreshToken] = nil
            retiredRefreshTokens[old.refreshToken] = (index, reason)
            byAccessToken[old.accessToken] = nil
            byRetiredAccessToken[old.accessToken] = index
        }
        accounts[index].issueTokens(now: now, clientID: configuration.clientID)
        byRefreshToken[accounts[index].refreshToken] = index
        byAccessToken[accounts[index].accessToken] = index
    }

    /// Counts a presentation of `token` to `/oauth/token` and says what it is; takes the script's next step for a current token.
    mutating func beginRefresh(_ token: String) -> RefreshLookup {
        refreshTokenPresentations[token, default: 0] += 1
        if let index = byRefreshToken[token] {
            accounts[index].counters.tokenCalls += 1
            return .current(index, accounts[index].refreshScript.next())
        }
        if let retired = retiredRefreshTokens[token] {
            accounts[retired.index].counters.tokenCalls += 1
            return .retired(retired.index, retired.reason)
        }
        unknownRefreshTokens += 1
        return .unknown
    }

    /// Rotates when `token` is still current (checked again after a scripted delay); else says why not.
    mutating func completeRefresh(_ token: String, now: Date) -> Result<MockAccount, RefreshFailure> {
        if let index = byRefreshToken[token] {
            reissueTokens(index, now: now, retiring: .used)
            return .success(accounts[index])
        }
        if let retired = retiredRefreshTokens[token] { return .failure(.retired(retired.reason)) }
        return .failure(.unknown)
    }

    /// Why a refresh that was allowed to proceed could not rotate.
    enum RefreshFailure: Error { case retired(RetiredReason), unknown }

    /// Checks `Authorization: Bearer` and `chatgpt-account-id`, counting the call at `counter` of the token's account.
    mutating func authenticate(
        authorization: String?, accountHeader: String?, counter: WritableKeyPath<MockAccountCounters, Int>, now: Date
    ) -> BearerCheck {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return .unknown }
        let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if let index = byAccessToken[token] {
            accounts[index].counters[keyPath: counter] += 1
            if accounts[index].accessTokenExpiresAt <= now { return .expired(index) }
            if accountHeader != accounts[index].accountID { return .wrongAccount(index) }
            return .valid(index)
        }
        if let index = byRetiredAccessToken[token] {
            accounts[index].counters[keyPath: counter] += 1
            return .rotatedAway(index)
        }
        return .unknown
    }

    /// The stream shape that applies to account `index`.
    func streamShape(of index: Int) -> StreamShape { accounts[index].stream ?? stream }

    /// Counts a stream of account `index` (from `generation`) as open.
    mutating func streamOpened(_ index: Int, generation: Int) {
        guard generation == self.generation, accounts.indices.contains(index) else { return }
        accounts[index].counters.openStreams += 1
    }

    /// Counts a stream of account `index` (from `generation`) as closed, cancelled by the client or not.
    mutating func streamClosed(_ index: Int, generation: Int, cancelled: Bool) {
        guard generation == self.generation, accounts.indices.contains(index) else { return }
        accounts[index].counters.openStreams -= 1
        if cancelled { accounts[index].counters.cancelledStreams += 1 } else { accounts[index].counters.completedStreams += 1 }
    }

    /// Zeroes every counter except the open-streams gauge.
    mutating func resetCounters() {
        for index in accounts.indices {
            var fresh = MockAccountCounters()
            fresh.openStreams = accounts[index].counters.openStreams
            accounts[index].counters = fresh
        }
        refreshTokenPresentations = [:]
        unknownRefreshTokens = 0
        loginCounters = MockLoginCounters()
    }

    /// Forgets every account, script, counter and pending login.
    mutating func reset() {
        let next = generation + 1
        self = MockState(configuration: configuration)
        generation = next
    }

    var countersReport: MockCountersReport {
        MockCountersReport(
            accounts: Dictionary(accounts.map { ($0.email, $0.counters) }, uniquingKeysWith: { first, _ in first }),
            refreshTokens: refreshTokenPresentations,
            unknownRefreshTokens: unknownRefreshTokens,
            login: loginCounters
        )
    }
}
