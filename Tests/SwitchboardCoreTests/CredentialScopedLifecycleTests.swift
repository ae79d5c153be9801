import Foundation
import Testing
@testable import SwitchboardCore

/// The rules that keep a verdict on the credential that earned it, cool an account down after a 401
/// on a fresh token, and spread retry times.
@Suite struct CredentialScopedLifecycleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = LifecyclePolicy(authRetryInterval: 600, authRetryCeiling: 86_400, fallbackRateLimit: 60, cooldown: 60, maxCooldown: 1800, jitter: 0.1)

    func apply(_ event: LifecycleEvent, _ account: Account, draw: Double = 0) -> LifecycleDecision {
        Lifecycle.apply(event, to: account, now: now, policy: policy, draw: draw)
    }

    func target(_ decision: LifecycleDecision) -> AccountStatus? {
        if case .change(let t) = decision { return t.to }
        return nil
    }

    @Test func aPermanentVerdictOnReplacedCredentialsIsIgnoredAndNamesBoth() {
        let old = Account.fixture(refreshToken: "rt-old")
        let relogged = Account.fixture(refreshToken: "rt-new")
        let decision = apply(.failed(.permanent(code: "invalid_grant", message: "m"), at: .token, source: .refresh, accessTokenValid: false, observedWith: .refreshToken(old.tokens.fingerprint)), relogged)
        #expect(decision == .ignoredStale(observed: .refreshToken(old.tokens.fingerprint), current: .refreshToken(relogged.tokens.fingerprint)))
    }

    @Test func aVerdictOnAnOldAccessTokenIsIgnoredAndOnTheCurrentOneCounts() {
        let account = Account.fixture()
        let stale = ObservedCredential.accessToken(CredentialFingerprint(of: "an access token rotated away"))
        guard case .ignoredStale = apply(.failed(.rateLimited(resetsAt: nil), at: .responses, source: .responses, accessTokenValid: true, observedWith: stale), account) else {
            Issue.record("expected the stale verdict to be ignored"); return
        }
        let current = ObservedCredential.accessToken(account.tokens.accessFingerprint)
        #expect(target(apply(.failed(.permanent(code: "account_deactivated", message: "m"), at: .responses, source: .responses, accessTokenValid: true, observedWith: current), account))
            == .deactivated(code: "account_deactivated", reason: "m", credentialFingerprint: account.tokens.fingerprint.hex))
    }

    @Test func aRejectedFreshTokenCoolsDownFor60sDoublingTo30MinutesAndNeverDeactivates() {
        var account = Account.fixture()
        let held = ObservedCredential.accessToken(account.tokens.accessFingerprint)
        let event = LifecycleEvent.failed(.rejectedFreshToken(reason: "401"), at: .responses, source: .responses, accessTokenValid: true, observedWith: held)
        guard case .change(let first) = apply(event, account) else { Issue.record("expected a cooldown"); return }
        #expect(first.to == .cooling(until: now.addingTimeInterval(60), reason: "401"))
        #expect(first.cooldown == 60)
        account.lastCooldown = 60
        guard case .change(let second) = apply(event, account) else { Issue.record("expected a cooldown"); return }
        #expect(second.cooldown == 120)
        account.lastCooldown = 1800
        guard case .change(let capped) = apply(event, account) else { Issue.record("expected a cooldown"); return }
        #expect(capped.cooldown == 1800)
        #expect(!capped.isDeactivation)
    }

    @Test func aCooldownEndsWithTheClockAndAnOperatorCanEndItEarly() {
        let cooling = Account.fixture(status: .cooling(until: now.addingTimeInterval(-1), reason: "401"))
        #expect(target(apply(.resetPassed, cooling)) == .active)
        #expect(apply(.resetPassed, Account.fixture(status: .cooling(until: now.addingTimeInterval(5), reason: "401"))) == .unchanged)
        #expect(target(apply(.reactivated(force: false), cooling)) == .active)
    }

    @Test func aRateLimitedAccountWithAValidTokenStaysRateLimitedOnATransientRefreshFailure() {
        let limited = Account.fixture(status: .rateLimited(resetsAt: now.addingTimeInterval(300)))
        let held = ObservedCredential.refreshToken(limited.tokens.fingerprint)
        #expect(apply(.failed(.transient(reason: "HTTP 500"), at: .token, source: .usage, accessTokenValid: true, observedWith: held), limited) == .unchanged)
        #expect(target(apply(.failed(.transient(reason: "HTTP 500"), at: .token, source: .usage, accessTokenValid: false, observedWith: held), limited))?.name == .authRetrying)
    }

    @Test func retryTimesAndCooldownsAreSpreadByTenPercent() {
        let account = Account.fixture()
        let refresh = ObservedCredential.refreshToken(account.tokens.fingerprint)
        let transient = LifecycleEvent.failed(.transient(reason: "x"), at: .token, source: .refresh, accessTokenValid: false, observedWith: refresh)
        #expect(target(apply(transient, account, draw: -1))?.until == now.addingTimeInterval(540))
        #expect(target(apply(transient, account, draw: 1))?.until == now.addingTimeInterval(660))
        let cooling = LifecycleEvent.failed(.rejectedFreshToken(reason: "401"), at: .responses, source: .responses, accessTokenValid: true, observedWith: .accessToken(account.tokens.accessFingerprint))
        #expect(target(apply(cooling, account, draw: 1))?.until == now.addingTimeInterval(66))
        #expect(target(apply(cooling, account, draw: -1))?.until == now.addingTimeInterval(54))
    }
}

