import Foundation
import SwitchboardStore

extension RequestTrace {
    /// The request-log row of a finished HTTP request.
    static func entry(_ fields: Fields, route: String, status: Int, requestID: String, duration: Duration) -> RequestLogEntry {
        RequestLogEntry(
            at: Date(timeIntervalSinceNow: -duration.inSeconds), requestID: requestID, route: route, transport: fields.transport,
            keyID: fields.keyID, accountID: fields.account, model: fields.model, status: status, errorCode: fields.errorCode,
            attempts: fields.attempts, inputTokens: fields.inputTokens, cachedTokens: fields.cachedTokens,
            outputTokens: fields.outputTokens, reasoningTokens: fields.reasoningTokens,
            ttfbMilliseconds: fields.timeToFirstByte.map { $0.inSeconds * 1000 }, durationMilliseconds: duration.inSeconds * 1000,
            userAgent: fields.userAgent.map { String($0.prefix(200)) })
    }
}

extension Duration {
    /// Whole and fractional seconds.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
