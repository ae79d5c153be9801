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
    public var requestLogDays = Defaults.requestLogDays
    public var requestLogMaxRows = Defaults.requestLogMaxRows

    public init() {}

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
        func number<T: LosslessStringConvertible>(_ name: String, _ expected: String) throws -> T? {
            guard let raw = text(name) else { return nil }
            guard let value = T(raw) else { throw Invalid(variable: "SWITCHBOARD_\(name)", value: raw, expected: expected) }
            return value
        }
        host = text("HOST") ?? host
        port = try number("PORT", "a port number") ?? port
        dataDirectory = text("DATA_DIR").map(Configuration.expand) ?? dataDirectory
        upstreamBaseURL = text("UPSTREAM_BASE_URL") ?? upstreamBaseURL
        authBaseURL = text("AUTH_BASE_URL") ?? authBaseURL
        usageInterval = try number("USAGE_INTERVAL", "seconds") ?? usageInterval
        authRetryInterval = try number("AUTH_RETRY_INTERVAL", "seconds") ?? authRetryInterval
        authRetryCeiling = try number("AUTH_RETRY_CEILING", "seconds") ?? authRetryCeiling
        maxBodyBytes = try number("MAX_BODY_BYTES", "a byte count") ?? maxBodyBytes
        logLevel = text("LOG_LEVEL") ?? logLevel
        logFormat = text("LOG_FORMAT") ?? logFormat
        guard ["text", "json"].contains(logFormat) else {
            throw Invalid(variable: "SWITCHBOARD_LOG_FORMAT", value: logFormat, expected: "text or json")
        }
        alertWebhookURL = text("ALERT_WEBHOOK_URL")
        requestLogDays = try number("REQUEST_LOG_DAYS", "a number of days (0 turns the request log off)") ?? requestLogDays
        requestLogMaxRows = try number("REQUEST_LOG_MAX_ROWS", "a row count") ?? requestLogMaxRows
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
