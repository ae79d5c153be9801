import Foundation
import Testing
import SwitchboardCore

@Suite struct KeyMeterTests {
    /// 2025-01-01T23:59:30Z: thirty seconds before a UTC day (and minute) ends.
    let lateInTheDay = Date(timeIntervalSince1970: 1_735_775_970)

    @Test func aKeyWithoutLimitsAdmitsEverything() {
        var meter = KeyMeter(now: lateInTheDay)
        for _ in 0..<100 { #expect(meter.admit(model: "gpt-5", limits: KeyLimits(), now: lateInTheDay) == .admitted) }
    }

    @Test func onlyTheListedModelsAreAllowed() {
        var meter = KeyMeter(now: lateInTheDay)
        let limits = KeyLimits(models: ["gpt-5", "gpt-5-codex"])
        #expect(meter.admit(model: "gpt-5-codex", limits: limits, now: lateInTheDay) == .admitted)
        #expect(meter.admit(model: "o3", limits: limits, now: lateInTheDay) == .modelNotAllowed(allowed: ["gpt-5", "gpt-5-codex"]))
        #expect(meter.admit(model: nil, limits: limits, now: lateInTheDay) == .modelNotAllowed(allowed: ["gpt-5", "gpt-5-codex"]))
    }

    @Test func tokensPerDayRefuseUntilTheUTCDayEnds() {
        var meter = KeyMeter(now: lateInTheDay)
        let limits = KeyLimits(tokensPerDay: 100)
        #expect(meter.admit(model: "gpt-5", limits: limits, now: lateInTheDay) == .admitted)
        meter.charge(tokens: 100, now: lateInTheDay)
        let midnight = Date(timeIntervalSince1970: 1_735_776_000)
        #expect(meter.admit(model: "gpt-5", limits: limits, now: lateInTheDay) == .tokensPerDayReached(limit: 100, resetsAt: midnight))
        #expect(meter.admit(model: "gpt-5", limits: limits, now: midnight) == .admitted)
        #expect(meter.tokensToday == 0)
    }

    @Test func requestsPerMinuteRefuseUntilTheMinuteEnds() {
        var meter = KeyMeter(now: lateInTheDay)
        let limits = KeyLimits(requestsPerMinute: 2)
        #expect(meter.admit(model: "gpt-5", limits: limits, now: lateInTheDay) == .admitted)
        #expect(meter.admit(model: "gpt-5", limits: limits, now: lateInTheDay) == .admitted)
        let nextMinute = Date(timeIntervalSince1970: 1_735_776_000)
        #expect(meter.admit(model: "gpt-5", limits: limits, now: lateInTheDay) == .requestsPerMinuteReached(limit: 2, resetsAt: nextMinute))
        #expect(meter.admit(model: "gpt-5", limits: limits, now: nextMinute) == .admitted)
    }

    @Test func aMeterRestoredWithTodaysUseKeepsCounting() {
        var meter = KeyMeter(now: lateInTheDay, tokensToday: 90, requestsToday: 3)
        meter.charge(tokens: 20, now: lateInTheDay)
        #expect(meter.tokensToday == 110)
        #expect(meter.requestsToday == 4)
        #expect(meter.admit(model: nil, limits: KeyLimits(tokensPerDay: 100), now: lateInTheDay) != .admitted)
    }
}
