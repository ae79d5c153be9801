import Foundation
import Logging
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// The gateway's view of the account pool: the latest accounts in memory, the balancer's snapshot,
/// and the one door through which the gateway reads or changes an account. Its store and balancer
/// are its own: every write returns the account as it now stands, which is installed without re-reading.
public final class AccountPool: Sendable {
    private let store: AccountStore
    private let balancer: Balancer
    let policy: LifecyclePolicy
    let alerter: Alerter
    let logger: Logger
    /// The time every status rule on these accounts is judged at.
    let clock: any GatewayClock
    private let accounts = Mutex<[String: Account]>([:])
    /// This instance and the live ones when several share the database (nil: this one does all the work).
    private let members = Mutex<(me: String, live: [String])?>(nil)
    /// Where the next reload asks for changes from (nil: everything).
    private let reloadMark = Mutex<Int?>(nil)

    public init(store: AccountStore, policy: LifecyclePolicy, alerter: Alerter, logger: Logger, clock: any GatewayClock = SystemClock(), balancer: Balancer = Balancer()) {
        self.store = store
        self.clock = clock
        self.policy = policy
        self.alerter = alerter
        self.logger = logger
        self.balancer = balancer
    }

    // MARK: Reading

    public func account(_ id: String) -> Account? { accounts.withLock { $0[id] } }

    public var all: [Account] { accounts.withLock { Array($0.values) } }

    /// An active account for a request (sticky to `key` when it has one), or nil.
    func pick(key: String?, excluding: Set<String> = []) -> String? { balancer.pick(key: key, excluding: excluding, now: clock.now) }

    /// How many accounts can be picked now.
    var selectableCount: Int { balancer.selectableCount }

    /// Fails when the database cannot answer a query.
    func ping() throws { try store.ping() }

    /// Tells when another process has committed.
    func makeChangeCounter() throws -> ChangeCounter { try store.makeChangeCounter() }

    /// The account as stored now (another process may have rotated or replaced its tokens), installed.
    func latest(_ id: String) throws -> Account? {
        guard let account = try store.account(id: id) else { return nil }
        install(account)
        return self.account(id) ?? account
    }

    // MARK: Loading

    /// Brings the pool up to date with the database after another process wrote: only rows written
    /// since the last reload are looked at, only those whose version moved past the installed copy
    /// are read and decrypted, and a row never replaces a newer copy already installed.
    public func reload() throws {
        let changes = try store.changes(since: reloadMark.withLock { $0 })
        let stale = accounts.withLock { all in
            var removed = false
            if changes.complete {
                for id in all.keys where changes.versions[id] == nil { all[id] = nil; removed = true }
            }
            let stale = changes.versions.compactMap { id, version in (all[id]?.version ?? -1) < version ? id : nil }
            return (ids: stale, removed: removed)
        }
        let fresh = try store.accounts(ids: stale.ids)
        let (count, placed) = accounts.withLock { all in
            let placed = fresh.reduce(false) { placed, account in Self.place(account, in: &all) || placed }
            return (all.count, placed)
        }
        reloadMark.withLock { $0 = changes.mark }
        // Rows were removed since the last look (or added and removed): one complete read settles it.
        if !changes.complete, count != changes.count {
            reloadMark.withLock { $0 = nil }
            return try reload()
        }
        if placed || stale.removed { publish() }
    }

    /// Installs a copy of one account that this process just wrote or read. A new snapshot is published
    /// only when its status or headroom tier changed: a rotation or usage poll that leaves both alone
    /// costs no rebuild, which matters when a poll round touches thousands of accounts.
    func install(_ account: Account) {
        if accounts.withLock({ Self.place(account, in: &$0) }) { publish() }
    }

    /// Puts `account` in `all` unless the copy there is newer; whether that moved its placement
    /// (a new account, or another status or headroom tier): the snapshot must then be published again.
    private static func place(_ account: Account, in all: inout [String: Account]) -> Bool {
        let previous = all[account.id]
        guard isNewer(account, than: previous) else { return false }
        all[account.id] = account
        return previous.map(Placement.init) != Placement(account)
    }

    /// A row re-created under the same id (removed, then imported) starts its versions again.
    private static func isNewer(_ account: Account, than installed: Account?) -> Bool {
        guard let installed else { return true }
        return account.createdAt != installed.createdAt || account.version >= installed.version
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
        // One pass that copies no account: at 10,000 accounts, copying them was most of a reload's cost.
        let (candidates, byStatus) = accounts.withLock { all in
            var candidates: [Balancer.Candidate] = []
            candidates.reserveCapacity(all.count)
            var byStatus: [AccountStatus.Name: Int] = [:]
            for account in all.values {
                byStatus[account.status.name, default: 0] += 1
                if account.status.isSelectable { candidates.append(Balancer.Candidate(id: account.id, usedPercent: account.usedPercent)) }
            }
            return (candidates, byStatus)
        }
        balancer.publish(candidates)
        GatewayMetrics.accounts(byStatus: byStatus)
    }

    // MARK: Writing

