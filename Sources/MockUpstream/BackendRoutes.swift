import Foundation
import Hummingbird

/// `GET /backend-api/wham/usage` and `GET /backend-api/codex/models`, plus the bearer check they share with responses.
extension MockRoutes {
    func usage(_ request: Request) async throws -> Response {
        let now = Date()
        let answer = state.withLock { state -> Result<(UsageBehaviour, MockAccount), DeniedBearer> in
            let check = state.authenticate(
                authorization: request.headers[.authorization], accountHeader: request.headers[.chatGPTAccountID],
                counter: \.usageCalls, now: now
            )
            guard case .valid(let index) = check else { return .failure(DeniedBearer(check: check)) }
            return .success((state.accounts[index].usageScript.next(), state.accounts[index]))
        }
        let (behaviour, account): (UsageBehaviour, MockAccount)
        switch answer {
        case .success(let found): (behaviour, account) = found
        case .failure(let denied): return denied.response
        }
        switch behaviour {
        case .ok:
            return .json(200, usageBody(account, now: now))
        case .slow(let milliseconds):
            try await pause(milliseconds: milliseconds)
            return .json(200, usageBody(account, now: Date()))
        case .status(let status):
            return .json(status, Self.usageErrorBody(status))
        case .htmlForbidden:
            return .html(403, MockErrorBody.cloudflareForbidden)
        case .deactivated(let status):
            return .json(status, MockErrorBody.deactivatedAccount)
        }
    }

    func models(_ request: Request) -> Response {
        let check = state.withLock {
            $0.authenticate(
                authorization: request.headers[.authorization], accountHeader: request.headers[.chatGPTAccountID],
                counter: \.modelsCalls, now: Date()
            )
        }
        guard case .valid = check else { return DeniedBearer(check: check).response }
        // The catalog depends on the client's version; its tag names the version so tests can see it arrived.
        let version = request.uri.queryParameters["client_version"].map(String.init) ?? "none"
        let etag = "\"catalog-\(version)\""
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: [.eTag: etag]) }
        var response = Response.json(200, modelsBody)
        response.headers[.eTag] = etag
        return response
    }

    /// The 200 body of `/wham/usage` for `account`.
    private func usageBody(_ account: MockAccount, now: Date) -> String {
        let report = account.usage
        let nowSeconds = Int(now.timeIntervalSince1970)
        func window(_ used: Double, _ length: Int, _ resetAfter: Int) -> UsageBody.Window {
            UsageBody.Window(usedPercent: used, limitWindowSeconds: length, resetAfterSeconds: resetAfter, resetAt: nowSeconds + resetAfter)
        }
        let limitReached = max(report.primaryUsedPercent, report.secondaryUsedPercent) >= 100
        return JSONText.encode(UsageBody(
            planType: account.plan,
            rateLimit: UsageBody.RateLimit(
                allowed: !limitReached, limitReached: limitReached,
                primaryWindow: window(report.primaryUsedPercent, report.primaryWindowSeconds, report.primaryResetAfterSeconds),
                secondaryWindow: window(report.secondaryUsedPercent, report.secondaryWindowSeconds, report.secondaryResetAfterSeconds)),
            credits: UsageBody.Credits()))
    }

    /// The 200 body of `/wham/usage`.
    private struct UsageBody: Encodable {
        struct Window: Encodable {
            let usedPercent: Double
            let limitWindowSeconds: Int
            let resetAfterSeconds: Int
            let resetAt: Int
        }

        struct RateLimit: Encodable {
            let allowed: Bool
            let limitReached: Bool
            let primaryWindow: Window
            let secondaryWindow: Window
        }

        struct Credits: Encodable {
            var hasCredits = false
            var unlimited = false
            var balance = "0"
        }

        let planType: String
        let rateLimit: RateLimit
        let credits: Credits
    }

    /// What the backend sends with each usage error status.
    static func usageErrorBody(_ status: Int) -> String {
        switch status {
        case 401: MockErrorBody.expiredAccessToken
        case 402: MockErrorBody.detailCode("deactivated_workspace")
        case 404: MockErrorBody.detail("Not Found")
        case 429: MockErrorBody.apiError(type: "rate_limit_exceeded", code: "rate_limit_exceeded", message: "Too many requests.")
        case 500...: MockErrorBody.detail("Internal Server Error")
        default: MockErrorBody.detail("Request failed with status \(status).")
        }
    }
}

/// A bearer check that failed, and the answer the backend gives for it.
struct DeniedBearer: Error {
    let check: MockState.BearerCheck

    var response: Response {
        switch check {
        case .expired: .json(401, MockErrorBody.expiredAccessToken)
        case .rotatedAway, .unknown, .valid: .json(401, MockErrorBody.invalidatedAccessToken)
        case .wrongAccount: .json(403, MockErrorBody.detail("chatgpt-account-id is missing or does not match the access token."))
        }
    }
}
