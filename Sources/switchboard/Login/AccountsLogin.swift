import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardUpstream

struct AccountsLogin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in a ChatGPT account (browser or device code) and add it to the pool.",
        discussion: """
            Default: the browser flow (PKCE). The URL is printed (and opened when this machine has a browser); \
            a one-shot listener on 127.0.0.1:1455 takes the redirect. --no-browser: paste the address the browser \
            was sent to instead. --device: type a code at \(UpstreamDefaults.authBaseURL)/codex/device on any device.
            With --account, the login must be that account (same ChatGPT account and user) or nothing is written; \
            a deactivated or auth_retrying account is then reactivated with the new credentials (its poisoned \
            credential cleared) and a running server uses it within a second.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Use the device-code flow: open a URL on any device and type the code shown.") var device = false
    @Flag(help: "Browser flow without a local browser or listener: print the URL and read the callback address pasted on standard input.")
    var noBrowser = false
    @Option(help: "Re-login of this account (id or email): refused, with nothing written, if a different account logs in.")
    var account: String?
    @Option(help: "Port of the local callback listener (the real auth server only redirects to 1455; other ports are for mock servers and tests).")
    var callbackPort = 1455
    @Option(help: .hidden) var loginTimeout = 900

    func validate() throws {
        guard (0...65535).contains(callbackPort) else { throw ValidationError("--callback-port must be a port number (0-65535)") }
        guard loginTimeout > 0 else { throw ValidationError("--login-timeout must be positive") }
        if device && noBrowser { throw ValidationError("--device and --no-browser are two different flows; pick one") }
    }

    func run() async throws {
        let configuration = try global.configuration()
        let store = try global.openStore()
        // Resolve the account first: a typo must not cost a login.
        let target = try account.map { try store.find($0) }
        if let target { LoginWaiting.say("Re-login of \(target.id) \(target.email ?? "") (\(target.status.name.rawValue))") }

        let interrupt = LoginWaiting.onInterrupt("\nlogin cancelled (Ctrl-C); nothing was written")
        let client = TokenClient(transport: CurlTransport.shared, authBaseURL: configuration.authBaseURL)
        let grant: TokenGrant
        do {
            grant = device
                ? try await DeviceLogin(client: client).run()
                : try await BrowserLogin(client: client, callbackPort: callbackPort, noBrowser: noBrowser, timeout: .seconds(loginTimeout)).run()
        } catch {
            interrupt.stop()
            throw error
        }
        interrupt.stop()

        let file = try LoginCredentials.authFile(from: grant)
        if let target { try LoginCredentials.checkIdentity(of: file, matches: target) }
        let result = try store.importAccount(file)
        let saved = result.account
        let who = "\(saved.id) \(saved.email ?? "(no email)") (\(saved.planType ?? "unknown plan"))"
        switch result {
        case .created: print("logged in: added \(who), credential \(file.tokens.fingerprint.short)")
        case .updated: print("logged in: new credentials for \(who), credential \(file.tokens.fingerprint.short)")
        case .keptNewer(_, let reason): throw CLIFailure("the new login was not saved for \(who): \(reason)")
        }
        try bringBack(saved, store: store)
    }

    /// Fresh credentials fix what a re-login can fix: a deactivated or auth_retrying account goes back into rotation.
    private func bringBack(_ account: Account, store: AccountStore) throws {
        switch account.status {
        case .deactivated, .authRetrying, .cooling:
            switch try store.apply(.reactivated(force: false), to: account.id).decision {
            case .change(let transition):
                print("reactivated \(account.id) (\(transition.from.name.rawValue) → \(transition.to.name.rawValue)); a running server uses it within a second")
            case .unchanged, .ignoredStale: break
            case .refused(let why): throw CLIFailure("the credentials were saved but \(account.id) was not reactivated: \(why)")
            }
        case .paused:
            print("note: \(account.id) is paused and stays out of rotation; `switchboard accounts resume \(account.id)` puts it back")
        case .rateLimited(let resetsAt):
            print("note: \(account.id) is rate limited until \(Timestamp.string(resetsAt)); it comes back by itself")
        case .active: break
        }
    }
}