    /// Applies an event through `Lifecycle` (in the store's transaction), installs the result,
    /// logs the transition, and alerts once when it is a deactivation.
    @discardableResult
    public func record(_ event: LifecycleEvent, for id: String, now: Date? = nil) -> LifecycleDecision {
        do {
            let applied = try store.apply(event, to: id, now: now ?? clock.now, policy: policy)
            install(applied.account)
            switch applied.decision {
            case .change(let transition): announce(transition, of: applied.account)
            case .ignoredStale(let observed, let current):
                logger.info("stale verdict ignored", metadata: ["account": "\(id)", "observed": "\(observed)", "current": "\(current)"])
            case .unchanged, .refused: break
            }
            return applied.decision
        } catch {
            logger.error("cannot record account event", metadata: ["account": "\(id)", "error": "\(error)"])
            return .unchanged
        }
    }

    /// One log line per transition, the metric, and the alert when it is a deactivation.
    private func announce(_ transition: Transition, of account: Account) {
        logger.info(
            "account status changed",
            metadata: [
                "account": "\(account.id)", "from": "\(transition.from.name.rawValue)", "to": "\(transition.to.name.rawValue)",
                "cause": "\(transition.cause.rawValue)", "code": "\(transition.code ?? "-")",
            ])
        GatewayMetrics.transition(transition)
        if transition.isDeactivation { alerter.deactivated(account, transition) }
    }

    /// Persists refreshed tokens (compare-and-swap on the previous refresh token, releasing `claim`)
    /// and installs the account as it now stands.
    func rotated(_ id: String, previous: CredentialFingerprint, to tokens: TokenSet, source: EventSource, releasing claim: String?) throws -> AccountStore.RotationResult {
        let result = try store.rotateTokens(of: id, previous: previous, to: tokens, source: source, releasing: claim, now: clock.now, policy: policy)
        install(result.account)
        switch result {
        case .rotated(let account, .change(let transition)): announce(transition, of: account)
        case .stale: logger.warning("refreshed tokens not saved: another writer rotated them first", metadata: ["account": "\(id)"])
        case .rotated: break
        }
        return result
    }

    /// Stores a usage report.
    func recordUsage(_ usage: UsageSnapshot, of id: String) async throws {
        if let account = try await store.recordUsage(usage, of: id, known: account(id)) { install(account) }
    }

    /// A success on an account that has been cooling down: its next cooldown starts from the beginning.
    func served(_ id: String) {
        guard account(id)?.lastCooldown != nil else { return }
        do {
            if let account = try store.resetCooldownBackoff(of: id) { install(account) }
        } catch {
            logger.error("cannot reset the cooldown backoff", metadata: ["account": "\(id)", "error": "\(error)"])
        }
    }

    // MARK: Refresh claims (one refresh per account across processes)
    // Leases are on wall time, not the pool's clock: the other processes that honour them only know that one.

    func claimRefresh(_ id: String, holder: String) throws -> Bool {
        try store.claimRefresh(of: id, holder: holder, lease: Defaults.refreshClaimLease)
    }

    func releaseRefresh(_ id: String, holder: String) {
        do { try store.releaseRefresh(of: id, holder: holder) } catch {
            logger.error("cannot release a refresh claim", metadata: ["account": "\(id)", "error": "\(error)"])
        }
    }

    func refreshClaimed(_ id: String) throws -> Bool { try store.refreshClaimed(id) }

    // MARK: Sharing the work between instances

    /// Heartbeats as `member` and learns who else is alive.
    func heartbeat(as member: String, timeout: TimeInterval) throws {
        guard let live = try store.heartbeat(member: member, timeout: timeout) else { return }
        members.withLock { $0 = (member, live) }
    }

    /// Whether this instance does the account's background work: the one live instance chosen by
    /// rendezvous hashing of its id, so each account is polled once and a dead instance's share moves.
    public func owns(_ id: String) -> Bool {
        guard let shared = members.withLock({ $0 }), !shared.live.isEmpty else { return true }
        return Rendezvous.pick(id, among: shared.live) == shared.me
    }

    // MARK: Time

    /// Puts accounts whose rate limit or cooldown has ended back into rotation.
    func releaseExpired() {
        let now = clock.now
        let due = accounts.withLock { all in
            all.values.compactMap { account -> String? in
                switch account.status {
                case .rateLimited(let until) where until <= now, .cooling(let until, _) where until <= now: account.id
                default: nil
                }
            }
        }
        for id in due where owns(id) { record(.resetPassed, for: id, now: now) }
    }

    /// The answer when no account can be picked: see `EmptyPool`.
    public func emptyPoolError() -> GatewayError {
        EmptyPool(all).error(now: clock.now)
    }
}

extension EmptyPool {
    /// The answer a client gets (status, code and `Retry-After` to the soonest recovery).
    func error(now: Date) -> GatewayError {
        switch self {
        case .usageLimitReached(let resetsAt): .usageLimitReached(resetsAt: resetsAt, now: now)
        case .authRetrying(let soonest): .authRetrying(nextRetry: soonest, now: now)
        case .coolingDown(let soonest): .coolingDown(until: soonest, now: now)
        case .noAccounts(let total): .noAccounts(total: total)
        }
    }
}
