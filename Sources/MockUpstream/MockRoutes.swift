import Foundation
import Hummingbird

/// The mock's HTTP surface: auth server, backend and the `/_mock` control API, over one shared state.
struct MockRoutes: Sendable {
    let state: Locked<MockState>
    let configuration: MockUpstream.Configuration
    /// The models answer never changes, so it is encoded once.
    let modelsBody: String

    init(state: Locked<MockState>, configuration: MockUpstream.Configuration) {
        self.state = state
        self.configuration = configuration
        self.modelsBody = JSONText.encode(ModelCatalog(models: configuration.models.enumerated().map { $0.element.entry(priority: $0.offset) }))
    }

    /// A router with every route of the mock.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/oauth/token") { request, _ in try await self.token(request) }
        router.get("/oauth/authorize") { request, _ in self.authorize(request) }
        router.post("/api/accounts/deviceauth/usercode") { request, _ in try await self.deviceUserCode(request) }
        router.post("/api/accounts/deviceauth/token") { request, _ in try await self.deviceToken(request) }
        router.get("/codex/device") { request, _ in self.devicePage(request) }
        router.get("/backend-api/wham/usage") { request, _ in try await self.usage(request) }
        router.get("/backend-api/codex/models") { request, _ in self.models(request) }
        router.post("/backend-api/codex/responses") { request, _ in try await self.responses(request) }
        addControlRoutes(to: router)
        return router
    }
}
