import Foundation

/// Every configuration default, in one place. Flags override `SWITCHBOARD_*` variables, which override these.
public enum Defaults {
    public static let host = "127.0.0.1"
    public static let port = 2455
    public static let dataDirectory = "~/.switchboard"
    public static let usageInterval: TimeInterval = 60
    public static let authRetryInterval: TimeInterval = 600
    public static let authRetryCeiling: TimeInterval = 86_400
    public static let maxBodyBytes = 32 * 1024 * 1024
    public static let logLevel = "info"
    public static let logFormat = "text"
    /// Refresh when the access token expires within this margin.
    public static let refreshMargin: TimeInterval = 5 * 60
    /// A still-valid token this process refreshed this recently is not refreshed again, even inside the margin: when
    /// the upstream issues tokens shorter-lived than the margin, each rotation would otherwise kill the
    /// access tokens in flight and the 401s that follow would ask for yet another rotation.
    public static let minRefreshSpacing: TimeInterval = 30
    /// Refresh when the last refresh is older than this, whatever the access token says.
    public static let maxTokenAge: TimeInterval = 8 * 24 * 3600
    /// How long a sticky session key keeps its account.
    public static let stickyTTL: TimeInterval = 30 * 60
    /// Session keys remembered at most; beyond it the least recently used are forgotten.
    public static let maxStickyKeys = 100_000
    /// Pending connections the listening socket queues (Hummingbird's default is 256; a burst of more
    /// simultaneous connects would overflow it and cost those clients a one-second SYN retry).
    /// The kernel caps it at net.core.somaxconn.
    public static let listenBacklog = 4096
    /// How many accounts one request may try before giving up.
    public static let maxAttempts = 3
    /// How often another process's writes are looked for (PRAGMA data_version).
    public static let changePollInterval: TimeInterval = 0.25
    /// Seconds between the pings a WebSocket sends; a peer that misses a pong is closed.
    public static let webSocketPingInterval = 30
    /// How long open streams may run on after SIGTERM.
    public static let shutdownGrace: TimeInterval = 30
}
