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
