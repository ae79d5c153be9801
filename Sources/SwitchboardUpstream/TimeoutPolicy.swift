/// How long a transfer may take: connecting, then either at most `idle` without receiving a byte
/// (streams) or at most `total` from start to end (plain calls), and for streams at most `firstByte`
/// from the start until the first byte of the body. Any limit may also be absent.
public struct TimeoutPolicy: Sendable, Equatable {
    /// The default connect timeout of every transfer.
    public static let defaultConnect: Duration = .seconds(8)

    public var connect: Duration
    public var idle: Duration?
    public var total: Duration?
    /// Until the first body byte (the head alone does not count: an upstream that answers its head and then
    /// thinks for minutes has not started answering).
    public var firstByte: Duration?

    public init(connect: Duration = TimeoutPolicy.defaultConnect, idle: Duration? = nil, total: Duration? = nil, firstByte: Duration? = nil) {
        self.connect = connect
        self.idle = idle
        self.total = total
        self.firstByte = firstByte
    }

    /// A stream: fails when no byte (head or body) arrives for `idle`, however long the whole
    /// stream runs. Time spent paused because the reader is behind does not count.
    public static func streaming(idle: Duration, firstByte: Duration? = nil, connect: Duration = defaultConnect) -> TimeoutPolicy {
        TimeoutPolicy(connect: connect, idle: idle, firstByte: firstByte)
    }

    /// A plain call: fails when the whole exchange takes longer than `total`.
    public static func total(_ total: Duration, connect: Duration = defaultConnect) -> TimeoutPolicy {
        TimeoutPolicy(connect: connect, total: total)
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a tiny positive duration never becomes "no limit" (0).
    var roundedUpMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(clamping: max(millis, 1))
    }
}
