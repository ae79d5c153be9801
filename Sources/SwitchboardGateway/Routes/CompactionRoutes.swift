import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardUpstream

/// Compaction v1 (`POST …/responses/compact`, older Codex CLIs): the upstream retired that route, so
/// the body goes up as a v2 compaction (a `/responses` stream whose last input item is
/// `compaction_trigger`) and the answer is `{"output":[…]}`: the kept messages, then the one compaction item.
struct CompactionRoutes: Sendable {
    let proxy: ResponsesProxy
    let maxBodyBytes: Int

    func compact(_ request: Request, _ context: GatewayContext) async throws -> Response {
        guard let json = JSONValue(parsing: try await RequestBody.read(request, limit: maxBodyBytes)), let object = json.objectValue else {
            throw GatewayError.badRequest("The request body is not a JSON object.")
        }
        let input = ResponsesRequest.inputItems(object["input"])
        let key = ForwardedHeaders.stickyKey(headers: request.headers, promptCacheKey: object["prompt_cache_key"]?.stringValue)
        let opened = try await proxy.open(body: Compaction.upstreamBody(object), headers: ForwardedHeaders.upstream(from: request.headers), stickyKey: key, trace: context.trace)
        var collector = ResponseCollector()
        let end = await UpstreamEvents(opened: opened, pool: proxy.pool, trace: context.trace).events { collector.consume($0) }
        let output = try collector.result(for: end)["output"]?.arrayValue ?? []
        return JSONResponse.ok(["output": .array(try Compaction.legacyOutput(input: input, output: output))])
    }
}

/// The rules of compaction (docs/upstream.md, "Compaction").
enum Compaction {
    static let trigger: JSONValue = ["type": "compaction_trigger"]

    /// A v1 body as a v2 request: the trigger last (and only once), streamed, not stored.
    static func upstreamBody(_ request: [String: JSONValue]) -> Data {
        var request = request
        let items = ResponsesRequest.inputItems(request["input"]).filter { $0["type"]?.stringValue != "compaction_trigger" }
        request["input"] = .array(items + [trigger])
        request["stream"] = true
        request["store"] = false
        if request["instructions"]?.stringValue == nil { request["instructions"] = "" }
        return JSONValue.object(request).encoded()
    }

    /// What v1 answered: the user, developer and system messages of the input, then the compaction item.
    static func legacyOutput(input: [JSONValue], output: [JSONValue]) throws(GatewayError) -> [JSONValue] {
        let compactions = output.filter { $0["type"]?.stringValue == "compaction" }
        guard compactions.count == 1 else {
            throw GatewayError(status: .badGateway, type: "upstream_error", code: "compaction_failed", message: "The upstream answered the compaction with \(compactions.count) compaction items instead of one.")
        }
        let kept = input.filter { item in
            guard item["type"]?.stringValue ?? "message" == "message" else { return false }
            return ["user", "developer", "system"].contains(item["role"]?.stringValue ?? "")
        }
        return kept + compactions
    }
}