/// The empty-pool answer for every mix of states (design table).
@Suite struct EmptyPoolTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    func at(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(seconds) }
    func accounts(_ statuses: AccountStatus...) -> [Account] { statuses.map { Account.fixture(status: $0) } }
    var dead: AccountStatus { .deactivated(code: "token_expired", reason: "r", credentialFingerprint: "f") }

    @Test func emptyOrOnlyPausedAndDeactivatedIsNoAccounts() {
        #expect(EmptyPool([]) == .noAccounts(total: 0))
        #expect(EmptyPool(accounts(.paused, dead)) == .noAccounts(total: 2))
    }

    @Test func onlyRateLimitedWithOrWithoutDeadOrPausedIsAUsageLimitAtTheEarliestReset() {
        #expect(EmptyPool(accounts(.rateLimited(resetsAt: at(300)), .rateLimited(resetsAt: at(100)))) == .usageLimitReached(resetsAt: at(100)))
        #expect(EmptyPool(accounts(.rateLimited(resetsAt: at(300)), dead, .paused)) == .usageLimitReached(resetsAt: at(300)))
    }

    @Test func anyAuthRetryingIsAuthRetryingUntilTheSoonestRecoveryOfAnyKind() {
        #expect(EmptyPool(accounts(.rateLimited(resetsAt: at(100)), .authRetrying(since: now, nextAt: at(600), lastError: "x"))) == .authRetrying(soonest: at(100)))
        #expect(EmptyPool(accounts(.authRetrying(since: now, nextAt: at(600), lastError: "x"), .cooling(until: at(60), reason: "r"), dead)) == .authRetrying(soonest: at(60)))
        #expect(EmptyPool(accounts(.authRetrying(since: now, nextAt: at(600), lastError: "x"), .paused)) == .authRetrying(soonest: at(600)))
    }

    @Test func coolingWithoutAuthRetryingIsCoolingDownUntilTheSoonestRecovery() {
        #expect(EmptyPool(accounts(.cooling(until: at(60), reason: "r"), dead, .paused)) == .coolingDown(soonest: at(60)))
        #expect(EmptyPool(accounts(.cooling(until: at(120), reason: "r"), .rateLimited(resetsAt: at(30)))) == .coolingDown(soonest: at(30)))
    }
}
