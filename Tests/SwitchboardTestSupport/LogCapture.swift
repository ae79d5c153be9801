import Logging
import Synchronization

/// Collects log records so tests can count warnings and search for secrets.
public final class LogCapture: Sendable {
    public struct Record: Sendable {
        public let level: Logger.Level
        public let message: String
        public let metadata: [String: String]
        public var line: String { "\(level) \(message) \(metadata.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " "))" }
    }

    private let records = Mutex<[Record]>([])

    public init() {}

    public var all: [Record] { records.withLock { $0 } }

    public func count(_ message: String, level: Logger.Level? = nil) -> Int {
        all.filter { $0.message == message && (level == nil || $0.level == level) }.count
    }

    public func handler() -> Handler { Handler(capture: self) }

    public struct Handler: LogHandler {
        let capture: LogCapture
        public var logLevel: Logger.Level = .trace
        public var metadata: Logger.Metadata = [:]

        public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        public func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }.mapValues { "\($0)" }
            let record = Record(level: event.level, message: event.message.description, metadata: merged)
            capture.records.withLock { $0.append(record) }
        }
    }
}
