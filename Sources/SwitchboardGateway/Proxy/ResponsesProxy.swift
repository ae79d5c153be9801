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
}

/// Opens a `/codex/responses` stream on some account: picks, gets a token, sends, and on a failure
/// before the first byte marks the account through `Lifecycle` and tries another (at most 3).
struct ResponsesProxy: Sendable {
    let pool: AccountPool
    let credentials: Credentials
    let client: ResponsesClient
    let logger: Logger

    func open(body: Data, headers: [HTTPHeader], stickyKey: String?, trace: RequestTrace) async throws(GatewayError) -> OpenedStream {
        var tried: Set<String> = []
        var lastProblem: String?
        for _ in 0..<Defaults.maxAttempts {
            guard let id = pool.balancer.pick(key: stickyKey, excluding: tried), let account = pool.account(id) else { break }
            tried.insert(id)
            trace.update { $0.account = id; $0.attempts += 1 }
            let failure: Failure
            do {
                var token = try await credentials.accessToken(for: id)
                var sentAt = ContinuousClock.now
                var answer = await send(body, headers, token, account)
                if case .failure(let rejection) = answer, rejection.failure == .unauthorized {
                    // One refresh (shared with any concurrent caller), one retry on the same account.
                    token = try await credentials.forceRefresh(for: id, after: token)
                    sentAt = ContinuousClock.now
                    answer = await send(body, headers, token, account)
                }
                GatewayMetrics.upstreamHead(after: ContinuousClock.now - sentAt)
                switch answer {
                case .success(let response): return OpenedStream(accountID: id, response: response, sentAt: sentAt)
                case .failure(let rejection):
                    if case .clientError(let status, _, _) = rejection.failure, case .http(_, let body) = rejection.outcome {
                        // The request itself is wrong: the client gets the upstream's own answer, no failover.
                        throw GatewayError.passthrough(status: status, body: body)
                    }
                    failure = rejection.failure
                }
            } catch let error as GatewayError {
                throw error
            } catch {
                lastProblem = "\(error)"
                GatewayMetrics.failover(reason: "credentials")
                continue
            }
            switch failure {
            case .unauthorized, .clientError:
                lastProblem = "the upstream rejected a freshly refreshed token"
                GatewayMetrics.failover(reason: "unauthorized")
            case .permanent, .rateLimited, .quotaExceeded, .transient:
                pool.record(.failed(failure, at: .responses, source: .responses, accessTokenValid: true), for: id)
                lastProblem = "\(failure)"
                GatewayMetrics.failover(reason: Self.reason(failure))
            }
            logger.debug("failing over", metadata: ["account": "\(id)", "failure": "\(failure)"])
        }
        if pool.balancer.selectableCount == 0 || tried.isEmpty { throw pool.emptyPoolError() }
        throw GatewayError.upstreamUnavailable(lastProblem ?? "no answer")
    }

    /// A failed answer: what it means, and what it was (the body is passed through on client errors).
    struct Rejection: Error {
        let failure: Failure
        let outcome: UpstreamOutcome
    }

    private func send(_ body: Data, _ headers: [HTTPHeader], _ token: String, _ account: Account) async -> Result<UpstreamResponse, Rejection> {
        do {
            return .success(try await client.stream(body: body, accessToken: token, accountID: account.chatgptAccountID, headers: headers))
        } catch {
            let failure = FailureCatalog.classify(error.outcome, from: .responses, now: Date()) ?? .transient(reason: "unexpected answer")
            return .failure(Rejection(failure: failure, outcome: error.outcome))
        }
    }

    static func reason(_ failure: Failure) -> String {
        switch failure {
        case .permanent: "permanent"
        case .rateLimited: "rate_limited"
        case .quotaExceeded: "quota_exceeded"
        case .transient: "transient"
        case .unauthorized: "unauthorized"
        case .clientError: "client_error"
        }
    }
}
