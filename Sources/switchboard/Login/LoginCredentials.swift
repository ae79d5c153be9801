import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardUpstream

/// Tokens from a finished login, read the way an imported Codex auth.json is read: the identity
/// (ChatGPT account id + user id) comes from the id token.
enum LoginCredentials {
    static func authFile(from grant: TokenGrant, now: Date = Date()) throws(CLIFailure) -> CodexAuthFile {
        guard let idToken = grant.idToken else {
            throw CLIFailure("the auth server returned no id token, so the account cannot be identified; nothing was written")
        }
        guard let refreshToken = grant.refreshToken else {
            throw CLIFailure("the auth server returned no refresh token (was the offline_access scope granted?); nothing was written")
        }
        var tokens: [String: JSONValue] = [
            "id_token": .string(idToken), "access_token": .string(grant.accessToken), "refresh_token": .string(refreshToken),
        ]
        if let accountID = (try? TokenClaims(jwt: idToken))?.accountID { tokens["account_id"] = .string(accountID) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let file: JSONValue = ["tokens": .object(tokens), "last_refresh": .string(formatter.string(from: now))]
        do {
            return try CodexAuthFile(data: file.encoded())
        } catch {
            throw CLIFailure("the tokens from the login cannot be read: \(error); nothing was written")
        }
    }

    /// A re-login must be the same ChatGPT account and user as the account it replaces.
    static func checkIdentity(of file: CodexAuthFile, matches account: Account) throws(CLIFailure) {
        guard file.chatgptAccountID == account.chatgptAccountID, file.chatgptUserID == account.chatgptUserID else {
            let got = "\(file.email ?? "another login") (account \(Account.id(accountID: file.chatgptAccountID, userID: file.chatgptUserID)))"
            throw CLIFailure(StoreError.identityMismatch(expected: "\(account.id) \(account.email ?? "")".trimmingCharacters(in: .whitespaces), got: got).description)
        }
    }
}
