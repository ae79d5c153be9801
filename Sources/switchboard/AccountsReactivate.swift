import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardUpstream

struct AccountsReactivate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reactivate",
        abstract: "Put a deactivated, auth_retrying, cooling or rate_limited account back into rotation after a new login.",
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
        if !noVerify {
            let verified = try await verify(found, store: store, authBaseURL: configuration.authBaseURL)
            if verified.status == .active, found.status != .active {
                print("\(found.id) reactivated (\(found.status.name.rawValue) → active): its verification refresh brought it back")
                return
            }
        }
        try applyOperatorEvent(.reactivated(force: force), reference: found.id, global: global, done: "reactivated")
    }

    /// One refresh with the stored credentials, under the account's refresh claim so that it never
    /// races a running server's refresh of the same token; on success the rotated tokens are saved.
    /// Returns the account as it stands afterwards.
    private func verify(_ account: Account, store: AccountStore, authBaseURL: String) async throws -> Account {
        let holder = "cli-\(ProcessInfo.processInfo.processIdentifier)"
        guard try store.claimRefresh(of: account.id, holder: holder, lease: Defaults.refreshClaimLease) else {
            return try await useOtherRefresh(of: account, store: store)
        }
        let client = TokenClient(transport: CurlTransport.shared, authBaseURL: authBaseURL, timeout: .seconds(Defaults.tokenCallTimeout))
        let grant: TokenGrant
        do {
            grant = try await client.refresh(refreshToken: account.tokens.refreshToken)
        } catch {
            try store.releaseRefresh(of: account.id, holder: holder)
            let failure = FailureCatalog.classify(error.outcome, from: .token, now: Date())
            if case .permanent(let code, _) = failure {
                try store.apply(.failed(failure, at: .token, source: .cli, accessTokenValid: false, observedWith: .refreshToken(account.tokens.fingerprint)), to: account.id)
                throw CLIFailure("the credentials of \(account.id) are rejected (\(code)); log in again and import the new auth.json, then reactivate")
            }
            throw CLIFailure("could not verify the credentials of \(account.id) (\(failure)); try again, or pass --no-verify")
        }
        let tokens = TokenSet(
            accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? account.tokens.refreshToken,
            idToken: grant.idToken ?? account.tokens.idToken, lastRefreshAt: Date())
        let result = try store.rotateTokens(of: account.id, previous: account.tokens.fingerprint, to: tokens, source: .cli, releasing: holder)
        if case .stale = result {
            throw CLIFailure("the credentials of \(account.id) changed while verifying them; run the command again")
        }
        print("verified \(account.id): the token endpoint accepted the credentials (now \(tokens.fingerprint.short))")
        return result.account
    }

    /// A running server is refreshing the account right now: its saved result is the verification.
    private func useOtherRefresh(of account: Account, store: AccountStore) async throws -> Account {
        let deadline = Date().addingTimeInterval(Defaults.refreshClaimLease)
        while Date() < deadline, try store.refreshClaimed(account.id) { try await Task.sleep(for: .milliseconds(100)) }
        guard let latest = try store.account(id: account.id) else { throw StoreError.notFound(account.id) }
        guard latest.tokens.fingerprint != account.tokens.fingerprint else {
            throw CLIFailure("another process was refreshing \(account.id) and did not save new credentials; run the command again (see `switchboard accounts events`)")
        }
        print("verified \(account.id): a running gateway refreshed the credentials meanwhile (now \(latest.tokens.fingerprint.short))")
        return latest
    }
}
