import Foundation

/// What one request-log batch adds to a key's UTC day (see `KeyMeter`).
public struct KeyUsageDelta: Sendable, Equatable {
    public var keyID: String
    public var day: Int
    public var requests: Int
    public var tokens: Int

    public init(keyID: String, day: Int, requests: Int, tokens: Int) {
        self.keyID = keyID
        self.day = day
        self.requests = requests
        self.tokens = tokens
    }
}
