import Foundation

/// The parts of an upstream error body the catalog reads. Tolerates HTML, empty and garbage bodies.
struct UpstreamErrorBody {
    let json: JSONValue?

    init(_ body: Data) {
        json = body.isEmpty ? nil : JSONValue(parsing: body)
    }

    /// The error object of a `response.failed` event, read like an HTTP error body.
    init(streamError error: JSONValue) {
        json = ["error": error]
    }

    var isJSON: Bool { json?.objectValue != nil }

    /// `error.code`, else `error` when it is a string, else `code`, else `error.type` (per upstream.md).
    var code: String? {
        guard let json else { return nil }
        if let code = json["error"]?["code"]?.stringValue, !code.isEmpty { return code }
        if let code = json["error"]?.stringValue, !code.isEmpty { return code }
        if let code = json["code"]?.stringValue, !code.isEmpty { return code }
        if let type = json["error"]?["type"]?.stringValue, !type.isEmpty { return type }
        return nil
    }

    var message: String? {
        json?["error"]?["message"]?.stringValue
            ?? json?["error_description"]?.stringValue
            ?? json?["message"]?.stringValue
            ?? json?["detail"]?.stringValue
    }

    /// True when any message in the body says the account has been deactivated.
    var saysAccountDeactivated: Bool {
        let texts = [message, json?["detail"]?.stringValue].compactMap { $0?.lowercased() }
        return texts.contains { $0.contains("account has been deactivated") }
    }

    /// `error.resets_at` (unix seconds), else now + `error.resets_in_seconds`.
    func resetsAt(now: Date) -> Date? {
        let error = json?["error"] ?? json
        if let at = error?["resets_at"]?.doubleValue, at > 0 { return Date(timeIntervalSince1970: at) }
        if let seconds = error?["resets_in_seconds"]?.doubleValue, seconds >= 0 { return now.addingTimeInterval(seconds) }
        return nil
    }
}
