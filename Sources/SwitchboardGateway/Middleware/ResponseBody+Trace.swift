import Hummingbird
import Logging

extension ResponseBody {
    /// The same body; once it has been written (or writing it failed) the request's trace is finished:
    /// a stream's log line, request-log row and metrics are written when the stream ends, whatever route made it.
    func finishing(_ trace: RequestTrace, route: String, requestID: String, logger: Logger) -> ResponseBody {
        let body = self
        return ResponseBody(contentLength: contentLength) { writer in
            do {
                try await body.write(writer)
            } catch {
                trace.finish(route: route, status: trace.snapshot.streamStatus ?? 499, requestID: requestID, logger: logger)
                throw error
            }
            trace.finish(route: route, status: trace.snapshot.streamStatus ?? 200, requestID: requestID, logger: logger)
        }
    }
}
