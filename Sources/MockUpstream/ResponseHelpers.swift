import Hummingbird

extension Response {
    /// A JSON answer with `status`.
    static func json(_ status: Int, _ text: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An HTML answer with `status`.
    static func html(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/html; charset=UTF-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A plain-text answer with `status`.
    static func text(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `status` with no body at all.
    static func empty(_ status: Int) -> Response {
        Response(status: .init(code: status), headers: [.contentLength: "0"])
    }
}

/// Sleeps `milliseconds`; a cancelled request (the mock stopping) ends the sleep early by throwing.
func pause(milliseconds: Int) async throws {
    guard milliseconds > 0 else { return }
    try await Task.sleep(for: .milliseconds(milliseconds))
}

/// Sleeps until the task is cancelled, which happens when the mock stops.
func hangUntilStopped() async throws {
    while true { try await Task.sleep(for: .seconds(3600)) }
}
