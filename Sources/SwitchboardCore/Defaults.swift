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
    /// How long open streams may run on after SIGTERM.
    public static let shutdownGrace: TimeInterval = 30
    /// Days of request log kept (0 turns the log off).
    public static let requestLogDays = 14
    /// Rows of request log kept at most; the oldest go first.
    public static let requestLogMaxRows = 1_000_000
    /// Request-log rows waiting for the writer at most; beyond it rows are dropped (and counted), never waited for.
    public static let requestLogQueue = 10_000
    /// How often the writer commits what is pending (one transaction per batch).
    public static let requestLogFlushInterval: TimeInterval = 0.5
    /// How often old request-log rows are pruned.
    public static let requestLogPruneInterval: TimeInterval = 600
}
