import Foundation
import SwitchboardCore

/// Plumbing the typed clients share.
enum UpstreamCall {
    /// `base` + `path`, with exactly one slash between them.
    static func url(_ base: String, _ path: String) -> String {
        var base = Substring(base)
        while base.hasSuffix("/") { base = base.dropLast() }
        return path.hasPrefix("/") ? base + path : base + "/" + path
    }

    /// The two headers every bearer endpoint wants.
    static func authHeaders(accessToken: String, accountID: String?) -> [HTTPHeader] {
        var headers = [HTTPHeader("Authorization", "Bearer \(accessToken)")]
        if let accountID, !accountID.isEmpty { headers.append(HTTPHeader("chatgpt-account-id", accountID)) }
        return headers
    }

    /// Sends a small request and returns the status and body of a 2xx answer; anything else
    /// (transport failure or other status) is thrown as the raw outcome.
    static func success(_ request: UpstreamRequest, on transport: any HTTPTransport, maxBodyBytes: Int) async throws(UpstreamCallError) -> (status: Int, body: Data) {
        let outcome = await transport.outcome(of: request, maxBodyBytes: maxBodyBytes)
        guard case .http(let status, let body) = outcome, (200..<300).contains(status) else { throw UpstreamCallError(outcome) }
        return (status, body)
    }

    /// The body of a 2xx answer as a JSON object; a 2xx that is not one is itself the failure.
    static func jsonObject(status: Int, body: Data) throws(UpstreamCallError) -> JSONValue {
        guard let json = JSONValue(parsing: body), json.objectValue != nil else {
            throw UpstreamCallError(.http(status: status, body: body))
        }
        return json
    }

    static func jsonBody(_ object: [String: JSONValue]) -> [UInt8] {
        JSONValue.object(object).encodedBytes()
    }
}

extension JSONValue {
    /// An integer sent either as a number or as a numeric string (the auth server does both).
    var lenientInt: Int? {
        intValue ?? stringValue.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// A number sent either as a number or as a numeric string.
    var lenientDouble: Double? {
        doubleValue ?? stringValue.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// A non-empty string value.
    var nonEmptyString: String? {
        stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }
}
