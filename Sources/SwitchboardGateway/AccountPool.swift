import Foundation
import Logging
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// The gateway's view of the account pool: the latest accounts in memory, the balancer's snapshot,
/// and the one door through which the gateway changes a status (`record`).
public final class AccountPool: Sendable {
    public let store: AccountStore
    public let balancer: Balancer
    let policy: LifecyclePolicy
    let alerter: Alerter
    let logger: Logger
    private let accounts = Mutex<[String: Account]>([:])

    public init(store: AccountStore, policy: LifecyclePolicy, alerter: Alerter, logger: Logger, balancer: Balancer = Balancer()) {
        self.store = store
        self.policy = policy
        self.alerter = alerter
        self.logger = logger
        self.balancer = balancer
    }

    /// Re-reads every account (after another process wrote) and publishes a new snapshot.
    public func reload() throws {
        let all = try store.accounts()
        accounts.withLock { $0 = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) }) }
        publish()
    }

    /// Re-reads one account (after this process wrote it). A new snapshot is published only when the
    /// account's status or headroom tier changed: a token rotation or a usage poll that leaves both
    /// alone costs no rebuild, which matters when a poll round touches thousands of accounts.
    func reload(id: String) throws {
        let account = try store.account(id: id)
        let previous = accounts.withLock { all in
            defer { all[id] = account }
            return all[id]
        }
        if previous.map(Placement.init) != account.map(Placement.init) { publish() }
    }

    /// What the balancer snapshot and the status metric depend on.
    private struct Placement: Equatable {
        let status: AccountStatus.Name
        let tier: Int

        init(_ account: Account) {
            status = account.status.name
            tier = Balancer.tier(usedPercent: account.usedPercent)
        }
    }

    private func publish() {
        let candidates = accounts.withLock { all in
            all.values.filter(\.status.isSelectable).map { Balancer.Candidate(id: $0.id, usedPercent: $0.usedPercent) }
        }
        balancer.publish(candidates)
        GatewayMetrics.accounts(byStatus: accounts.withLock { Dictionary(grouping: $0.values, by: \.status.name).mapValues(\.count) })
    }

    public func account(_ id: String) -> Account? { accounts.withLock { $0[id] } }

    public var all: [Account] { accounts.withLock { Array($0.values) } }

    /// Applies an event through `Lifecycle` (in the store's transaction), refreshes the snapshot,
    /// logs the transition, and alerts once when it is a deactivation.
    @discardableResult
    public func record(_ event: LifecycleEvent, for id: String, now: Date = Date()) -> LifecycleDecision {
        do {
            let decision = try store.apply(event, to: id, now: now, policy: policy)
            guard case .change(let transition) = decision else { return decision }
            try reload(id: id)
            announce(transition, of: id)
            return decision
        } catch {
            logger.error("cannot record account event", metadata: ["account": "\(id)", "error": "\(error)"])
            return .unchanged
        }
    }

    /// One log line per transition, the metric, and the alert when it is a deactivation.
    private func announce(_ transition: Transition, of id: String) {
        logger.info(
            "account status changed",
            metadata: [
                "account": "\(id)", "from": "\(transition.from.name.rawValue)", "to": "\(transition.to.name.rawValue)",
                "cause": "\(transition.cause.rawValue)", "code": "\(transition.code ?? "-")",
            ])
        GatewayMetrics.transition(transition)
        if transition.isDeactivation, let account = account(id) { alerter.deactivated(account, transition) }
    }

    /// Persists refreshed tokens (compare-and-swap on the previous refresh token) and refreshes the snapshot.
    func rotated(_ id: String, previous: CredentialFingerprint, to tokens: TokenSet, source: EventSource) -> AccountStore.RotationResult? {
        do {
            let result = try store.rotateTokens(of: id, previous: previous, to: tokens, source: source, policy: policy)
            try reload(id: id)
            switch result {
            case .rotated(_, .change(let transition)):
                announce(transition, of: id)
            case .stale:
                logger.warning("refreshed tokens not saved: another writer rotated them first", metadata: ["account": "\(id)"])
            case .rotated:
                break
            }
            return result
        } catch {
            logger.error("cannot save refreshed tokens", metadata: ["account": "\(id)", "error": "\(error)"])
            return nil
        }
    }

    /// Puts rate-limited accounts whose reset has passed back into rotation.
    func releaseExpiredRateLimits(now: Date = Date()) {
        let due = accounts.withLock { all in
            all.values.compactMap { account -> String? in
                if case .rateLimited(let resetsAt) = account.status, resetsAt <= now { return account.id }
                return nil
            }
        }
        for id in due { record(.resetPassed, for: id, now: now) }
    }

    /// The answer when no account can be picked, per the table in the design.
    public func emptyPoolError(now: Date = Date()) -> GatewayError {
        let all = self.all
        let resets = all.compactMap { account -> Date? in
            if case .rateLimited(let at) = account.status { return at }
            return nil
        }
        if let earliest = resets.min() { return .usageLimitReached(resetsAt: earliest, now: now) }
        let retries = all.compactMap { account -> Date? in
            if case .authRetrying(_, let next, _) = account.status { return next }
            return nil
        }
        if let next = retries.min() { return .authRetrying(nextRetry: next, now: now) }
        return .noAccounts(total: all.count)
    }
}
