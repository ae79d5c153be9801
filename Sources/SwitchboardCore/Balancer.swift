import Foundation
import Synchronization

/// Picks the account for a request from an immutable snapshot of the selectable accounts.
/// A status change publishes a new snapshot; a pick holds a lock only for a few loads and stores.
public final class Balancer: Sendable {
    /// One selectable account as the balancer sees it.
    public struct Candidate: Sendable, Equatable {
        public var id: String
        /// Used percentage of the tighter usage window (0 when unknown).
        public var usedPercent: Double

        public init(id: String, usedPercent: Double) {
            self.id = id
            self.usedPercent = usedPercent
        }
    }

    /// Accounts whose usage differs by less than this many percentage points count as equal headroom,
    /// so traffic spreads over them (least recently used first) instead of piling onto one.
    public static let headroomTier: Double = 5

    private struct Snapshot {
        /// Candidate ids grouped by headroom tier, most headroom first.
        var tiers: [[String]] = []
        var members: Set<String> = []
    }

    private struct State {
        var snapshot = Snapshot()
        /// Round-robin position per tier: taking the next in turn is taking the least recently used.
        var cursors: [Int] = []
        var sticky: [String: (account: String, expires: Date)] = [:]
        var picksSincePrune = 0
    }

    private let state = Mutex(State())
    private let stickyTTL: TimeInterval
    private let maxStickyKeys: Int

    public init(stickyTTL: TimeInterval = Defaults.stickyTTL, maxStickyKeys: Int = 100_000) {
        self.stickyTTL = stickyTTL
        self.maxStickyKeys = maxStickyKeys
    }

    /// Replaces the snapshot. Sticky keys pointing at accounts that left fall back on their next pick.
    public func publish(_ candidates: [Candidate]) {
        var groups: [Int: [String]] = [:]
        for candidate in candidates {
            groups[Int(max(0, candidate.usedPercent) / Self.headroomTier), default: []].append(candidate.id)
        }
        var snapshot = Snapshot()
        snapshot.tiers = groups.keys.sorted().map { groups[$0]!.sorted() }
        snapshot.members = Set(candidates.map(\.id))
        state.withLock {
            $0.snapshot = snapshot
            $0.cursors = Array(repeating: 0, count: snapshot.tiers.count)
        }
    }

    /// The number of selectable accounts in the current snapshot.
    public var selectableCount: Int { state.withLock { $0.snapshot.members.count } }

    /// The account for a request: the sticky one for `key` if it is still selectable, else the one
    /// with the most headroom, least recently used first. `excluding` holds accounts already tried.
    public func pick(key: String?, excluding: Set<String> = [], now: Date = Date()) -> String? {
        state.withLock { state in
            if let key, let entry = state.sticky[key], entry.expires > now,
                state.snapshot.members.contains(entry.account), !excluding.contains(entry.account)
            {
                state.sticky[key] = (entry.account, now.addingTimeInterval(stickyTTL))
                return entry.account
            }
            guard let chosen = Self.next(in: &state, excluding: excluding) else { return nil }
            if let key {
                state.sticky[key] = (chosen, now.addingTimeInterval(stickyTTL))
                state.picksSincePrune += 1
                if state.picksSincePrune >= 1024 || state.sticky.count > maxStickyKeys {
                    Self.prune(&state, now: now, limit: maxStickyKeys)
                }
            }
            return chosen
        }
    }

    private static func next(in state: inout State, excluding: Set<String>) -> String? {
        for tierIndex in state.snapshot.tiers.indices {
            let tier = state.snapshot.tiers[tierIndex]
            let start = state.cursors[tierIndex]
            for offset in 0..<tier.count {
                let position = (start + offset) % tier.count
                let id = tier[position]
                if excluding.isEmpty || !excluding.contains(id) {
                    state.cursors[tierIndex] = (position + 1) % tier.count
                    return id
                }
            }
        }
        return nil
    }

    private static func prune(_ state: inout State, now: Date, limit: Int) {
        state.picksSincePrune = 0
        state.sticky = state.sticky.filter { $0.value.expires > now }
        if state.sticky.count > limit {
            // Still too many live keys: forget the ones closest to expiry.
            let keep = state.sticky.sorted { $0.value.expires > $1.value.expires }.prefix(limit)
            state.sticky = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
