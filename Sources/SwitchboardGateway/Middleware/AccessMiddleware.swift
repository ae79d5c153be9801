import Hummingbird

/// Who may use the gateway (`ClientAccess`): a known API key, or a loopback client when no keys exist.
/// The key's id goes on the trace (request log, per-key limits).
struct AccessMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let access: ClientAccess
    /// Routes open to anyone (liveness and readiness probes) or that apply the access rule themselves
    /// (the status page, which also takes its key from a cookie).
    static let open: Set<String> = ["/health", "/health/ready", "/", "/dashboard"]

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        if !Self.open.contains(request.uri.path) {
            let (verdict, keyID) = access.authenticate(authorization: request.headers[.authorization], remote: context.remoteAddress)
            switch verdict {
            case .allowed: context.trace.update { $0.keyID = keyID }
            case .missingOrInvalidKey: throw GatewayError.invalidAPIKey()
            case .loopbackOnly: throw GatewayError.loopbackOnly()
            }
        }
        return try await next(request, context)
    }
}
