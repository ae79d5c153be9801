/// Rendezvous (highest random weight) hashing: every process that knows the same options picks the
/// same one for a key, with no shared state, and when an option goes only the keys it held move.
/// The hash is FNV-1a (Swift's `Hasher` is seeded per process, so it would differ between instances).
public enum Rendezvous {
    /// The option with the highest weight for `key`, or nil when there are none.
    public static func pick<C: Collection<String>>(_ key: String, among options: C) -> String? {
        options.max { weight(key, $0) < weight(key, $1) || (weight(key, $0) == weight(key, $1) && $0 > $1) }
    }

    static func weight(_ key: String, _ option: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3
        for byte in option.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        // FNV's low bits mix poorly for short inputs: a final avalanche (splitmix64's) spreads them.
        hash ^= hash >> 30
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash = hash &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
