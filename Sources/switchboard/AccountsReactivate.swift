import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardUpstream

struct AccountsReactivate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reactivate",
        abstract: "Put a deactivated, auth_retrying or rate_limited account back into rotation after a new login.",
        discussion: "The credentials are checked first with one token refresh (the rotated tokens are saved); a running server picks the account up within a second.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Account id or email.") var account: String
    @Flag(help: "Accept the same credentials that were deactivated.") var force = false
    @Flag(help: "Skip the verification refresh.") var noVerify = false

    func run() async throws {
        let configuration = try global.configuration()
        let store = try global.openStore()
        let found = try store.find(account)
        // Ask the rules first: a refused reactivation must not spend a refresh token.
        if case .refused(let why) = Lifecycle.apply(.reactivated(force: force), to: found, now: Date()) { throw CLIFailure(why) }
        if !noVerify { try await verify(found, store: store, authBaseURL: configuration.authBaseURL) }
        try applyOperatorEvent(.reactivated(force: force), reference: found.id, global: global, done: "reactivated")
    }

    /// One refresh with the stored credentials; on success the rotated tokens are saved.
    private func verify(_ account: Account, store: AccountStore, authBaseURL: String) async throws {
        let client = TokenClient(transport: CurlTransport.shared, authBaseURL: authBaseURL)
        do {
            let grant = try await client.refresh(refreshToken: account.tokens.refreshToken)
            let tokens = TokenSet(
                accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? account.tokens.refreshToken,
                idToken: grant.idToken ?? account.tokens.idToken, lastRefreshAt: Date())
            if case .stale = try store.rotateTokens(of: account.id, previous: account.tokens.fingerprint, to: tokens, source: .cli) {
                throw CLIFailure("the credentials of \(account.id) changed while verifying them; run the command again")
            }
            print("verified \(account.id): the token endpoint accepted the credentials (now \(tokens.fingerprint.short))")
        } catch let error as UpstreamCallError {
            switch FailureCatalog.classify(error.outcome, from: .token, now: Date()) {
            case .permanent(let code, _)?:
                throw CLIFailure("the credentials of \(account.id) are rejected (\(code)); log in again and import the new auth.json, then reactivate. Nothing was changed")
            case let failure:
                throw CLIFailure("could not verify the credentials of \(account.id) (\(failure.map { "\($0)" } ?? "no access token")); try again, or pass --no-verify")
            }
        }
    }
}
