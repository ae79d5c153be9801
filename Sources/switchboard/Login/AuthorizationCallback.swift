import Foundation
import SwitchboardCore

/// The query the authorization server appends to the redirect URI: `code` and `state`, or `error`.
/// It arrives either at the local listener or pasted by the person (`--no-browser`).
struct AuthorizationCallback: Sendable, Equatable {
    let parameters: [String: String]

    /// Parses a callback URL, or just its query (`code=…&state=…`); nil when the text is neither.
    init?(pasted text: String) {
        var query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let mark = query.firstIndex(of: "?") { query = String(query[query.index(after: mark)...]) }
        if let hash = query.firstIndex(of: "#") { query = String(query[..<hash]) }
        self.init(query: query)
        guard ["code", "state", "error"].contains(where: { parameters[$0] != nil }) else { return nil }
    }

    /// Parses a raw (percent-encoded) query string.
    init(query: String) {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text) }
            guard let key = parts.first.map(decode), !key.isEmpty, parameters[key] == nil else { continue }
            parameters[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.parameters = parameters
    }

    /// The authorization code, once `state` is the one this login sent. Every refusal says that nothing was written.
    func authorizationCode(expectedState: String) throws(CLIFailure) -> String {
        guard let state = parameters["state"], Secrets.constantTimeEqual(state, expectedState) else {
            throw CLIFailure("login refused: the callback's `state` does not match this login (a stale or forged callback); nothing was written. Run `switchboard accounts login` again")
        }
        if let error = parameters["error"] {
            let detail = parameters["error_description"].map { ": \(String($0.prefix(200)))" } ?? ""
            throw CLIFailure("the authorization server did not grant the login (\(error)\(detail)); nothing was written")
        }
        guard let code = parameters["code"], !code.isEmpty else {
            throw CLIFailure("the callback carries no authorization code; nothing was written. Run `switchboard accounts login` again")
        }
        return code
    }
}
