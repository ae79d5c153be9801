import Foundation
import Logging
import Synchronization
import SwitchboardCore
import SwitchboardUpstream

/// Tells the operator about a deactivation: one warning, and one webhook call when configured.
/// It is called once per transition, and `Lifecycle` makes a deactivation one transition per episode.
public struct Alerter: Sendable {
    let logger: Logger
    let transport: any HTTPTransport
    /// Shared by every copy, so a reload (SIGHUP) reaches the pool's alerter.
    private let webhook: Webhook

    public init(logger: Logger, webhookURL: String?, transport: any HTTPTransport) {
        self.logger = logger
        self.webhook = Webhook(url: webhookURL)
        self.transport = transport
    }

    var webhookURL: String? { webhook.url.withLock { $0 } }

    /// Points later alerts at another webhook (nil: log only).
    func setWebhookURL(_ url: String?) { webhook.url.withLock { $0 = url } }

    private final class Webhook: Sendable {
        let url: Mutex<String?>
        init(url: String?) { self.url = Mutex(url) }
    }

    func deactivated(_ account: Account, _ transition: Transition) {
        let fix = "log in again, `switchboard accounts import FILE`, then `switchboard accounts reactivate \(account.id)`"
        logger.warning(
            "account deactivated",
            metadata: [
                "account": "\(account.id)", "email": "\(account.email ?? "-")", "code": "\(transition.code ?? "-")",
                "cause": "\(transition.cause.rawValue)", "credential": "\(account.tokens.fingerprint.short)", "fix": "\(fix)",
            ])
        guard let webhookURL else { return }
        let event: JSONValue = [
            "event": "account_deactivated", "account_id": .string(account.id), "email": account.email.map(JSONValue.string) ?? .null,
            "code": transition.code.map(JSONValue.string) ?? .null, "cause": .string(transition.cause.rawValue),
            "reason": .string(transition.detail), "fix": .string(fix),
            "at": .string(Timestamp.string(Date())),
        ]
        let request = UpstreamRequest(
            method: "POST", url: webhookURL, headers: [HTTPHeader("Content-Type", "application/json")],
            body: event.encoded(), timeouts: .total(.seconds(10)))
        let transport = transport
        let logger = logger
        Task {
            if case .transport(let kind, _) = await transport.outcome(of: request) {
                logger.error("alert webhook failed", metadata: ["error": "\(kind.rawValue)"])
            }
        }
    }
}
