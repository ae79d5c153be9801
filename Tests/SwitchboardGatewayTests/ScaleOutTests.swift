import Foundation
import Testing
import SwitchboardCore
import SwitchboardStore
import SwitchboardTestSupport

/// Several instances on one PostgreSQL keep the pool's promises cluster-wide.
@Suite(.serialized, .enabled(if: PostgresServer.shouldRun, "PostgreSQL is not installed (`make deps`); these run under CI"))
struct ScaleOutTests {
    static let request = #"{"model":"gpt-5","input":"hi"}"#

    /// 60 requests at once spread over three instances, on an expired account whose refresh answers
    /// token_expired: one token call in all, and every instance holds the account deactivated.
    @Test func aDeadRefreshTokenCostsOneTokenCallAcrossThreeInstances() async throws {
        try await GatewayCluster.with(accessTokenLifetime: -60, prepare: {
            try $0.scriptRefresh("one@example.com", then: .error(code: "token_expired", status: 401))
        }) { cluster in
            let statuses = await withTaskGroup(of: Int.self) { group in
                for index in 0..<60 {
                    let instance = cluster.instances[index % 3]
                    group.addTask { (try? await instance.send("POST", "/v1/responses", body: Self.request).status) ?? -1 }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 503 }, "\(statuses)")
            let calls = try cluster.mock.counters(for: "one@example.com").tokenCalls
            #expect(calls == 1, "\(calls) token calls")
            let id = try cluster.instances[0].store.find("one@example.com").id
            for (index, instance) in cluster.instances.enumerated() {
                let seen = await eventually(timeout: .seconds(1)) {
                    if case .deactivated(let code, _, _) = instance.gateway.pool.account(id)?.status { code == "token_expired" } else { false }
                }
                #expect(seen, "instance \(index): \(String(describing: instance.gateway.pool.account(id)?.status))")
            }
            for index in 0..<6 { _ = try await cluster.instances[index % 3].send("POST", "/v1/responses", body: Self.request) }
            #expect(try cluster.mock.counters(for: "one@example.com").tokenCalls == 1)
        }
    }

    /// `switchboard accounts pause` / `resume` through the shared database reach every instance within a second.
    @Test func aPauseAndAResumeFromTheCLIReachEveryInstanceWithinASecond() async throws {
        try await GatewayCluster.with { cluster in
            let id = try cluster.instances[0].store.find("one@example.com").id
            let paused = try await CLI.run(["accounts", "pause", "one@example.com"], dataDirectory: cluster.dataDirectory, environment: cluster.environment)
            #expect(paused.status == 0, "\(paused.stderr)")
            for (index, instance) in cluster.instances.enumerated() {
                #expect(await eventually(timeout: .seconds(1)) { instance.gateway.pool.account(id)?.status == .paused }, "instance \(index)")
            }
            let back = try await CLI.run(["accounts", "resume", "one@example.com"], dataDirectory: cluster.dataDirectory, environment: cluster.environment)
            #expect(back.status == 0, "\(back.stderr)")
            for (index, instance) in cluster.instances.enumerated() {
                #expect(await eventually(timeout: .seconds(1)) { instance.gateway.pool.account(id)?.status == .active }, "instance \(index)")
            }
        }
    }
}
