/// An upstream answer whose status and headers are in; the body streams through `body`.
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var headers: [HTTPHeader]
    /// The body as it comes off the socket. Dropping it unread cancels the transfer.
    public var body: UpstreamResponseBody

    public init(status: Int, headers: [HTTPHeader], body: UpstreamResponseBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
