import Foundation

/// ISO 8601 UTC timestamps (`2026-12-02T02:25:01Z`) for logs and CLI output. A format style is a
/// cheap value; an `ISO8601DateFormatter` per call cost tens of microseconds, several per listed account.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle()

    public static func string(_ date: Date) -> String { style.format(date) }
}
