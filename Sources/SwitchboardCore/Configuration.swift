import Foundation

/// Settings of a running gateway. Resolved as: flag, else `SWITCHBOARD_*` variable, else `Defaults`.
public struct Configuration: Sendable, Equatable {
    public var host = Defaults.host
    public var port = Defaults.port
    public var dataDirectory = Configuration.expand(Defaults.dataDirectory)
    public var upstreamBaseURL = UpstreamDefaults.upstreamBaseURL
    public var authBaseURL = UpstreamDefaults.authBaseURL
    public var usageInterval = Defaults.usageInterval
    public var authRetryInterval = Defaults.authRetryInterval
    public var authRetryCeiling = Defaults.authRetryCeiling
    public var maxBodyBytes = Defaults.maxBodyBytes
    public var logLevel = Defaults.logLevel
    public var logFormat = Defaults.logFormat
    public var alertWebhookURL: String?
    public var clientTimeout = Defaults.clientTimeout
    public var maxConnections = Defaults.maxConnections
    public var firstByteTimeout = Defaults.firstByteTimeout
    public var streamIdleTimeout = Defaults.streamIdleTimeout
    public var shutdownGrace = Defaults.shutdownGrace
    /// The token encryption key (base64 of 32 bytes) when given in the environment instead of `secret.key`.
    public var encryptionKey: EncryptionKey?
    public var requestLogDays = Defaults.requestLogDays
    public var requestLogMaxRows = Defaults.requestLogMaxRows
    /// A PostgreSQL shared by several instances (`postgres://user[:password]@host[:port]/database`); nil: SQLite in the data directory.
    public var databaseURL: DatabaseURL?
    public var heartbeatTimeout = Defaults.heartbeatTimeout

    public init() {}

    /// The names `SWITCHBOARD_LOG_LEVEL` accepts (swift-log's levels).
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// A problem with one setting, naming the variable.
    public struct Invalid: Error, CustomStringConvertible {
        public let variable: String
        public let value: String
        public let expected: String
        public var description: String { "\(variable)=\(value) is not valid: expected \(expected)" }
    }

    /// Defaults overridden by the `SWITCHBOARD_*` variables present in `environment`.
    public init(environment: [String: String]) throws {
        func text(_ name: String) -> String? { environment["SWITCHBOARD_\(name)"].flatMap { $0.isEmpty ? nil : $0 } }
        func number<T: LosslessStringConvertible & Comparable & Numeric>(_ name: String, _ expected: String, minimum: T = 1) throws -> T? {
            guard let raw = text(name) else { return nil }
            guard let value = T(raw), value >= minimum else { throw Invalid(variable: "SWITCHBOARD_\(name)", value: raw, expected: expected) }
            return value
        }
        host = text("HOST") ?? host
        port = try number("PORT", "a port number (0 picks a free one)", minimum: 0) ?? port
        guard (0...65_535).contains(port) else { throw Invalid(variable: "SWITCHBOARD_PORT", value: String(port), expected: "a port number (0 picks a free one)") }
        dataDirectory = text("DATA_DIR").map(Configuration.expand) ?? dataDirectory
        upstreamBaseURL = text("UPSTREAM_BASE_URL") ?? upstreamBaseURL
        authBaseURL = text("AUTH_BASE_URL") ?? authBaseURL
        usageInterval = try number("USAGE_INTERVAL", "a positive number of seconds") ?? usageInterval
        authRetryInterval = try number("AUTH_RETRY_INTERVAL", "a positive number of seconds") ?? authRetryInterval
        authRetryCeiling = try number("AUTH_RETRY_CEILING", "a positive number of seconds") ?? authRetryCeiling
        maxBodyBytes = try number("MAX_BODY_BYTES", "a positive byte count") ?? maxBodyBytes
        logLevel = text("LOG_LEVEL")?.lowercased() ?? logLevel
        guard Self.logLevels.contains(logLevel) else {
            throw Invalid(variable: "SWITCHBOARD_LOG_LEVEL", value: logLevel, expected: Self.logLevels.joined(separator: ", "))
        }
        logFormat = text("LOG_FORMAT") ?? logFormat
        guard ["text", "json"].contains(logFormat) else {
            throw Invalid(variable: "SWITCHBOARD_LOG_FORMAT", value: logFormat, expected: "text or json")
        }
        alertWebhookURL = text("ALERT_WEBHOOK_URL")
        clientTimeout = try number("CLIENT_TIMEOUT", "a positive number of seconds") ?? clientTimeout
        maxConnections = try number("MAX_CONNECTIONS", "a positive connection count") ?? maxConnections
        firstByteTimeout = try number("FIRST_BYTE_TIMEOUT", "a positive number of seconds") ?? firstByteTimeout
        streamIdleTimeout = try number("STREAM_IDLE_TIMEOUT", "a positive number of seconds") ?? streamIdleTimeout
        shutdownGrace = try number("SHUTDOWN_GRACE", "a positive number of seconds") ?? shutdownGrace
        encryptionKey = text("ENCRYPTION_KEY").map(EncryptionKey.init)
        requestLogDays = try number("REQUEST_LOG_DAYS", "a number of days (0 turns the request log off)", minimum: 0) ?? requestLogDays
        requestLogMaxRows = try number("REQUEST_LOG_MAX_ROWS", "a positive row count") ?? requestLogMaxRows
        databaseURL = text("DATABASE_URL").map(DatabaseURL.init)
        heartbeatTimeout = try number("HEARTBEAT_TIMEOUT", "a positive number of seconds") ?? heartbeatTimeout
    }

    public var lifecyclePolicy: LifecyclePolicy {
        LifecyclePolicy(authRetryInterval: authRetryInterval, authRetryCeiling: authRetryCeiling)
    }

    /// Expands a leading `~` to the home directory.
    public static func expand(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}

/// A secret setting: its text never appears when the configuration is printed or logged.
public struct EncryptionKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let base64: String
    public init(_ base64: String) { self.base64 = base64 }
    public var description: String { "(redacted)" }
    public var debugDescription: String { description }
}

/// Where the shared database is; printed without its password.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var description: String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "(redacted)"
        return components.string ?? "(redacted)"
    }
}
