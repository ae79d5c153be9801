import Foundation
import SwitchboardCore
import SwitchboardUpstream

/// Words for a failed call to the auth server: status, error code and message, never a token.
enum LoginFailureText {
    static func describe(_ error: UpstreamCallError, authBaseURL: String) -> String {
        switch error.outcome {
        case .transport(let kind, let detail):
            return "cannot reach \(authBaseURL): \(kind.rawValue)\(detail.isEmpty ? "" : ", \(detail)")"
        case .http(let status, let body):
            let json = JSONValue(parsing: body)
            let code = json?["error"]?["code"]?.stringValue ?? json?["error"]?.stringValue ?? json?["code"]?.stringValue
            let message = json?["error"]?["message"]?.stringValue ?? json?["error_description"]?.stringValue ?? json?["message"]?.stringValue
            return (["HTTP \(status)"] + [code, message.map { String($0.prefix(200)) }].compactMap { $0 }).joined(separator: ", ")
        }
    }

    /// True for an answer that says the device code is past its lifetime.
    static func saysExpired(_ error: UpstreamCallError) -> Bool {
        guard case .http(let status, let body) = error.outcome else { return false }
        return status == 410 || String(decoding: body, as: UTF8.self).lowercased().contains("expired")
    }
}
