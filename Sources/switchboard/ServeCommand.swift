import ArgumentParser
import Foundation
import Logging
import SwitchboardCore
import SwitchboardGateway
import SwitchboardStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway.",
        discussion: """
            Environment: SWITCHBOARD_HOST, _PORT, _DATA_DIR, _DATABASE_URL, _UPSTREAM_BASE_URL, _AUTH_BASE_URL, _USAGE_INTERVAL, \
            _AUTH_RETRY_INTERVAL, _AUTH_RETRY_CEILING, _MAX_BODY_BYTES, _LOG_LEVEL, _LOG_FORMAT (text|json), \
            _ALERT_WEBHOOK_URL, _ENCRYPTION_KEY (see the README). SIGTERM/SIGINT: stop accepting, let open streams \
            finish (30 s), exit 0. SIGHUP: re-read the --env-file and the environment and apply the log level and \
            the alert webhook URL.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Address to listen on (env SWITCHBOARD_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env SWITCHBOARD_PORT, default 2455).") var port: Int?
    @Flag(help: "Serve clients on other machines even though no API key exists (not recommended).") var allowUnauthenticated = false

    func run() async throws {
        MallocArenas.limitToOnePerCore()
        var configuration = try global.configuration()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        LogSetup.bootstrap(format: configuration.logFormat, level: configuration.logLevel)
        let logger = Logger(label: "switchboard")
        logger.info("switchboard \(BuildVersion.text) starting", metadata: ["version": "\(BuildVersion.text)", "pid": "\(getpid())"])
        let store = try global.openStore()
        let gateway = try Gateway(configuration: configuration, store: store, allowUnauthenticated: allowUnauthenticated, version: BuildVersion.text, logger: logger)
        if !ClientAccess.isLoopbackHost(configuration.host), !gateway.access.hasKeys, !allowUnauthenticated {
            throw CLIFailure("refusing to listen on \(configuration.host) without API keys: anyone who can reach it could use your accounts. Create a key (`switchboard keys create`) or pass --allow-unauthenticated")
        }
        logger.info(
            "switchboard listening",
            metadata: [
                "address": "http://\(configuration.host):\(configuration.port)", "data_dir": "\(configuration.dataDirectory)",
                "upstream": "\(configuration.upstreamBaseURL)", "accounts": "\(gateway.pool.all.count)",
            ])
        try await gateway.run(additional: [HangupReload(global: global, gateway: gateway, logger: logger)])
    }
}
