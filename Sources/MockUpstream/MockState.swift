import Foundation

/// Everything the mock knows, guarded by one lock (see `Locked`). Methods never suspend.
struct MockState {
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
        /// Used already: a successful refresh rotated it away.
        case used(Int)
        case unknown
    }

    /// A live access token: whose it is and until when it is accepted.
    struct AccessGrant {
        var index: Int
        var expiresAt: Date
    }

    /// A live login session: the account and the access token its refresh token goes with.
    struct Session {
        var index: Int
        var accessToken: String
    }

    var configuration: MockUpstream.Configuration
    var stream: StreamShape
    var accounts: [MockAccount] = []
    /// Bumped by `reset()`, so streams that outlive a reset do not touch new accounts' counters.
    var generation = 0
    /// Every live access token; an account has one per session (each login starts a session).
    var accessTokens: [String: AccessGrant] = [:]
    var retiredAccessTokens: [String: Int] = [:]
    /// Every live refresh token, by session.
    var sessions: [String: Session] = [:]
    var usedRefreshTokens: [String: Int] = [:]
    var refreshTokenPresentations: [String: Int] = [:]
    var unknownRefreshTokens = 0
    var login = LoginBook()
    /// The last bodies `/codex/responses` accepted, oldest first (at most `receivedLimit`).
    var receivedResponses: [String] = []
    static let receivedLimit = 32
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
        startSession(index, now: now)
        return index
    }

    /// Issues account `index` a new token set in a new session (a login); other sessions keep working.
    mutating func startSession(_ index: Int, now: Date) {
        accounts[index].issueTokens(now: now, clientID: configuration.clientID)
        let account = accounts[index]
        sessions[account.refreshToken] = Session(index: index, accessToken: account.accessToken)
        accessTokens[account.accessToken] = AccessGrant(index: index, expiresAt: account.accessTokenExpiresAt)
    }

    /// Rotates the session of `refreshToken`: it and its access token are retired, a new pair takes their place.
    mutating func rotate(_ refreshToken: String, now: Date) -> Int? {
        guard let session = sessions.removeValue(forKey: refreshToken) else { return nil }
        usedRefreshTokens[refreshToken] = session.index
        accessTokens[session.accessToken] = nil
        retiredAccessTokens[session.accessToken] = session.index
        startSession(session.index, now: now)
        return session.index
    }

    /// Counts a presentation of `token` to `/oauth/token` and says what it is; takes the script's next step for a current token.
    mutating func beginRefresh(_ token: String) -> RefreshLookup {
        refreshTokenPresentations[token, default: 0] += 1
        if let session = sessions[token] {
            accounts[session.index].counters.tokenCalls += 1
            return .current(session.index, accounts[session.index].refreshScript.next())
        }
        if let index = usedRefreshTokens[token] {
            accounts[index].counters.tokenCalls += 1
            return .used(index)
        }
        unknownRefreshTokens += 1
        return .unknown
    }

    /// Rotates when `token` is still current (checked again after a scripted delay); else says why not.
    mutating func completeRefresh(_ token: String, now: Date) -> Result<MockAccount, RefreshFailure> {
        if let index = rotate(token, now: now) { return .success(accounts[index]) }
        return .failure(usedRefreshTokens[token] == nil ? .unknown : .used)
    }

    /// Why a refresh that was allowed to proceed could not rotate.
    enum RefreshFailure: Error { case used, unknown }

    /// Checks `Authorization: Bearer` and `chatgpt-account-id`, counting the call at `counter` of the token's account.
    mutating func authenticate(
        authorization: String?, accountHeader: String?, counter: WritableKeyPath<MockAccountCounters, Int>, now: Date
    ) -> BearerCheck {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return .unknown }
        let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if let grant = accessTokens[token] {
            let index = grant.index
            accounts[index].counters[keyPath: counter] += 1
            if grant.expiresAt <= now { return .expired(index) }
            if accountHeader != accounts[index].accountID { return .wrongAccount(index) }
            return .valid(index)
        }
        if let index = retiredAccessTokens[token] {
            accounts[index].counters[keyPath: counter] += 1
            return .rotatedAway(index)
        }
        return .unknown
    }

    /// Makes every live access token of account `index` count as expired from `now` on.
    mutating func expireAccessTokens(of index: Int, now: Date) {
        for (token, grant) in accessTokens where grant.index == index {
            accessTokens[token]?.expiresAt = now.addingTimeInterval(-1)
        }
        accounts[index].accessTokenExpiresAt = now.addingTimeInterval(-1)
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

    /// Keeps `body` among the last accepted responses bodies.
    mutating func received(_ body: String) {
        receivedResponses.append(body)
        if receivedResponses.count > Self.receivedLimit { receivedResponses.removeFirst() }
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
        receivedResponses = []
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
