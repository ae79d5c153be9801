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
        /// The tier number of each entry of `tiers`.
        var levels: [Int] = []
        var members: Set<String> = []
    }

    private struct State {
        var snapshot = Snapshot()
        /// Round-robin position per tier: taking the next in turn is taking the least recently used.
        var cursors: [Int] = []
        var sticky: StickyTable
    }

    private let state: Mutex<State>

    public init(stickyTTL: TimeInterval = Defaults.stickyTTL, maxStickyKeys: Int = Defaults.maxStickyKeys) {
        state = Mutex(State(sticky: StickyTable(ttl: stickyTTL, limit: maxStickyKeys)))
    }

    /// The headroom tier of an account that has used `usedPercent` of its tightest window (0 = most headroom).
    public static func tier(usedPercent: Double) -> Int { Int(max(0, min(usedPercent, 1_000)) / headroomTier) }

    /// Replaces the snapshot. Sticky keys pointing at accounts that left fall back on their next pick.
    public func publish(_ candidates: [Candidate]) {
        var groups: [Int: [String]] = [:]
        for candidate in candidates {
            groups[Self.tier(usedPercent: candidate.usedPercent), default: []].append(candidate.id)
        }
        var snapshot = Snapshot()
        snapshot.levels = groups.keys.sorted()
        snapshot.tiers = snapshot.levels.map { groups[$0]!.sorted() }
        snapshot.members = Set(candidates.map(\.id))
        state.withLock { state in
            // Each tier keeps its round-robin position, so frequent publishes do not favour a tier's first ids.
            let previous = Dictionary(uniqueKeysWithValues: zip(state.snapshot.levels, state.cursors))
            state.cursors = zip(snapshot.levels, snapshot.tiers).map { level, tier in (previous[level] ?? 0) % tier.count }
            state.snapshot = snapshot
        }
    }

    /// The number of selectable accounts in the current snapshot.
    public var selectableCount: Int { state.withLock { $0.snapshot.members.count } }

    /// The account for a request: the sticky one for `key` if it is still selectable, else one with the
    /// most headroom: for a new session key the same one on every instance (rendezvous hashing over that
    /// tier), without a key the least recently used. `excluding` holds accounts already tried.
    public func pick(key: String?, excluding: Set<String> = [], now: Date = Date()) -> String? {
        state.withLock { state in
            if let key, let account = state.sticky.account(for: key, now: now),
                state.snapshot.members.contains(account), !excluding.contains(account)
            {
                return account
            }
            let agreed = key.flatMap { key in
                state.snapshot.tiers.lazy.map { $0.filter { !excluding.contains($0) } }.first { !$0.isEmpty }
                    .flatMap { Rendezvous.pick(key, among: $0) }
            }
            guard let chosen = agreed ?? Self.next(in: &state, excluding: excluding) else { return nil }
            if let key { state.sticky.bind(key, to: chosen, now: now) }
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
}
