import Foundation

/// Every configuration default, in one place. Flags override `SWITCHBOARD_*` variables, which override these.
public enum Defaults {
    public static let host = "127.0.0.1"
    public static let port = 2455
    public static let dataDirectory = "~/.switchboard"
    public static let usageInterval: TimeInterval = 60
    /// A usage round over more accounts than the poller's concurrency starts its polls evenly over this
    /// share of the interval, instead of in one burst that competes with requests for the CPU; the rest
    /// of the interval lets the last polls finish before the next round (p99 during a round at 10,000
    /// accounts: BENCHMARKS.md, k).
    public static let usageRoundSpread = 0.9
    public static let authRetryInterval: TimeInterval = 600
    public static let authRetryCeiling: TimeInterval = 86_400
    public static let maxBodyBytes = 32 * 1024 * 1024
    public static let logLevel = "info"
    public static let logFormat = "text"
    /// Refresh when the access token expires within this margin.
    public static let refreshMargin: TimeInterval = 5 * 60
    /// A token obtained this recently (by any process: `last_refresh`) is fresh. A fresh token is not
    /// refreshed again unless it expired, and a 401 on it is held against the account instead of
    /// asking for another refresh: so forced refreshes of one account are at most one per this interval,
    /// whatever the traffic, and tokens shorter-lived than the margin cause no rotation churn.
    public static let freshTokenWindow: TimeInterval = 60
    /// After a transient refresh failure, optional refreshes of that account wait this long, doubling
    /// up to the auth retry interval.
    public static let refreshBackoff: TimeInterval = 30
    /// How long a refresh claim holds when its holder dies without releasing it (above the token call's timeout).
    public static let refreshClaimLease: TimeInterval = 45
    /// How long one token call may take.
    public static let tokenCallTimeout: TimeInterval = 30
    /// How long a rate limit lasts when neither the answer nor the usage window says.
    public static let fallbackRateLimit: TimeInterval = 60
    /// The first cooldown after a 401 that survived a fresh token; doubled per repeat up to `maxCooldown`.
    public static let cooldown: TimeInterval = 60
    public static let maxCooldown: TimeInterval = 30 * 60
    /// Auth retry times and cooldowns are spread by ± this fraction.
    public static let retryJitter = 0.1
    /// Refresh when the last refresh is older than this, whatever the access token says.
    public static let maxTokenAge: TimeInterval = 8 * 24 * 3600
    /// How long a sticky session key keeps its account.
    public static let stickyTTL: TimeInterval = 30 * 60
    /// Session keys remembered at most; beyond it the least recently used are forgotten.
    public static let maxStickyKeys = 100_000
    /// Turn states (`x-codex-turn-state`) whose issuing account is remembered, and for how long: a turn
    /// state lives one turn (a few tool calls), so an hour is generous.
    public static let maxTurnStates = 10_000
    public static let turnStateTTL: TimeInterval = 60 * 60
    /// Pending connections the listening socket queues (Hummingbird's default is 256; a burst of more
    /// simultaneous connects would overflow it and cost those clients a one-second SYN retry).
    /// The kernel caps it at net.core.somaxconn.
    public static let listenBacklog = 4096
    /// How many accounts one request may try before giving up.
    public static let maxAttempts = 3
    /// An instance on a shared database that has not heartbeat for this long is taken for dead, and its
    /// share of the background work (usage polls, auth retries, rate-limit releases) moves to the others.
    public static let heartbeatTimeout: TimeInterval = 10
    /// How often another process's writes are looked for (PRAGMA data_version).
    public static let changePollInterval: TimeInterval = 0.25
    /// Seconds between the pings a WebSocket sends; a peer that misses a pong is closed.
    public static let webSocketPingInterval = 30
    /// How long open streams may run on after SIGTERM; at its end each still open gets `response.failed`.
    public static let shutdownGrace: TimeInterval = 30
    /// How long a client connection may take to send a complete request head, may pause while sending a
    /// body, or may stay idle between requests, before it is closed (a connection sending headers a
    /// byte at a time, or never finishing them, would otherwise be held forever).
    public static let clientTimeout: TimeInterval = 30
    /// Client connections open at once; past it a request is answered 503 (`server_busy`) and closed.
    public static let maxConnections = 8192
    /// How long the upstream may take to send the first byte of its answer before the request fails
    /// over to another account (nothing has reached the client yet).
    public static let firstByteTimeout: TimeInterval = 30
    /// How long a stream may go without a byte once it has started; then the client gets `response.failed`.
    public static let streamIdleTimeout: TimeInterval = 120
    /// JSON values (each string, number, array, object...) a request body may hold. A tree of values costs
    /// tens of bytes each, so a 32 MiB body of `[1,1,1,...]` would take ~800 MB to parse; legitimate
    /// requests hold far fewer values than this.
    public static let maxBodyJSONValues = 1_000_000
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
