import Foundation
import Testing
@testable import SwitchboardCore

@Suite struct LifecycleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = LifecyclePolicy(authRetryInterval: 600, authRetryCeiling: 86_400, fallbackRateLimit: 60)
    var poison: String { Account.fixture().tokens.fingerprint.hex }
    /// The refresh token the fixture account holds: verdicts observed with it count.
    var held: ObservedCredential { .refreshToken(Account.fixture().tokens.fingerprint) }

    func apply(_ event: LifecycleEvent, _ status: AccountStatus, usage: UsageSnapshot? = nil) -> LifecycleDecision {
        Lifecycle.apply(event, to: .fixture(status: status, usage: usage), now: now, policy: policy)
    }

    func target(_ decision: LifecycleDecision) -> AccountStatus? {
        if case .change(let t) = decision { return t.to }
        return nil
    }

    @Test(arguments: EventSource.allCases)
    func aPermanentFailureDeactivatesWhicheverPathSawIt(source: EventSource) {
        let decision = apply(.failed(.permanent(code: "token_expired", message: "m"), at: .token, source: source, accessTokenValid: true, observedWith: held), .active)
        #expect(target(decision) == .deactivated(code: "token_expired", reason: "m", credentialFingerprint: poison))
        guard case .change(let transition) = decision else { return }
        #expect(transition.isDeactivation)
        #expect(transition.cause == source)
    }

    @Test func aDeactivatedAccountIsNotDeactivatedTwice() {
        let dead = AccountStatus.deactivated(code: "token_expired", reason: "m", credentialFingerprint: poison)
        #expect(apply(.failed(.permanent(code: "invalid_grant", message: "x"), at: .token, source: .refresh, accessTokenValid: false, observedWith: held), dead) == .unchanged)
        #expect(apply(.failed(.rateLimited(resetsAt: nil), at: .responses, source: .responses, accessTokenValid: true, observedWith: held), dead) == .unchanged)
    }

    @Test func transientRefreshFailureKeepsActiveWhileAccessIsValid() {
        #expect(apply(.failed(.transient(reason: "HTTP 500"), at: .token, source: .refresh, accessTokenValid: true, observedWith: held), .active) == .unchanged)
    }

    @Test func transientRefreshFailureWithExpiredAccessGoesToAuthRetrying() {
        let decision = apply(.failed(.transient(reason: "HTTP 500"), at: .token, source: .refresh, accessTokenValid: false, observedWith: held), .active)
        #expect(target(decision) == .authRetrying(since: now, nextAt: now.addingTimeInterval(600), lastError: "HTTP 500"))
    }

    @Test(arguments: [UpstreamEndpoint.usage, .responses, .models])
    func transientFailuresOutsideRefreshNeverChangeStatus(endpoint: UpstreamEndpoint) {
        #expect(apply(.failed(.transient(reason: "HTTP 503"), at: endpoint, source: .usage, accessTokenValid: false, observedWith: held), .active) == .unchanged)
    }

    /// The usage poller may be the one that started a shared refresh: the failure is still a refresh failure.
    @Test func aFailedRefreshCountsWhicheverPathAskedForIt() {
        let decision = apply(.failed(.transient(reason: "HTTP 500"), at: .token, source: .usage, accessTokenValid: false, observedWith: held), .active)
        #expect(target(decision) == .authRetrying(since: now, nextAt: now.addingTimeInterval(600), lastError: "HTTP 500"))
    }

    @Test func authRetryingStaysUntilTheCeilingThenIsExhausted() {
        let since = now.addingTimeInterval(-3600)
        let retrying = AccountStatus.authRetrying(since: since, nextAt: now, lastError: "HTTP 500")
        #expect(target(apply(.failed(.transient(reason: "timeout"), at: .token, source: .authRetry, accessTokenValid: false, observedWith: held), retrying))
            == .authRetrying(since: since, nextAt: now.addingTimeInterval(600), lastError: "timeout"))
        let old = AccountStatus.authRetrying(since: now.addingTimeInterval(-86_400), nextAt: now, lastError: "HTTP 500")
        guard case .deactivated(let code, _, let fingerprint) = target(apply(.failed(.transient(reason: "timeout"), at: .token, source: .authRetry, accessTokenValid: false, observedWith: held), old)) else {
            Issue.record("expected deactivation"); return
        }
        #expect(code == "auth_retry_exhausted")
        #expect(fingerprint == poison)
    }

    @Test func aSuccessfulRefreshRecoversAuthRetrying() {
        let retrying = AccountStatus.authRetrying(since: now, nextAt: now, lastError: "x")
        #expect(target(apply(.refreshed(source: .authRetry), retrying)) == .active)
        #expect(apply(.refreshed(source: .refresh), .active) == .unchanged)
    }

    @Test func rateLimitUsesTheAnswerThenTheUsageWindowThenSixtySeconds() {
        let at = now.addingTimeInterval(500)
        #expect(target(apply(.failed(.rateLimited(resetsAt: at), at: .responses, source: .responses, accessTokenValid: true, observedWith: held), .active)) == .rateLimited(resetsAt: at))
        let window = UsageSnapshot(primary: UsageWindow(usedPercent: 100, resetsAt: now.addingTimeInterval(900)), observedAt: now)
        #expect(target(apply(.failed(.quotaExceeded(resetsAt: nil), at: .responses, source: .responses, accessTokenValid: true, observedWith: held), .active, usage: window)) == .rateLimited(resetsAt: now.addingTimeInterval(900)))
        #expect(target(apply(.failed(.rateLimited(resetsAt: nil), at: .responses, source: .responses, accessTokenValid: true, observedWith: held), .active)) == .rateLimited(resetsAt: now.addingTimeInterval(60)))
    }

    @Test func aLaterResetExtendsARateLimitAndAnEarlierOneDoesNot() {
        let limited = AccountStatus.rateLimited(resetsAt: now.addingTimeInterval(100))
        #expect(target(apply(.failed(.rateLimited(resetsAt: now.addingTimeInterval(200)), at: .responses, source: .responses, accessTokenValid: true, observedWith: held), limited)) == .rateLimited(resetsAt: now.addingTimeInterval(200)))
        #expect(apply(.failed(.rateLimited(resetsAt: now.addingTimeInterval(50)), at: .responses, source: .responses, accessTokenValid: true, observedWith: held), limited) == .unchanged)
    }

    @Test func theClockEndsARateLimitOnlyAfterTheReset() {
        #expect(target(apply(.resetPassed, .rateLimited(resetsAt: now.addingTimeInterval(-1)))) == .active)
        #expect(apply(.resetPassed, .rateLimited(resetsAt: now.addingTimeInterval(1))) == .unchanged)
    }

    @Test func unauthorizedAndClientErrorsChangeNothing() {
        #expect(apply(.failed(.unauthorized, at: .responses, source: .responses, accessTokenValid: true, observedWith: held), .active) == .unchanged)
        #expect(apply(.failed(.clientError(status: 400, code: nil, message: "bad"), at: .responses, source: .responses, accessTokenValid: true, observedWith: held), .active) == .unchanged)
    }

    @Test func pauseAndResume() {
        #expect(target(apply(.paused, .active)) == .paused)
        #expect(target(apply(.resumed, .paused)) == .active)
        guard case .refused = apply(.resumed, .active) else { Issue.record("resume of an active account must be refused"); return }
        guard case .refused = apply(.paused, .deactivated(code: "c", reason: "r", credentialFingerprint: poison)) else { Issue.record("pausing a deactivated account must be refused"); return }
    }

    @Test func reactivationRefusesThePoisonedCredentialUnlessForced() {
        let dead = AccountStatus.deactivated(code: "token_expired", reason: "m", credentialFingerprint: poison)
        guard case .refused(let why) = apply(.reactivated(force: false), dead) else { Issue.record("expected refusal"); return }
        #expect(why.contains("token_expired"))
        #expect(!why.contains("rt-1"))
        #expect(target(apply(.reactivated(force: true), dead)) == .active)
        let fresh = Account.fixture(status: dead, refreshToken: "rt-2")
        #expect(target(Lifecycle.apply(.reactivated(force: false), to: fresh, now: now)) == .active)
    }

    @Test func onlyOutOfRotationAccountsCanBeReactivated() {
        guard case .refused = apply(.reactivated(force: false), .active) else { Issue.record("expected refusal"); return }
        #expect(target(apply(.reactivated(force: false), .rateLimited(resetsAt: now))) == .active)
        #expect(target(apply(.reactivated(force: false), .authRetrying(since: now, nextAt: now, lastError: "x"))) == .active)
    }
}
