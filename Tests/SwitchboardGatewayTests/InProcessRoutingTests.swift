import Foundation
import HTTPTypes
import Testing
import SwitchboardCore
import SwitchboardTestSupport

/// Routing, error envelopes, access rules, health and models through the gateway's router in-process:
/// no socket, because none of this is about one (the socket tests keep streaming, disconnects, upgrades
/// and hostile input).
struct InProcessRoutingTests {
    static let request = #"{"model":"gpt-5","input":"hi"}"#

    @Test func badInputGetsAnEnvelope() async throws {
        try await InProcessGateway.with(configure: { $0.maxBodyBytes = 1024 }) { g in
            let malformed = try await g.send(.post, "/v1/responses", body: "{not json")
            #expect(malformed.status == 400)
            #expect(malformed.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(malformed.json?["error"]?["type"] == "invalid_request_error")
            let wrongType = try await g.send(.post, "/v1/responses", body: #"{"model":5}"#)
            #expect(wrongType.status == 400)
            #expect(wrongType.json?["error"]?["param"] == "model")
            let notAnObject = try await g.send(.post, "/backend-api/codex/responses", body: "[]")
            #expect(notAnObject.status == 400)
            let large = try await g.send(.post, "/v1/responses", body: #"{"model":"gpt-5","input":""# + String(repeating: "x", count: 4096) + #""}"#)
            #expect(large.status == 413)
            #expect(large.json?["error"]?["code"] == "request_too_large")
            #expect(large.json?["error"]?["message"]?.stringValue?.contains("1024 bytes") == true)
        }
    }

    /// The 404 lists the API's routes (from the route table, not the operator's pages); a known path
    /// with the wrong method is a 405 naming the methods it takes.
    @Test func anUnknownPathListsTheRoutesAndAWrongMethodNamesTheAllowedOnes() async throws {
        try await InProcessGateway.with { g in
            let unknown = try await g.send(.get, "/v2/nothing")
            #expect(unknown.status == 404)
            #expect(unknown.json?["error"]?["code"] == "unknown_url")
            let help = try #require(unknown.json?["error"]?["message"]?.stringValue)
            for route in ["POST /v1/responses", "POST /v1/chat/completions", "GET /v1/models", "POST /backend-api/codex/responses", "GET /health"] {
                #expect(help.contains(route), "\(route) in \(help)")
            }
            #expect(!help.contains("/dashboard") && !help.contains("/metrics"))
            let wrongMethod = try await g.send(.get, "/v1/responses")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.json?["error"]?["code"] == "method_not_allowed")
            #expect(wrongMethod.json?["error"]?["message"]?.stringValue?.contains("allowed: POST") == true)
        }
    }

    @Test func healthAndModels() async throws {
        try await InProcessGateway.with { g in
            let alive = try await g.send(.get, "/health")
            #expect(alive.status == 200)
            #expect(alive.json?["status"] == "ok")
            let ready = try await g.send(.get, "/health/ready")
            #expect(ready.json?["status"] == "ready")
            #expect(ready.json?["active_accounts"]?.intValue == 1)
            let models = try await g.send(.get, "/v1/models")
            #expect(models.status == 200)
            #expect(models.json?["object"] == "list")
            #expect((models.json?["data"]?.arrayValue?.count ?? 0) > 0)
            let codex = try await g.send(.get, "/backend-api/codex/models")
            #expect(codex.json?["models"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test func withoutAnActiveAccountTheGatewayIsAliveButNotReady() async throws {
        try await InProcessGateway.with(emails: []) { g in
            #expect(try await g.send(.get, "/health").status == 200)
            let ready = try await g.send(.get, "/health/ready")
            #expect(ready.status == 503)
            #expect(ready.json?["status"] == "unavailable")
            #expect(ready.json?["reason"]?.stringValue?.isEmpty == false)
        }
    }

    /// The rule itself; `SecurityTests` covers keys created and revoked by the CLI while serving.
    @Test func withAKeyTheAPIRoutesNeedItAndTheProbesStayOpen() async throws {
        try await InProcessGateway.with(allowUnauthenticated: false) { g in
            let (key, _) = try g.store.createAPIKey(name: "ci")
            try g.gateway.access.reload()
            let missing = try await g.send(.get, "/v1/models")
            #expect(missing.status == 401)
            #expect(missing.json?["error"]?["code"] == "invalid_api_key")
            #expect(try await g.send(.get, "/v1/models", headers: [.authorization: "Bearer sb-wrong"]).status == 401)
            #expect(try await g.send(.get, "/v1/models", headers: [.authorization: "Bearer \(key)"]).status == 200)
            #expect(try await g.send(.get, "/metrics").status == 401)
            #expect(try await g.send(.get, "/metrics", headers: [.authorization: "Bearer \(key)"]).status == 200)
            #expect(try await g.send(.get, "/health").status == 200)
            #expect(try await g.send(.get, "/health/ready").status == 200)
        }
    }

    /// No keys: a client that is not on this machine (the in-process client has no loopback address)
    /// gets 403 `loopback_only`, saying how to create a key; the health probes stay open.
    @Test func withoutKeysAClientOffThisMachineIsRefusedWithHowToCreateAKey() async throws {
        try await InProcessGateway.with(allowUnauthenticated: false) { g in
            let refused = try await g.send(.post, "/v1/responses", body: Self.request)
            #expect(refused.status == 403)
            #expect(refused.json?["error"]?["code"] == "loopback_only")
            #expect(refused.json?["error"]?["message"]?.stringValue?.contains("switchboard keys create") == true)
            #expect(try await g.send(.get, "/health").status == 200)
        }
    }
}
