import Foundation
import Hummingbird

/// The `/_mock` control API: the in-process operations of `MockControl` as JSON over HTTP,
/// for shell scripts, the demo, the benchmark and conformance tests. Mutations answer 204;
/// an unknown account 404, a duplicate email 409, a body that does not decode 400. `{key}` is an
/// account's email, `chatgpt_account_id` or `chatgpt_user_id`.
///
/// - `GET  /_mock/health` → `{"status":"ok"}`
/// - `POST /_mock/accounts` `MockAccountSpec` → 201 Codex `auth.json`
/// - `GET  /_mock/accounts` → `{"accounts":[MockAccountSummary]}`
/// - `GET  /_mock/accounts/{key}` → `MockAccountSummary` (current tokens under `auth`)
/// - `GET  /_mock/accounts/{key}/counters` → `MockAccountCounters`
/// - `POST /_mock/accounts/{key}/script` `{"refresh"?:{"next"?:[B],"then"?:B},"usage"?:…,"responses"?:…}`
///   where B is `{"kind":…}` (see `RefreshBehaviour`, `UsageBehaviour`, `ResponsesBehaviour`); `next`
///   replaces the one-shot queue, `then` the sticky default
/// - `PUT  /_mock/accounts/{key}/usage` `MockUsageReport` (missing fields take their defaults)
/// - `PUT  /_mock/accounts/{key}/stream` `StreamShape`; `PUT /_mock/stream` sets it for every account without its own
/// - `POST /_mock/accounts/{key}/expire` → the account's access tokens answer 401 `token_expired` from now on
/// - `POST /_mock/login` `MockLoginPlan` → queues how the next device or browser login goes
/// - `GET  /_mock/counters` → `MockCountersReport`
/// - `GET  /_mock/responses/received` → `{"bodies":[…]}`: the last accepted `/codex/responses` bodies, oldest first
/// - `POST /_mock/counters/reset` → zeroes counters (open streams excepted); `POST /_mock/reset` → forgets everything
extension MockRoutes {
    /// The JSON body of `POST /_mock/accounts/{key}/script`.
    struct ScriptRequest: Codable {
        var refresh: ScriptUpdate<RefreshBehaviour>?
        var usage: ScriptUpdate<UsageBehaviour>?
        var responses: ScriptUpdate<ResponsesBehaviour>?
    }

    var control: MockControl { MockControl(state: state) }

    func addControlRoutes(to router: Router<BasicRequestContext>) {
        let mock = router.group("_mock")
        mock.get("health") { _, _ in Response.json(200, #"{"status":"ok"}"#) }
        mock.post("accounts") { request, _ in
            try await self.answer(request, MockAccountSpec.self, status: 201) { spec throws(MockUpstreamError) in
                try self.control.createAccount(spec)
            }
        }
        mock.get("accounts") { _, _ in Self.encoded(200, ["accounts": self.control.summaries()]) }
        mock.get("accounts/:key") { _, context in
            try self.answer { () throws(MockUpstreamError) in try self.control.summary(Self.key(context)) }
        }
        mock.get("accounts/:key/counters") { _, context in
            try self.answer { () throws(MockUpstreamError) in try self.control.summary(Self.key(context)).counters }
        }
        mock.post("accounts/:key/script") { request, context in
            try await self.answer(request, ScriptRequest.self) { (script) throws(MockUpstreamError) -> Empty? in
                try self.control.script(Self.key(context), refresh: script.refresh, usage: script.usage, responses: script.responses)
                return nil
            }
        }
        mock.put("accounts/:key/usage") { request, context in
            try await self.answer(request, MockUsageReport.self) { (report) throws(MockUpstreamError) -> Empty? in
                try self.control.setUsage(Self.key(context), report)
                return nil
            }
        }
        mock.put("accounts/:key/stream") { request, context in
            try await self.answer(request, StreamShape.self) { (shape) throws(MockUpstreamError) -> Empty? in
                try self.control.setStreamShape(shape, for: Self.key(context))
                return nil
            }
        }
        mock.post("accounts/:key/expire") { _, context in
            try self.answer { () throws(MockUpstreamError) -> Empty? in
                try self.control.expireAccessToken(Self.key(context))
                return nil
            }
        }
        mock.put("stream") { request, _ in
            try await self.answer(request, StreamShape.self) { (shape) throws(MockUpstreamError) -> Empty? in
                try self.control.setStreamShape(shape, for: nil)
                return nil
            }
        }
        mock.post("login") { request, _ in
            try await self.answer(request, MockLoginPlan.self) { (plan) throws(MockUpstreamError) -> Empty? in
                self.control.queueLogin(plan)
                return nil
            }
        }
        mock.get("counters") { _, _ in Self.encoded(200, self.control.counters()) }
        mock.get("responses/received") { _, _ in Self.encoded(200, ["bodies": self.control.receivedResponses()]) }
        mock.post("counters/reset") { _, _ in
            self.control.resetCounters()
            return Response.empty(204)
        }
        mock.post("reset") { _, _ in
            self.control.reset()
            return Response.empty(204)
        }
    }

    /// A placeholder result type for routes that answer 204.
    struct Empty: Encodable {}

    /// The account key from the path, percent-decoded.
    static func key(_ context: BasicRequestContext) -> String {
        let raw = context.parameters.get("key") ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// Decodes the body as `Input`, runs `body`, answers its result (nil: 204) or the error.
    func answer<Input: Decodable, Output: Encodable>(
        _ request: Request, _ input: Input.Type, status: Int = 200,
        _ body: (Input) throws(MockUpstreamError) -> Output?
    ) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        let decoded: Input
        do {
            decoded = try JSONDecoder().decode(Input.self, from: Data(buffer: buffer))
        } catch {
            return .json(400, JSONText.encode(["error": "invalid JSON for \(Input.self): \(error)"]))
        }
        do {
            return Self.encoded(status, try body(decoded))
        } catch {
            return Self.failure(error)
        }
    }

    /// Runs `body` and answers its result (nil: 204) or the error.
    func answer<Output: Encodable>(_ body: () throws(MockUpstreamError) -> Output?) throws -> Response {
        do {
            return Self.encoded(200, try body())
        } catch {
            return Self.failure(error)
        }
    }

    static func failure(_ error: MockUpstreamError) -> Response {
        switch error {
        case .unknownAccount: .json(404, JSONText.encode(["error": error.description]))
        case .duplicateEmail: .json(409, JSONText.encode(["error": error.description]))
        case .alreadyStarted, .notStarted: .json(500, JSONText.encode(["error": error.description]))
        }
    }

    /// `value` as JSON with `status`; nil is 204.
    static func encoded<Output: Encodable>(_ status: Int, _ value: Output?) -> Response {
        guard let value else { return .empty(204) }
        return .json(status, JSONText.encode(value))
    }
}
