/// How long a happy responses stream is and how fast it is written.
/// JSON keys: `delta_count`, `event_delay_ms` (both optional when setting).
public struct StreamShape: Sendable, Equatable, Codable {
    /// Number of `response.output_text.delta` events (at least 1).
    public var deltaCount: Int
    /// Pause between two events; 0 writes the whole stream in one write (the benchmark baseline).
    public var eventDelayMilliseconds: Int

    public init(deltaCount: Int = 10, eventDelayMilliseconds: Int = 0) {
        self.deltaCount = max(1, deltaCount)
        self.eventDelayMilliseconds = max(0, eventDelayMilliseconds)
    }

    enum CodingKeys: String, CodingKey {
        case deltaCount = "delta_count", eventDelayMilliseconds = "event_delay_ms"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            deltaCount: try c.decodeIfPresent(Int.self, forKey: .deltaCount) ?? 10,
            eventDelayMilliseconds: try c.decodeIfPresent(Int.self, forKey: .eventDelayMilliseconds) ?? 0
        )
    }
}
