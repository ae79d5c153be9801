import Foundation
import Testing
@testable import SwitchboardCore

@Suite struct BalancerTests {
    @Test func picksTheMostHeadroomAndRotatesAmongEquals() {
        let balancer = Balancer()
        balancer.publish([.init(id: "busy", usedPercent: 80), .init(id: "a", usedPercent: 10), .init(id: "b", usedPercent: 12)])
        let picks = (0..<4).compactMap { _ in balancer.pick(key: nil) }
        #expect(picks == ["a", "b", "a", "b"])
    }

    @Test func failoverSkipsAccountsAlreadyTried() {
        let balancer = Balancer()
        balancer.publish([.init(id: "a", usedPercent: 0), .init(id: "b", usedPercent: 90)])
        #expect(balancer.pick(key: nil, excluding: ["a"]) == "b")
        #expect(balancer.pick(key: nil, excluding: ["a", "b"]) == nil)
    }

    @Test func aStickyKeyKeepsItsAccountUntilItLeavesThePoolOrExpires() {
        let now = Date()
        let balancer = Balancer(stickyTTL: 60)
        balancer.publish([.init(id: "a", usedPercent: 0), .init(id: "b", usedPercent: 0)])
        let first = balancer.pick(key: "session-1", now: now)!
        for _ in 0..<5 { #expect(balancer.pick(key: "session-1", now: now) == first) }
        balancer.publish([.init(id: first == "a" ? "b" : "a", usedPercent: 0)])
        #expect(balancer.pick(key: "session-1", now: now) != first)
    }

    @Test func anEmptyPoolPicksNothing() {
        #expect(Balancer().pick(key: "k") == nil)
    }
}

extension BalancerTests {
    @Test func aFullStickyTableStillBindsNewKeys() {
        let balancer = Balancer(stickyTTL: 3600, maxStickyKeys: 100)
        balancer.publish([.init(id: "a", usedPercent: 0), .init(id: "b", usedPercent: 0)])
        for i in 0..<1_000 { _ = balancer.pick(key: "session-\(i)") }
        let last = balancer.pick(key: "session-999")
        #expect(last != nil)
        for _ in 0..<3 { #expect(balancer.pick(key: "session-999") == last) }
    }
}

extension BalancerTests {
    @Test func republishingKeepsTheRoundRobinPosition() {
        let balancer = Balancer()
        let pool: [Balancer.Candidate] = ["a", "b", "c"].map { .init(id: $0, usedPercent: 0) }
        balancer.publish(pool)
        var picks: [String] = []
        for _ in 0..<6 {
            picks += [balancer.pick(key: nil)!]
            balancer.publish(pool)
        }
        #expect(picks == ["a", "b", "c", "a", "b", "c"])
    }
}

/// The same session key lands on the same account in every instance (each with its own balancer).
@Suite struct ConsistentStickinessTests {
    @Test func aSessionKeyPicksTheSameAccountOnEveryInstanceAndFallsBackWhenItLeaves() {
        let candidates = (0..<8).map { Balancer.Candidate(id: "acct-\($0)", usedPercent: 1) }
        let instances = (0..<3).map { _ in Balancer() }
        for instance in instances { instance.publish(candidates.shuffled()) }
        // Other traffic first, differently on each instance: round-robin positions must not matter.
        for (index, instance) in instances.enumerated() { for _ in 0..<index * 3 { _ = instance.pick(key: nil) } }
        for session in 0..<50 {
            let picks = Set(instances.map { $0.pick(key: "session-\(session)")! })
            #expect(picks.count == 1, "session-\(session): \(picks)")
        }
        let spread = Set((0..<50).map { instances[0].pick(key: "session-\($0)")! })
        #expect(spread.count >= 5, "keys spread over the accounts: \(spread)")
        let held = instances[0].pick(key: "session-7")!
        for instance in instances { instance.publish(candidates.filter { $0.id != held }) }
        let fallback = Set(instances.map { $0.pick(key: "session-7")! })
        #expect(fallback.count == 1 && !fallback.contains(held), "\(fallback)")
    }

    @Test func aKeyPicksFromTheTierWithTheMostHeadroom() {
        let balancer = Balancer()
        balancer.publish([Balancer.Candidate(id: "busy", usedPercent: 80), Balancer.Candidate(id: "idle", usedPercent: 2)])
        #expect((0..<20).allSatisfy { balancer.pick(key: "k\($0)") == "idle" })
    }

    @Test func rendezvousMovesOnlyTheKeysOfAnOptionThatLeft() {
        let members = ["a", "b", "c", "d"]
        let before = (0..<200).map { Rendezvous.pick("account-\($0)", among: members)! }
        let after = (0..<200).map { Rendezvous.pick("account-\($0)", among: members.filter { $0 != "c" })! }
        for (old, new) in zip(before, after) where old != "c" { #expect(old == new) }
        #expect(Set(before).count == 4)
    }
}
