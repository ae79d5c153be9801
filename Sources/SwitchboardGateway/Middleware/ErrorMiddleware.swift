import Hummingbird
import Logging

/// Turns whatever a route or the access check threw into the OpenAI error envelope (404, 405, 413 and
/// 500 included): `GatewayError` renders every shape, this decides which error a foreign one is.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let routes: RouteTable
    let maxBodyBytes: Int

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let gatewayError = envelope(for: error, request: request, logger: context.logger)
            context.trace.update { $0.errorCode = gatewayError.logCode }
            return try gatewayError.response(from: request, context: context)
        }
    }

    func envelope(for error: any Error, request: Request, logger: Logger) -> GatewayError {
        switch error {
        case let error as GatewayError:
            return error
        case let error as HTTPError where error.status == .notFound:
            if let methods = routes.methods[request.uri.path], !methods.contains(request.method) {
                var notAllowed = GatewayError.methodNotAllowed(request.method.rawValue, request.uri.path)
                notAllowed.message += " (allowed: \(methods.map(\.rawValue).sorted().joined(separator: ", ")))"
                return notAllowed
            }
            return .notFound(request.uri.path, routes: routes.help)
        case let error as HTTPError where error.status == .contentTooLarge:
            return .payloadTooLarge(limit: maxBodyBytes)
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
