import Hummingbird

/// One route of the gateway: the one place that names its method and path. The router, the 404/405
/// answers, the metric labels and the 404's list of routes all come from the table.
struct GatewayRoute: Sendable {
    let method: HTTPRequest.Method
    let path: String
    /// Listed in the 404 help (the API a client may be looking for; not the operator's pages).
    let listed: Bool
    let handler: @Sendable (Request, GatewayContext) async throws -> Response

    init(_ method: HTTPRequest.Method, _ path: String, listed: Bool = true, _ handler: @escaping @Sendable (Request, GatewayContext) async throws -> Response) {
        self.method = method
        self.path = path
        self.listed = listed
        self.handler = handler
    }
}

/// The routes, as the middleware needs them: the methods of each known path, and the 404 help.
struct RouteTable: Sendable {
    let methods: [String: Set<HTTPRequest.Method>]
    /// "POST /v1/responses, GET /v1/models, …" in the table's order.
    let help: String

    init(_ routes: [GatewayRoute]) {
        methods = Dictionary(routes.map { ($0.path, [$0.method]) }, uniquingKeysWith: { $0.union($1) })
        help = routes.filter(\.listed).map { "\($0.method.rawValue) \($0.path)" }.joined(separator: ", ")
    }
}

extension Router where Context == GatewayContext {
    func add(_ routes: [GatewayRoute]) {
        for route in routes { on(RouterPath(route.path), method: route.method, use: route.handler) }
    }
}
