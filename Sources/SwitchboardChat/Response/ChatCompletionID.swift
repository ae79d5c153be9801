import Foundation

/// Identifiers and timestamps for answers the gateway makes up.
public enum ChatCompletionID {
    /// A fresh `chatcmpl-…` id.
    public static func make() -> String {
        "chatcmpl-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// The current time in Unix seconds, for `created`.
    public static func now() -> Int { Int(Date().timeIntervalSince1970) }
}
