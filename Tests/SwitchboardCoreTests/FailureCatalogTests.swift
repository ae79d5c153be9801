import Foundation
import Testing
@testable import SwitchboardCore

@Suite struct FailureCatalogTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func classify(_ status: Int, _ body: String, _ endpoint: UpstreamEndpoint = .token, fresh: Bool = false) -> Failure {
        FailureCatalog.classify(.http(status: status, body: Data(body.utf8)), from: endpoint, tokenIsFresh: fresh, now: now)
    }

    @Test func theSetHoldsExactlyTheFifteenDocumentedCodesIncludingTokenExpired() {
        #expect(FailureCatalog.permanentCodes.count == 15)
        #expect(FailureCatalog.permanentCodes.contains("token_expired"))
    }

    @Test(arguments: FailureCatalog.permanentCodes.sorted())
    func everyPermanentCodeIsPermanentOnTheTokenEndpointInEachBodyShape(code: String) {
        #expect(classify(400, #"{"error":{"code":"\#(code)","message":"m"}}"#) == .permanent(code: code, message: "m"))
        #expect(classify(401, #"{"error":"\#(code)","error_description":"d"}"#) == .permanent(code: code, message: "d"))
        #expect(classify(400, #"{"code":"\#(code)","message":"x"}"#) == .permanent(code: code, message: "x"))
    }

    @Test(arguments: FailureCatalog.permanentCodes.sorted())
    func everyPermanentCodeIsPermanentOnTheUsageEndpointToo(code: String) {
        #expect(classify(403, #"{"error":{"code":"\#(code)","message":"m"}}"#, .usage) == .permanent(code: code, message: "m"))
    }

    @Test(arguments: [
        (403, "<html><body>Just a moment...</body></html>"),
        (403, ""),
        (400, "garbage{"),
        (500, #"{"error":{"code":"invalid_grant"}}"#),
        (502, "<html>bad gateway</html>"),
        (503, ""),
        (429, #"{"error":"slow down"}"#),
        (400, #"{"error":{"code":"invalid_request","message":"m"}}"#),
    ])
    func unstructuredOrServerFailuresOfTheTokenEndpointAreTransient(status: Int, body: String) {
        guard case .transient = classify(status, body) else {
            Issue.record("\(status) \(body) should be transient, got \(String(describing: classify(status, body)))")
            return
        }
    }

    @Test func theClassifierIsTotalAnUnusable2xxIsTransient() {
        #expect(classify(200, "<html>captive portal</html>") == .transient(reason: "HTTP 200 with an answer that could not be read"))
        #expect(classify(200, #"{"no_access_token":"x"}"#) == .transient(reason: "HTTP 200 with an answer that could not be read"))
    }

    @Test func transportFailuresAreTransient() {
        for kind in TransportFailureKind.allCases {
            #expect(FailureCatalog.classify(.transport(kind, detail: "d"), from: .token, now: now) == .transient(reason: "\(kind.rawValue): d"))
        }
    }

    @Test func usage402And404ArePermanentAnd403IsNot() {
        #expect(classify(402, "", .usage) == .permanent(code: "usage_payment_required", message: "usage endpoint answered HTTP 402"))
        #expect(classify(404, "{}", .usage) == .permanent(code: "usage_not_found", message: "usage endpoint answered HTTP 404"))
        #expect(classify(403, "<html>forbidden</html>", .usage) == .transient(reason: "HTTP 403 without a JSON error"))
        #expect(classify(403, "{}", .usage) == .transient(reason: "HTTP 403"))
    }

    @Test func aBodySayingTheAccountHasBeenDeactivatedIsPermanent() {
        #expect(classify(403, #"{"detail":"Your OpenAI account has been deactivated, please check your email"}"#, .usage)
            == .permanent(code: "account_deactivated", message: "Your OpenAI account has been deactivated, please check your email"))
    }

    @Test func a401OnBearerEndpointsMeansRefreshOnceNotDead() {
        #expect(classify(401, #"{"error":{"code":"token_expired"}}"#, .responses) == .unauthorized)
        #expect(classify(401, #"{"error":{"code":"account_deactivated"}}"#, .responses) == .unauthorized)
        #expect(classify(401, "", .usage) == .unauthorized)
        #expect(classify(401, #"{"error":{"code":"token_expired","message":"m"}}"#, .token) == .permanent(code: "token_expired", message: "m"))
    }

    @Test func a401ThatSurvivesAFreshTokenIsPermanentWithACodeOrTheDeactivatedTextAndCoolingOtherwise() {
        #expect(classify(401, #"{"error":{"code":"account_deactivated","message":"gone"}}"#, .responses, fresh: true) == .permanent(code: "account_deactivated", message: "gone"))
        #expect(classify(401, #"{"detail":"Your OpenAI account has been deactivated"}"#, .usage, fresh: true)
            == .permanent(code: "account_deactivated", message: "Your OpenAI account has been deactivated"))
        #expect(classify(401, #"{"detail":"Unauthorized"}"#, .responses, fresh: true) == .rejectedFreshToken(reason: "HTTP 401 after a fresh token: Unauthorized"))
        #expect(classify(401, "", .usage, fresh: true) == .rejectedFreshToken(reason: "HTTP 401 after a fresh token"))
    }

    @Test func theTokenEndpointsRateLimitsAndQuotaCodesAreTransientNeverAUsageLimit() {
        #expect(classify(429, #"{"error":{"code":"rate_limit_exceeded"}}"#) == .transient(reason: "HTTP 429 (rate_limit_exceeded)"))
        #expect(classify(429, "") == .transient(reason: "HTTP 429"))
        #expect(classify(400, #"{"error":{"code":"usage_limit_reached"}}"#) == .transient(reason: "HTTP 400 (usage_limit_reached)"))
        #expect(classify(403, #"{"error":{"code":"insufficient_quota"}}"#) == .transient(reason: "HTTP 403 (insufficient_quota)"))
    }

    @Test func streamFailuresAreClassifiedByTheirOwnFunction() {
        #expect(FailureCatalog.classify(streamError: ["code": "usage_limit_reached", "resets_in_seconds": 30], now: now) == .rateLimited(resetsAt: now.addingTimeInterval(30)))
        #expect(FailureCatalog.classify(streamError: ["code": "insufficient_quota"], now: now) == .quotaExceeded(resetsAt: nil))
        #expect(FailureCatalog.classify(streamError: ["code": "account_deactivated", "message": "m"], now: now) == .permanent(code: "account_deactivated", message: "m"))
        #expect(FailureCatalog.classify(streamError: ["code": "server_error"], now: now) == .transient(reason: "response.failed (server_error)"))
    }

    @Test func usageLimitCarriesTheResetFromResetsAtThenResetsInSeconds() {
        let at = #"{"error":{"type":"usage_limit_reached","code":"usage_limit_reached","resets_at":1800000500,"resets_in_seconds":99}}"#
        #expect(classify(429, at, .responses) == .rateLimited(resetsAt: Date(timeIntervalSince1970: 1_800_000_500)))
        let inSeconds = #"{"error":{"type":"usage_limit_reached","resets_in_seconds":120}}"#
        #expect(classify(429, inSeconds, .responses) == .rateLimited(resetsAt: now.addingTimeInterval(120)))
        #expect(classify(429, #"{"error":{"code":"rate_limit_exceeded"}}"#, .responses) == .rateLimited(resetsAt: nil))
        #expect(classify(429, "", .responses) == .rateLimited(resetsAt: nil))
    }

    @Test(arguments: ["insufficient_quota", "usage_not_included", "quota_exceeded"])
    func quotaCodesMeanQuotaExceeded(code: String) {
        #expect(classify(429, #"{"error":{"code":"\#(code)","resets_in_seconds":60}}"#, .responses) == .quotaExceeded(resetsAt: now.addingTimeInterval(60)))
    }

    @Test func responsesRequestErrorsAreTheClientsAndCloudflareIsTransient() {
        #expect(classify(400, #"{"error":{"type":"invalid_request_error","message":"Unsupported parameter: temperature"}}"#, .responses)
            == .clientError(status: 400, code: "invalid_request_error", message: "Unsupported parameter: temperature"))
        #expect(classify(403, "<html>cf</html>", .responses) == .transient(reason: "HTTP 403 without a JSON error"))
        #expect(classify(500, "{}", .responses) == .transient(reason: "HTTP 500"))
    }
}
