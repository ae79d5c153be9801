import Foundation
import Logging
import SwitchboardCore
import Synchronization

/// Installs the process's log handler once: text lines, or one JSON object per line.
enum LogSetup {
    static func bootstrap(format: String, level: String) {
        self.level = self.level(named: level)
        LoggingSystem.bootstrap { label in
            format == "json" ? JSONLogHandler(label: label) : TextLogHandler(StreamLogHandler.standardError(label: label)) as any LogHandler
        }
    }

    /// The level of every logger that has not set its own; SIGHUP changes it without a restart.
    static var level: Logger.Level {
        get { Logger.Level.allCases[Int(currentLevel.load(ordering: .relaxed))] }
        set { currentLevel.store(UInt8(Logger.Level.allCases.firstIndex(of: newValue)!), ordering: .relaxed) }
    }

    /// `trace` … `critical`; an unknown name means `info`.
    static func level(named name: String) -> Logger.Level { Logger.Level(rawValue: name.lowercased()) ?? .info }

    private static let currentLevel = Atomic<UInt8>(UInt8(Logger.Level.allCases.firstIndex(of: .info)!))
}

/// swift-log's text handler, with its metadata rendered only for records that are written.
/// `StreamLogHandler` renders its metadata each time it changes, and Hummingbird sets a request id on
/// every request's logger: that cost 2–3 % of a request's CPU even with nothing logged.
struct TextLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]
    private var ownLevel: Logger.Level?

    init(_ stream: StreamLogHandler) { self.stream = stream }

    var logLevel: Logger.Level {
        get { ownLevel ?? LogSetup.level }
        set { ownLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var stream = stream
        stream.metadata = metadata
        stream.log(event: event)
    }
}

/// Writes each log record as one JSON object on standard error (for log shippers).
struct JSONLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    private var ownLevel: Logger.Level?

    init(label: String) { self.label = label }

    var logLevel: Logger.Level {
        get { ownLevel ?? LogSetup.level }
        set { ownLevel = newValue }
    }
    private static let lock = Mutex(())

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var record: [String: String] = [
            "ts": Timestamp.string(Date()), "level": event.level.rawValue,
            "logger": label, "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { record[key] = value.description }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(record) else { return }
        line.append(0x0A)
        Self.lock.withLock { _ in FileHandle.standardError.write(line) }
    }
}
