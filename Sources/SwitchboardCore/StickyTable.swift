import DequeModule
import Foundation

/// Session key (or turn state) → account, each entry living `ttl` after its last use, at most `limit` entries.
///
/// Eviction is amortised O(1) per insert: `order` holds every key once, roughly least recently used
/// first, with the expiry it had when queued. A front key used since then goes to the back instead of
/// being evicted, so no live key is dropped before the table is over its limit, and no operation
/// ever walks or sorts the whole table while the balancer's lock is held.
public struct StickyTable: Sendable {
    private struct Entry {
        var account: String
        var expires: Date
    }

    private var entries: [String: Entry] = [:]
    private var order: Deque<(key: String, expires: Date)> = []
    let ttl: TimeInterval
    let limit: Int

    public init(ttl: TimeInterval, limit: Int) {
        self.ttl = ttl
        self.limit = max(1, limit)
    }

    public var count: Int { entries.count }

    /// The account for `key` if its entry is still live; a hit extends the entry's life.
    public mutating func account(for key: String, now: Date) -> String? {
        guard let entry = entries[key], entry.expires > now else { return nil }
        entries[key]?.expires = now.addingTimeInterval(ttl)
        return entry.account
    }

    /// Binds `key` to `account` for `ttl`, then evicts what expired or exceeds the limit.
    public mutating func bind(_ key: String, to account: String, now: Date) {
        let expires = now.addingTimeInterval(ttl)
        if entries.updateValue(Entry(account: account, expires: expires), forKey: key) == nil {
            order.append((key, expires))
        }
        evict(now: now)
    }

    private mutating func evict(now: Date) {
        while let front = order.first, let entry = entries[front.key] {
            order.removeFirst()
            if entry.expires != front.expires {
                // Used since it was queued: back of the queue, with the expiry it has now.
                order.append((front.key, entry.expires))
            } else if entry.expires <= now || entries.count > limit {
                entries[front.key] = nil
            } else {
                order.prepend(front)
                return
            }
        }
    }
}
