import Foundation
import SwitchboardCore
import SwitchboardUpstream

/// A failed upstream answer: what it means, and what it was (a client error's body is passed through).
struct Rejection: Error {
    let failure: Failure
    let outcome: UpstreamOutcome
}

/// The answer to an upstream call made with an account's access token, and the token it was made with
/// (the credential any verdict on the answer belongs to).
struct AuthorizedAnswer<Value: Sendable>: Sendable {
    let result: Result<Value, Rejection>
    let token: Credentials.Token
}

extension Credentials {
    /// Calls `endpoint` with the account's access token under the one 401 rule: a 401 on a token that
    /// may be stale costs one refresh (shared with concurrent callers) and one retry; a 401 on a fresh
    /// token is classified as such (a permanent code deactivates, anything else cools the account down).
    func withAuthRetry<Value: Sendable>(
        _ id: String, endpoint: UpstreamEndpoint, source: EventSource,
        _ call: (String) async throws(UpstreamCallError) -> Value
    ) async throws(Unusable) -> AuthorizedAnswer<Value> {
        var token = try await accessToken(for: id, source: source)
        var result = await attempt(call, token, endpoint, tokenIsFresh: false)
        if case .failure(let rejection) = result, rejection.failure == .unauthorized {
            if let renewed = try await forceRefresh(for: id, after: token, source: source) {
                token = renewed
                result = await attempt(call, token, endpoint, tokenIsFresh: true)
            } else {
                result = .failure(Rejection(failure: FailureCatalog.classify(rejection.outcome, from: endpoint, tokenIsFresh: true, now: pool.clock.now), outcome: rejection.outcome))
            }
        }
        return AuthorizedAnswer(result: result, token: token)
    }

    private func attempt<Value>(
        _ call: (String) async throws(UpstreamCallError) -> Value, _ token: Token, _ endpoint: UpstreamEndpoint, tokenIsFresh: Bool
    ) async -> Result<Value, Rejection> {
        do {
            return .success(try await call(token.value))
        } catch {
            return .failure(Rejection(failure: FailureCatalog.classify(error.outcome, from: endpoint, tokenIsFresh: tokenIsFresh, now: pool.clock.now), outcome: error.outcome))
        }
    }
}
