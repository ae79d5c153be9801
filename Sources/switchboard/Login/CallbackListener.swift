import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The one-shot local HTTP listener on 127.0.0.1 that receives the browser's redirect to
/// `/auth/callback`. The first callback ends the login, accepted or refused; later ones are told so.
final class CallbackListener: Sendable {
    static let path = "/auth/callback"

    /// The port actually bound (the one asked for, or the one picked for port 0).
    let port: Int
    private let callbacks: AsyncStream<Result<String, CLIFailure>>
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// `http://localhost:PORT/auth/callback`, the redirect URI this listener serves.
    var redirectURI: String { "http://localhost:\(port)\(Self.path)" }

    private init(port: Int, callbacks: AsyncStream<Result<String, CLIFailure>>, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.callbacks = callbacks
        self.group = group
        self.task = task
    }

    /// Binds 127.0.0.1:`port` and serves until `stop`. A busy port is a `CLIFailure` naming it and `--callback-port`.
    static func start(port: Int, expectedState: String) async throws -> CallbackListener {
        var logger = Logger(label: "switchboard.login.callback")
        logger.logLevel = .critical
        let (callbacks, delivery) = AsyncStream<Result<String, CLIFailure>>.makeStream(bufferingPolicy: .bufferingOldest(1))
        let (bound, boundContinuation) = AsyncStream<Int>.makeStream()

        let router = Router()
        router.get(RouterPath(path)) { request, _ -> Response in
            let callback = AuthorizationCallback(query: request.uri.query ?? "")
            let result: Result<String, CLIFailure>
            do { result = .success(try callback.authorizationCode(expectedState: expectedState)) } catch { result = .failure(error as? CLIFailure ?? CLIFailure("\(error)")) }
            guard case .enqueued = delivery.yield(result) else {
                return page(409, "This login has already finished", "Return to the terminal; you can close this tab.")
            }
            delivery.finish()
            switch result {
            case .success: return page(200, "Logged in", "switchboard is saving the account; return to the terminal. You can close this tab.")
            case .failure(let failure): return page(400, "Login refused", failure.description)
            }
        }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: "switchboard-login"),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? port)
                boundContinuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: logger))
        let task = Task {
            defer { boundContinuation.finish() }
            try await group.run()
        }
        for await actual in bound {
            return CallbackListener(port: actual, callbacks: callbacks, group: group, task: task)
        }
        // The server ended before it listened.
        let reason: String
        switch await task.result {
        case .failure(let error): reason = "\(error)"
        case .success: reason = "the listener stopped before it was ready"
        }
        let alternatives = "pass --callback-port PORT (only with an auth server that redirects there), or log in with --device or --no-browser"
        if reason.contains("already in use") {
            throw CLIFailure("cannot listen on 127.0.0.1:\(port) for the login callback: the port is busy (another `switchboard accounts login` or the Codex CLI may be using it). Free it, \(alternatives)")
        }
        throw CLIFailure("cannot listen on 127.0.0.1:\(port) for the login callback (\(reason)); \(alternatives)")
    }

    /// The first callback: the authorization code, or why it was refused; nil when cancelled.
    func next() async -> Result<String, CLIFailure>? {
        for await result in callbacks { return result }
        return nil
    }

    /// Lets the answer to the browser go out, then stops listening (at most `grace` later).
    func stop(grace: Duration = .seconds(2)) async {
        await group.triggerGracefulShutdown()
        let task = self.task
        await withTaskGroup(of: Void.self) { waiting in
            waiting.addTask { _ = await task.result }
            waiting.addTask { try? await Task.sleep(for: grace) }
            _ = await waiting.next()
            task.cancel()
            waiting.cancelAll()
        }
    }

    private static func page(_ status: Int, _ title: String, _ text: String) -> Response {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>switchboard: \(escape(title))</title></head><body><h1>\(escape(title))</h1><p>\(escape(text))</p></body></html>"
        return Response(
            status: .init(code: status), headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
