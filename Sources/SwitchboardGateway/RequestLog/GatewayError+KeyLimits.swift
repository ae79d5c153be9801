import Foundation
import SwitchboardCore

extension GatewayError {
    /// A key used up one of its limits; `Retry-After` is the end of that limit's window.
    static func keyLimitReached(_ limitName: String, limit: Int, resetsAt: Date, now: Date) -> GatewayError {
        let seconds = max(1, Int(resetsAt.timeIntervalSince(now).rounded(.up)))
        return GatewayError(
            status: .tooManyRequests, type: "key_limit_reached", code: "key_limit_reached",
            message: "This API key reached its limit of \(limit) \(limitName). It resets in \(seconds) s (`switchboard keys limit` changes it).",
            extra: ["resets_at": .number(resetsAt.timeIntervalSince1970.rounded(.up)), "resets_in_seconds": .number(Double(seconds))],
            retryAfterSeconds: seconds)
    }

    static func modelNotAllowed(_ model: String, allowed: [String]) -> GatewayError {
        GatewayError(
            status: .forbidden, type: "invalid_request_error", code: "model_not_allowed",
            message: "This API key may not use model `\(model)`; it may use: \(allowed.joined(separator: ", ")).", param: "model")
    }

    /// The code the request log keeps for this error (the upstream's own when its body is passed through).
    var logCode: String? { code ?? envelope["error"]?["code"]?.stringValue ?? type }
}
