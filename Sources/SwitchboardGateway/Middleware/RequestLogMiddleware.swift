import Hummingbird

/// Outermost: starts the request's trace and writes its log line, request-log row and metrics: once the
/// answer is made, or for a stream when the body it wraps has been written (`ResponseBody.finishing`).
/// The metric label is the matched route, or `unknown`, so labels stay bounded.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let routes: RouteTable
    let requestLog: RequestLog

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let logged = RequestLog.unlogged.contains(path) ? nil : requestLog
        context.trace.update { $0.log = logged; $0.userAgent = request.headers[.userAgent] }
        var response = try await next(request, context)
        let route = routes.methods[path] == nil ? "unknown" : path
        guard context.trace.snapshot.streaming else {
            context.trace.finish(route: route, status: Int(response.status.code), requestID: context.id, logger: context.logger)
            return response
        }
        response.body = response.body.finishing(context.trace, route: route, requestID: context.id, logger: context.logger)
        return response
    }
}
