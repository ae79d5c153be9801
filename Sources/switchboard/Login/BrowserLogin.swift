import Foundation
import SwitchboardCore
import SwitchboardUpstream

/// The browser flow (OAuth authorization code + PKCE S256): print the authorize URL, take the
/// redirect on the local listener (or pasted on stdin with `--no-browser`), exchange the code.
struct BrowserLogin {
    let client: TokenClient
    let callbackPort: Int
    let noBrowser: Bool
    let timeout: Duration

    static let scope = "openid profile email offline_access"

    func run() async throws -> TokenGrant {
        let pkce = PKCE.generate()
        let state = randomURLSafeString(byteCount: 32)
        let (code, redirectURI) = noBrowser ? try await pasted(pkce: pkce, state: state) : try await listened(pkce: pkce, state: state)
        LoginWaiting.say("Exchanging the authorization code…")
        do {
            return try await client.exchangeAuthorizationCode(code: code, codeVerifier: pkce.verifier, redirectURI: redirectURI)
        } catch {
            throw CLIFailure("the auth server refused the authorization code (\(LoginFailureText.describe(error, authBaseURL: client.authBaseURL))); nothing was written")
        }
    }

    /// `{auth}/oauth/authorize?…` for this login.
    func authorizeURL(redirectURI: String, pkce: PKCE, state: String) -> String {
        let parameters = [
            ("response_type", "code"), ("client_id", client.clientID), ("redirect_uri", redirectURI), ("scope", Self.scope),
            ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"),
            ("id_token_add_organizations", "true"), ("codex_cli_simplified_flow", "true"), ("state", state),
        ]
        let query = parameters.map { "\($0)=\(FormEncoding.percentEncode($1))" }.joined(separator: "&")
        let base = client.authBaseURL.hasSuffix("/") ? String(client.authBaseURL.dropLast()) : client.authBaseURL
        return base + "/oauth/authorize?" + query
    }

    /// Default: the one-shot listener on 127.0.0.1 takes the redirect.
    private func listened(pkce: PKCE, state: String) async throws -> (code: String, redirectURI: String) {
        let listener = try await CallbackListener.start(port: callbackPort, expectedState: state)
        let url = authorizeURL(redirectURI: listener.redirectURI, pkce: pkce, state: state)
        LoginWaiting.say("Open this URL in a browser on this machine and log in:\n\n  \(url)\n")
        if BrowserOpener.open(url) { LoginWaiting.say("(a browser was opened; if none appeared, open the URL yourself)") }
        LoginWaiting.say("Waiting for the callback on \(listener.redirectURI) (times out in \(LoginWaiting.describe(timeout)); Ctrl-C to cancel)…")
        let result: Result<String, CLIFailure>?
        do {
            result = try await LoginWaiting.withDeadline(timeout, timedOut: timedOut) { await listener.next() }
        } catch {
            await listener.stop()
            throw error
        }
        await listener.stop()
        guard let result else { throw CLIFailure("login cancelled; nothing was written") }
        return (try result.get(), listener.redirectURI)
    }

    /// `--no-browser`: the person opens the URL anywhere and pastes the address the browser was sent to.
    private func pasted(pkce: PKCE, state: String) async throws -> (code: String, redirectURI: String) {
        let redirectURI = "http://localhost:\(callbackPort)\(CallbackListener.path)"
        let url = authorizeURL(redirectURI: redirectURI, pkce: pkce, state: state)
        LoginWaiting.say("""
            Open this URL in a browser (on any machine) and log in:

              \(url)

            The browser then fails to load \(redirectURI)?code=…: copy that whole address from
            its address bar and paste it here (times out in \(LoginWaiting.describe(timeout)); Ctrl-C or end of input to cancel):
            """)
        let code = try await LoginWaiting.withDeadline(timeout, timedOut: timedOut) { () async throws -> String? in
            for await line in LoginWaiting.standardInputLines() {
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                guard let callback = AuthorizationCallback(pasted: line) else {
                    printError("that is not the callback address (expected …\(CallbackListener.path)?code=…&state=…); paste it again")
                    continue
                }
                return try callback.authorizationCode(expectedState: state)
            }
            return nil
        }
        guard let code else {
            throw CLIFailure("login cancelled: standard input ended before the callback address was pasted; nothing was written")
        }
        return (code, redirectURI)
    }

    private var timedOut: CLIFailure {
        CLIFailure("login timed out: no callback within \(LoginWaiting.describe(timeout)); nothing was written. Run `switchboard accounts login` again (or use --device)")
    }
}
