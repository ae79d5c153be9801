import Foundation
import MockUpstream
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

    static let emails = (1...6).map { "user\($0)@example.com" }

    /// Each account's background work belongs to one live instance: polled once per interval, not once
    /// per instance. (A dead instance's share moving is proven with real processes and SIGKILL below.)
    @Test func eachAccountIsPolledByExactlyOneInstance() async throws {
        try await GatewayCluster.with(emails: Self.emails, configure: { $0.usageInterval = 0.3; $0.heartbeatTimeout = 2 }) { cluster in
            let ids = try Self.emails.map { try cluster.instances[0].store.find($0).id }
            #expect(await eventually { ids.allSatisfy { id in cluster.instances.filter { $0.gateway.pool.owns(id) }.count == 1 } })
            // Polls over a 1.5 s window (a measurement, not a wait): one instance per account, so about 5 each, not 15.
            let before = try Self.emails.map { try cluster.mock.counters(for: $0).usageCalls }
            try await Task.sleep(for: .milliseconds(1500))
            let polls = try zip(Self.emails, before).map { try cluster.mock.counters(for: $0).usageCalls - $1 }
            #expect(polls.allSatisfy { (2...8).contains($0) }, "\(polls)")
        }
    }

    /// One session key is served by the same account whichever instance gets the request.
    @Test func aSessionKeyIsServedByTheSameAccountOnEveryInstance() async throws {
        try await GatewayCluster.with(emails: Self.emails) { cluster in
            // Other traffic first, a different amount on each instance: their round-robin positions differ.
            for (index, instance) in cluster.instances.enumerated() {
                for _ in 0...index { #expect(try await instance.send("POST", "/v1/responses", body: Self.request).status == 200) }
            }
            for session in 0..<10 {
                let body = #"{"model":"gpt-5","input":"hi","prompt_cache_key":"session-\#(session)"}"#
                var served: Set<String> = []
                for instance in cluster.instances {
                    let before = try Self.emails.map { try cluster.mock.counters(for: $0).responsesCalls }
                    let response = try await instance.send("POST", "/v1/responses", body: body)
                    #expect(response.status == 200, "\(response.text)")
                    let after = try Self.emails.map { try cluster.mock.counters(for: $0).responsesCalls }
                    served.formUnion(zip(Self.emails, zip(before, after)).filter { $0.1.1 > $0.1.0 }.map(\.0))
                }
                #expect(served.count == 1, "session-\(session) served by \(served)")
            }
        }
    }

    /// Two `switchboard serve` processes; one gets SIGKILL: its accounts are polled by the other within 15 s.
    @Test func afterKill9OfOneServeProcessItsAccountsArePolledByTheOtherWithin15Seconds() async throws {
        let mock = MockUpstream()
        _ = try await mock.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-kill-\(UUID().uuidString)")
        try await withTeardown {
            let url = try await withPostgres { $0 }
            let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            let store = try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: .environment(key))
            for email in Self.emails {
                _ = try store.importAccount(try CodexAuthFile(data: JSONEncoder().encode(try mock.createAccount(email: email))))
            }
            let environment = [
                "SWITCHBOARD_DATABASE_URL": url, "SWITCHBOARD_ENCRYPTION_KEY": key, "SWITCHBOARD_UPSTREAM_BASE_URL": mock.upstreamBaseURL,
                "SWITCHBOARD_AUTH_BASE_URL": mock.baseURL, "SWITCHBOARD_USAGE_INTERVAL": "1", "SWITCHBOARD_HEARTBEAT_TIMEOUT": "2",
            ]
            try await ServeProcess.with(dataDirectory: directory.appendingPathComponent("a"), environment: environment) { first in
                try await ServeProcess.with(dataDirectory: directory.appendingPathComponent("b"), environment: environment) { _ in
                    #expect(await eventually(timeout: .seconds(5)) { (try? store.liveMembers(within: 2))?.count == 2 })
                    first.signal(SIGKILL)
                    let killed = ContinuousClock.now
                    // Once the killed one counts as dead, every account is polled again, by the survivor.
                    #expect(await eventually(timeout: .seconds(5)) { (try? store.liveMembers(within: 2))?.count == 1 })
                    let counts = try Self.emails.map { try mock.counters(for: $0).usageCalls }
                    let repolled = await eventually(timeout: .seconds(12)) {
                        (try? zip(Self.emails, counts).allSatisfy { try mock.counters(for: $0).usageCalls > $1 }) ?? false
                    }
                    #expect(repolled, "every account polled again after the kill")
                    #expect(ContinuousClock.now - killed < .seconds(15))
                }
            }
        } teardown: {
            await mock.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
