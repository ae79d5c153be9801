import Foundation

/// One request to send upstream. Headers and body are never logged: they carry bearer tokens.
public struct UpstreamRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    public var timeouts: TimeoutPolicy

    public init(method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil, timeouts: TimeoutPolicy) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
    }

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: Data, timeouts: TimeoutPolicy) {
        self.init(method: method, url: url, headers: headers, body: [UInt8](body), timeouts: timeouts)
    }
}
