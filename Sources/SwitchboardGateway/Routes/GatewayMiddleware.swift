import Foundation
import Hummingbird
import Logging

/// Wraps every route: turns errors into OpenAI envelopes (404, 405, 413, 500 included) and writes the
/// request's log line and metrics for answers that are not streams (streams log when they end).
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    /// Known paths and their methods: 405 vs 404, and bounded metric labels.
    let routes: [String: Set<HTTPRequest.Method>]
    let access: ClientAccess
    let requestLog: RequestLog
    /// Routes open to anyone (liveness and readiness probes) or that apply the access rule themselves
    /// (the status page, which also takes its key from a cookie).
    static let open: Set<String> = ["/health", "/health/ready", "/", "/dashboard"]

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let route = routes[path] == nil ? "unknown" : path
        let response: Response
        let logged = RequestLog.unlogged.contains(path) ? nil : requestLog
        context.trace.update { $0.log = logged; $0.userAgent = request.headers[.userAgent] }
        do {
            try authorize(request, context)
            response = try await next(request, context)
        } catch {
            let gatewayError = Self.envelope(for: error, request: request, known: routes[path], logger: context.logger)
            context.trace.update { $0.errorCode = gatewayError.logCode }
            response = try gatewayError.response(from: request, context: context)
        }
        if !context.trace.snapshot.streaming {
            context.trace.finish(route: route, status: Int(response.status.code), requestID: context.id, logger: context.logger)
        }
        return response
    }

    private func authorize(_ request: Request, _ context: GatewayContext) throws(GatewayError) {
        guard !Self.open.contains(request.uri.path) else { return }
        let (verdict, keyID) = access.authenticate(authorization: request.headers[.authorization], remote: context.remoteAddress)
        switch verdict {
        case .allowed: context.trace.update { $0.keyID = keyID }
        case .missingOrInvalidKey: throw .invalidAPIKey()
        case .loopbackOnly: throw .loopbackOnly()
        }
    }

    static func envelope(for error: any Error, request: Request, known methods: Set<HTTPRequest.Method>?, logger: Logger) -> GatewayError {
        switch error {
        case let error as GatewayError:
            return error
        case let error as HTTPError where error.status == .notFound:
            if let methods = methods, !methods.contains(request.method) {
                var notAllowed = GatewayError.methodNotAllowed(request.method.rawValue, request.uri.path)
                notAllowed.message += " (allowed: \(methods.map(\.rawValue).sorted().joined(separator: ", ")))"
                return notAllowed
            }
            return .notFound(request.uri.path)
        case let error as HTTPError where error.status == .contentTooLarge:
            return .payloadTooLarge(limit: 0)
        case let error as HTTPError:
            return GatewayError(status: error.status, type: "invalid_request_error", code: nil, message: error.body ?? error.status.reasonPhrase)
        case let error where ParserRejectionHandler.rejection(error) != nil:
            // Broken framing in the body (bad chunk sizes, a body cut short): the client's fault, not ours.
            logger.debug("malformed request", metadata: ["error": "\(error)"])
            return .malformedRequest(ParserRejectionHandler.rejection(error)!)
        default:
            logger.error("unexpected error", metadata: ["error": "\(error)"])
            return GatewayError(status: .internalServerError, type: "server_error", code: "internal_error", message: "The gateway failed unexpectedly; see its log.")
        }
    }
}
