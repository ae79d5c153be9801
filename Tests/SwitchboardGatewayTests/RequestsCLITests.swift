import Foundation
import SwitchboardTestSupport
import Testing
import SwitchboardCore
import SwitchboardStore

/// `switchboard requests` and `switchboard usage` over a request log written by the store.
@Suite struct RequestsCLITests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-requests-\(UUID().uuidString)")

    func run(_ arguments: String...) async throws -> CLI.Result { try await CLI.run(arguments, dataDirectory: directory) }

    func json(_ arguments: String...) async throws -> [JSONValue] {
        let result = try await CLI.run(arguments, dataDirectory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return JSONValue(parsing: Data(result.stdout.utf8))?.arrayValue ?? []
    }

    func seed() async throws {
        let store = try AccountStore.open(dataDirectory: directory)
        let now = Date()
        func row(_ minutesAgo: Double, _ account: String, _ key: String?, _ model: String, status: Int = 200, error: String? = nil, input: Int, output: Int) -> RequestLogEntry {
            RequestLogEntry(
                at: now.addingTimeInterval(-minutesAgo * 60), requestID: "req-\(Int(minutesAgo))", route: "/v1/responses", keyID: key,
                accountID: account, model: model, status: status, errorCode: error, attempts: error == nil ? 1 : 3, inputTokens: input,
                cachedTokens: input / 2, outputTokens: output, reasoningTokens: output / 2, ttfbMilliseconds: 80, durationMilliseconds: 900)
        }
        try await store.writeRequestBatch([
            row(5, "acct_a", "key_1", "gpt-5", input: 100, output: 20),
            row(10, "acct_b", "key_1", "gpt-5-codex", input: 200, output: 40),
            row(20, "acct_b", "key_2", "gpt-5", status: 502, error: "upstream_unavailable", input: 0, output: 0),
            row(3 * 60, "acct_a", nil, "gpt-5", input: 1000, output: 100),
        ])
    }

    @Test func requestsFiltersNewestFirstWithTheDocumentedJSONFields() async throws {
        try await seed()
        let recent = try await json("requests", "--json")
        #expect(recent.map { $0["request_id"] } == ["req-5", "req-10", "req-20"])
        let fields: Set<String> = [
            "at", "route", "status", "account_id", "key_id", "model", "input_tokens", "cached_tokens", "output_tokens",
            "reasoning_tokens", "ttfb_ms", "duration_ms", "attempts", "error_code",
        ]
        #expect(fields.isSubset(of: Set(recent[0].objectValue.map { Array($0.keys) } ?? [])))
        #expect(recent[0]["input_tokens"] == 100)
        #expect(recent[0]["cached_tokens"] == 50)
        #expect(recent[0]["reasoning_tokens"] == 10)
        #expect(recent[0]["ttfb_ms"] == 80)
        #expect(recent[0]["duration_ms"] == 900)
        #expect(try await json("requests", "--json", "--since", "4h").count == 4)
        #expect(try await json("requests", "--json", "--account", "acct_b").map { $0["request_id"] } == ["req-10", "req-20"])
        #expect(try await json("requests", "--json", "--key", "key_1").count == 2)
        let errors = try await json("requests", "--json", "--errors")
        #expect(errors.map { $0["error_code"] } == ["upstream_unavailable"])
        #expect(errors.first?["attempts"] == 3)
        #expect(try await json("requests", "--json", "--limit", "1").count == 1)
        let table = try await run("requests", "--errors")
        #expect(table.stdout.contains("upstream_unavailable"))
        #expect(try await run("requests", "--since", "yesterday").status != 0)
    }

    @Test func usageSumsTokensAndRequestsPerAccountKeyModelAndDay() async throws {
        try await seed()
        let byAccount = try await json("usage", "--json")
        // Busiest first; a tie goes by name.
        #expect(byAccount.map { $0["account_id"] } == ["acct_a", "acct_b"])
        #expect(byAccount[0]["requests"] == 2)
        #expect(byAccount[0]["input_tokens"] == 1100)
        #expect(byAccount[0]["total_tokens"] == 1220)
        #expect(byAccount[1]["errors"] == 1)
        let byKey = try await json("usage", "--json", "--since", "1h", "--by", "key")
        #expect(byKey.first { $0["key_id"] == "key_1" }?["output_tokens"] == 60)
        #expect(byKey.first { $0["key_id"] == "key_1" }?["cached_tokens"] == 150)
        #expect(try await json("usage", "--json", "--by", "model").first { $0["model"] == "gpt-5" }?["requests"] == 3)
        let byDay = try await json("usage", "--json", "--since", "7d", "--by", "day")
        #expect(byDay.reduce(0) { $0 + ($1["requests"]?.intValue ?? 0) } == 4)
        #expect(try await run("usage", "--by", "key").stdout.contains("key_1"))
    }
}
