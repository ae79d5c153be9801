import Foundation
import Hummingbird
import SwitchboardChat
import SwitchboardCore

/// `POST /v1/chat/completions`, translated to the upstream Responses call and back.
struct ChatRoutes: Sendable {
    let proxy: ResponsesProxy
    let maxBodyBytes: Int

    func completions(_ request: Request, _ context: GatewayContext) async throws -> Response {
        throw GatewayError.notFound(request.uri.path)
    }
}
