import Foundation
import SwitchboardCore
import SwitchboardUpstream

/// The device-code flow: show the verification URL and user code, poll at the server's interval
/// until the person has entered it (or the code expires), then exchange the authorization code.
struct DeviceLogin {
    let client: TokenClient
    /// Consecutive unreachable polls tolerated before giving up.
    var transportFailureLimit = 5

    func run() async throws -> TokenGrant {
        let device: DeviceCode
        do {
            device = try await client.startDeviceCode()
        } catch {
            throw CLIFailure("could not start a device-code login (\(LoginFailureText.describe(error, authBaseURL: client.authBaseURL))); nothing was written")
        }
        let lifetime = Duration.seconds(device.expiresIn ?? 900)
        let interval = Duration.seconds(max(1, device.interval))
        LoginWaiting.say("""
            On any device, open

              \(client.deviceVerificationURL)

            and enter the code  \(device.userCode)  (it expires in \(LoginWaiting.describe(lifetime))).
            Waiting for the login (checking every \(LoginWaiting.describe(interval)); Ctrl-C to cancel)…
            """)
        let deadline = ContinuousClock.now + lifetime
        var transportFailures = 0
        while true {
            try await Task.sleep(for: interval)
            let poll: DeviceCodePoll
            do {
                poll = try await client.pollDeviceCode(deviceAuthID: device.deviceAuthID, userCode: device.userCode)
            } catch {
                if LoginFailureText.saysExpired(error) { throw expired }
                if case .transport = error.outcome, transportFailures < transportFailureLimit {
                    transportFailures += 1
                    continue
                }
                throw CLIFailure("the device-code login failed (\(LoginFailureText.describe(error, authBaseURL: client.authBaseURL))); nothing was written")
            }
            transportFailures = 0
            switch poll {
            case .pending:
                if ContinuousClock.now >= deadline { throw expired }
            case .authorized(let code, let verifier):
                LoginWaiting.say("Code entered; exchanging it for tokens…")
                do {
                    return try await client.exchangeAuthorizationCode(code: code, codeVerifier: verifier, redirectURI: client.deviceRedirectURI)
                } catch {
                    throw CLIFailure("the auth server refused the device authorization (\(LoginFailureText.describe(error, authBaseURL: client.authBaseURL))); nothing was written")
                }
            }
        }
    }

    private var expired: CLIFailure {
        CLIFailure("the device code expired before the login was completed; nothing was written. Run `switchboard accounts login --device` again")
    }
}
