import Foundation
import Logging
import SwitchboardCore
import SwitchboardUpstream

/// An upstream stream that answered 2xx, with the account it runs on.
struct OpenedStream: Sendable {
    let accountID: String
    let response: UpstreamResponse
    /// When the upstream request was sent.
    let sentAt: ContinuousClock.Instant
    /// The access token the stream runs on: a verdict read from its events belongs to it.
    let credential: ObservedCredential
}

/// Something that reads a whole event stream for a client that does not stream.
protocol StreamCollector {
    /// The parser for its stream: one that skips the events it does not read (keeping the terminal ones).
    static var parser: SSEParser { get }
    mutating func consume(_ events: [SSEEvent])
}

extension StreamCollector {
    static var parser: SSEParser { SSEParser() }
}

/// Opens a `/codex/responses` stream on some account: picks, gets a token, sends, and on a failure
/// before the first byte marks the account through `Lifecycle` and tries another (at most 3).
struct ResponsesProxy: Sendable {
    let pool: AccountPool
    let credentials: Credentials
    let client: ResponsesClient
    let turnStates: TurnStates
    let logger: Logger

    func open(body: Data, headers: [HTTPHeader], stickyKey: String?, trace: RequestTrace, excluding: Set<String> = []) async throws(GatewayError) -> OpenedStream {
        var tried = excluding
        var lastProblem: String?
        var retriedStale = false
        var attempts = 0
        var firstTried: String?
        while attempts < Defaults.maxAttempts, let id = pool.pick(key: stickyKey, excluding: tried), let account = pool.account(id) {
            attempts += 1
            if firstTried == nil { firstTried = id }
            let attemptHeaders = turnStates.headers(headers, for: id, firstTried: firstTried ?? id)
            trace.update { $0.account = id; $0.attempts += 1 }
            var sentAt = ContinuousClock.now
            let answer: AuthorizedAnswer<UpstreamResponse>
            do {
                answer = try await credentials.withAuthRetry(id, endpoint: .responses, source: .responses) { token throws(UpstreamCallError) in
                    sentAt = ContinuousClock.now
                    return try await client.stream(body: body, accessToken: token, accountID: account.chatgptAccountID, headers: attemptHeaders)
                }
            } catch {
                tried.insert(id)
                lastProblem = "\(error)"
                GatewayMetrics.failover(reason: "credentials")
                continue
            }
            GatewayMetrics.upstreamHead(after: ContinuousClock.now - sentAt)
            let rejection: Rejection
            switch answer.result {
            case .success(let response):
                pool.served(id)
                turnStates.record(response, account: id)
                return OpenedStream(accountID: id, response: response, sentAt: sentAt, credential: answer.token.credential)
            case .failure(let failed):
                rejection = failed
            }
            if case .clientError(let status, _, _) = rejection.failure, case .http(_, let body) = rejection.outcome {
                // The request itself is wrong: the client gets the upstream's own answer, no failover.
                throw GatewayError.passthrough(status: status, body: body)
            }
            let decision = pool.record(.failed(rejection.failure, at: .responses, source: .responses, accessTokenValid: true, observedWith: answer.token.credential), for: id)
            if case .ignoredStale = decision, !retriedStale {
                // The attempt ran on credentials replaced meanwhile: once more on the same account with the current ones.
                retriedStale = true
                attempts -= 1
                continue
            }
            tried.insert(id)
            lastProblem = "\(rejection.failure)"
            GatewayMetrics.failover(reason: rejection.failure.label)
            logger.debug("failing over", metadata: ["account": "\(id)", "failure": "\(rejection.failure)"])
        }
        if pool.selectableCount == 0 || tried.count == excluding.count { throw pool.emptyPoolError() }
        throw GatewayError.upstreamUnavailable(lastProblem ?? "no answer")
    }

    /// Opens and reads a whole stream for a client that does not stream. A stream that ends in a usage
    /// limit, a spent quota or a dead account fails over like an HTTP 429 would: nothing was sent yet.
    func collect<Collector: StreamCollector>(
        body: Data, headers: [HTTPHeader], stickyKey: String?, trace: RequestTrace, _ make: () -> Collector
    ) async throws(GatewayError) -> (Collector, StreamEnd) {
        var excluded: Set<String> = []
        while true {
            let opened = try await open(body: body, headers: headers, stickyKey: stickyKey, trace: trace, excluding: excluded)
            var collector = make()
            let end = await UpstreamEvents(opened: opened, pool: pool, trace: trace).events(parser: Collector.parser) { collector.consume($0) }
            if case .failed(_, let failure) = end, failure.movesOn, excluded.count + 1 < Defaults.maxAttempts {
                excluded.insert(opened.accountID)
                GatewayMetrics.failover(reason: failure.label)
                continue
            }
            return (collector, end)
        }
    }
}

extension Failure {
    /// A failure about the account, not the request: another account may serve it.
    var movesOn: Bool {
        switch self {
        case .rateLimited, .quotaExceeded, .permanent: true
        case .transient, .unauthorized, .rejectedFreshToken, .clientError: false
        }
    }
}
