import Foundation
import Logging
import ServiceLifecycle
import SwitchboardGateway
import UnixSignals

/// On SIGHUP (`systemctl reload switchboard`), re-reads the environment file and the environment and applies
/// what can change under a running server: the log level and the alert webhook URL. Connections and open
/// streams are not touched; every other setting takes effect on the next start.
struct HangupReload: Service {
    let global: GlobalOptions
    let gateway: Gateway
    let logger: Logger

    init(global: GlobalOptions, gateway: Gateway, logger: Logger) {
        self.global = global
        self.gateway = gateway
        self.logger = logger
        // SIGHUP's default action ends the process: ignore it from now on, until the sequence below traps it.
        signal(SIGHUP, SIG_IGN)
    }

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                let configuration = try global.configuration()
                let level = LogSetup.level(named: configuration.logLevel)
                // Logged before the level changes, so that a stricter level does not hide it. The webhook URL may
                // hold a secret (chat webhooks often do): only whether one is set.
                logger.notice(
                    "configuration reloaded",
                    metadata: ["log_level": "\(level.rawValue)", "alert_webhook": "\(configuration.alertWebhookURL == nil ? "unset" : "set")"])
                LogSetup.level = level
                gateway.setAlertWebhookURL(configuration.alertWebhookURL)
            } catch {
                logger.error("reload failed; the previous settings stay", metadata: ["error": "\(error)"])
            }
        }
    }
}
