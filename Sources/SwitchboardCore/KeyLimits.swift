import Foundation

/// Optional limits of one client API key; `nil` means unlimited.
public struct KeyLimits: Sendable, Equatable {
    public var tokensPerDay: Int?
    public var requestsPerMinute: Int?
    /// The models the key may ask for; `nil` allows every model.
    public var models: [String]?

    public init(tokensPerDay: Int? = nil, requestsPerMinute: Int? = nil, models: [String]? = nil) {
        self.tokensPerDay = tokensPerDay
        self.requestsPerMinute = requestsPerMinute
        self.models = models
    }

    public var isUnlimited: Bool { tokensPerDay == nil && requestsPerMinute == nil && models == nil }

    /// `models` as stored: comma-separated, or nil.
    public var modelList: String? { models?.joined(separator: ",") }

    /// Parses a comma-separated model list; an empty one means "every model".
    public static func models(from list: String?) -> [String]? {
        let names = (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return names.isEmpty ? nil : names
    }
}
