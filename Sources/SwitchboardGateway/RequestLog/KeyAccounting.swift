import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardStore

/// Per-key limits and use, in memory on the request path. Use is added to the database with each
/// request-log batch (`drainPending`) and read back at start, so a restart keeps the day's count.
public final class KeyAccounting: Sendable {
    private struct State {
        var limits: [String: KeyLimits] = [:]
        var meters: [String: KeyMeter] = [:]
        /// Use not yet written, by key and day.
        var pending: [String: KeyUsageDelta] = [:]

        mutating func addPending(_ keyID: String, day: Int, requests: Int, tokens: Int) {
            let slot = "\(keyID) \(day)"
            pending[slot, default: KeyUsageDelta(keyID: keyID, day: day, requests: 0, tokens: 0)].requests += requests
            pending[slot]!.tokens += tokens
        }
    }

    let store: AccountStore
    /// The per-minute and per-day windows are judged at this clock (the gateway's).
    let clock: any GatewayClock
    private let state = Mutex(State())

    public init(store: AccountStore, clock: any GatewayClock = SystemClock()) throws {
        self.store = store
        self.clock = clock
        let now = clock.now
        let today = KeyMeter.day(of: now)
        let used = try store.keyUsage(day: today)
        state.withLock { state in
            for (id, use) in used { state.meters[id] = KeyMeter(now: now, tokensToday: use.tokens, requestsToday: use.requests) }
        }
        try reload()
    }

    /// Re-reads the limits (after `keys create`/`limit`/`revoke` in another process).
    public func reload() throws {
        let limits = try store.apiKeys().filter { $0.revokedAt == nil && !$0.limits.isUnlimited }.map { ($0.id, $0.limits) }
        state.withLock { $0.limits = Dictionary(uniqueKeysWithValues: limits) }
    }

    /// Lets a request for `model` start, or throws the key's refusal; records the model on the trace.
    /// Runs before an account is picked, so a refused request costs no upstream call.
    func admit(_ trace: RequestTrace, model: String?) throws(GatewayError) {
        let now = clock.now
        var keyID: String?
        trace.update { $0.model = model; keyID = $0.keyID }
        guard let keyID else { return }
        let verdict = state.withLock { state -> KeyMeter.Verdict in
            guard let limits = state.limits[keyID] else { return .admitted }
            var meter = state.meters[keyID] ?? KeyMeter(now: now)
            defer { state.meters[keyID] = meter }
            return meter.admit(model: model, limits: limits, now: now)
        }
        switch verdict {
        case .admitted: return
        case .modelNotAllowed(let allowed): throw .modelNotAllowed(model ?? "", allowed: allowed)
        case .tokensPerDayReached(let limit, let resetsAt): throw .keyLimitReached("tokens per day", limit: limit, resetsAt: resetsAt, now: now)
        case .requestsPerMinuteReached(let limit, let resetsAt): throw .keyLimitReached("requests per minute", limit: limit, resetsAt: resetsAt, now: now)
        }
    }

    /// Adds a finished request of `keyID` and its tokens.
    func charge(keyID: String, tokens: Int) {
        let now = clock.now
        let day = KeyMeter.day(of: now)
        state.withLock { state in
            state.meters[keyID, default: KeyMeter(now: now)].charge(tokens: tokens, now: now)
            state.addPending(keyID, day: day, requests: 1, tokens: tokens)
        }
    }

    /// The use not yet written; the caller writes it (with a request-log batch).
    func drainPending() -> [KeyUsageDelta] {
        state.withLock { state in defer { state.pending = [:] }; return Array(state.pending.values) }
    }

    /// Puts back use whose write failed, so the next batch carries it.
    func restore(_ deltas: [KeyUsageDelta]) {
        state.withLock { state in
            for delta in deltas { state.addPending(delta.keyID, day: delta.day, requests: delta.requests, tokens: delta.tokens) }
        }
    }

    /// Tokens and requests each key used today (for the status page).
    func usedToday(now: Date? = nil) -> [String: (tokens: Int, requests: Int)] {
        let today = KeyMeter.day(of: now ?? clock.now)
        return state.withLock { state in
            state.meters.filter { $0.value.day == today }.mapValues { (tokens: $0.tokensToday, requests: $0.requestsToday) }
        }
    }
}
