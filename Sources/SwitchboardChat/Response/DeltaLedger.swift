/// Text received so far per stream part, so a `.done` event's full text only adds what
/// its deltas did not already deliver (some upstreams skip deltas and send only `.done`).
struct DeltaLedger {
    private var received: [String: String] = [:]

    mutating func record(_ delta: String, for key: String) {
        received[key, default: ""] += delta
    }

    /// The part of `full` not yet received for `key`; "" when nothing is new or `full`
    /// disagrees with what was already sent (sent text cannot be taken back).
    mutating func remainder(of full: String, for key: String) -> String {
        let sent = received[key, default: ""]
        guard full.count > sent.count, full.hasPrefix(sent) else { return "" }
        received[key] = full
        return String(full.dropFirst(sent.count))
    }
}
