import Foundation
import SwitchboardTestSupport
import Testing
import SwitchboardCore
import SwitchboardStore

/// The status page in a real browser: headless Chromium renders it and the test reads the DOM.
/// CI installs Chromium (`make browser-deps`); elsewhere the test runs when Chromium is there.
@Suite struct DashboardBrowserTests {
    static let required = ProcessInfo.processInfo.environment["CI"] != nil

    @Test(.enabled(if: HeadlessChromium.binary != nil || required, "chromium is not installed: `make browser-deps`"))
    func chromiumRendersEveryAccountInItsStateAndTakesAScreenshot() async throws {
        try await DashboardTests.withGatewayInEveryState { h in
            // An hour of traffic for the chart (and the screenshot): busier lately, a few failures, a slow patch.
            let now = Date()
            let active = try h.id("active@example.com")
            var traffic: [RequestLogEntry] = []
            for i in 0..<600 {
                let minutesAgo: Double = Double(i % 60) * (i % 3 == 0 ? 0.5 : 1)
                let slowPatch: Double = (20...25).contains(Int(minutesAgo)) ? 2500 : 0
                let failed = i % 37 == 0
                traffic.append(RequestLogEntry(
                    at: now.addingTimeInterval(-minutesAgo * 60 - 1), requestID: "seed-\(i)", route: "/v1/responses", accountID: active,
                    model: "gpt-5", status: failed ? 502 : 200, errorCode: failed ? "upstream_unavailable" : nil, attempts: 1,
                    durationMilliseconds: Double(300 + (i * 7919) % 900) + slowPatch))
            }
            try await h.store.writeRequestBatch(traffic)
            let url = h.running.baseURL + "/"  // through the redirect
            let dom = try await HeadlessChromium.dumpDOM(url)
            #expect(dom.contains("<h1>switchboard</h1>"))
            for (email, status) in [("active", "active"), ("dead", "deactivated"), ("limited", "rate_limited"), ("paused", "paused"), ("retrying", "auth_retrying")] {
                let id = try h.id("\(email)@example.com")
                #expect(dom.contains("data-account=\"\(id)\" data-status=\"\(status)\""), "\(email)")
                #expect(dom.contains("\(email)@example.com"))
            }
            #expect(dom.contains("switchboard accounts login --account \(try h.id("dead@example.com"))"))
            #expect(dom.contains("<svg"))
            #expect(dom.contains("<polyline"))
            let shot = HeadlessChromium.artifacts.appendingPathComponent("dashboard.png")
            try? FileManager.default.removeItem(at: shot)
            try await HeadlessChromium.screenshot(h.running.baseURL + "/dashboard", to: shot)
            let png = try Data(contentsOf: shot)
            #expect(png.count > 10_000)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
    }
}
