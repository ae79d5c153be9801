import Foundation

/// The last hour as an inline SVG: one bar per minute (requests, errors in red at its foot) and the
/// minute's p99 latency as a line on its own scale.
enum HourChart {
    static let width = 600, height = 120

    static func svg(_ hour: HourStats) -> String {
        let peak = max(1, hour.minutes.map(\.requests).max() ?? 1)
        let slot = Double(width) / Double(hour.minutes.count)
        var bars = ""
        for (index, minute) in hour.minutes.enumerated() where minute.requests > 0 {
            let x = String(format: "%.1f", Double(index) * slot + 1)
            let w = String(format: "%.1f", max(1, slot - 2))
            let total = Double(minute.requests) / Double(peak) * Double(height - 10)
            let failed = Double(minute.errors) / Double(peak) * Double(height - 10)
            bars += "<rect x=\"\(x)\" y=\(quoted(Double(height) - total)) width=\"\(w)\" height=\(quoted(total)) fill=\"#3b82f6\"><title>\(minute.requests) requests, \(minute.errors) errors</title></rect>"
            if minute.errors > 0 {
                bars += "<rect x=\"\(x)\" y=\(quoted(Double(height) - failed)) width=\"\(w)\" height=\(quoted(failed)) fill=\"#dc2626\"/>"
            }
        }
        let slowest = hour.minutes.compactMap(\.p99Milliseconds).max() ?? 0
        let points = hour.minutes.enumerated().compactMap { index, minute -> String? in
            guard let p99 = minute.p99Milliseconds, slowest > 0 else { return nil }
            let y = Double(height) - p99 / slowest * Double(height - 10)
            return String(format: "%.1f,%.1f", (Double(index) + 0.5) * slot, y)
        }
        if !points.isEmpty {
            bars += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#7c3aed\" stroke-width=\"1.5\"><title>p99 latency per minute, peak \(Int(slowest.rounded())) ms</title></polyline>"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" \
            aria-label="requests per minute over the last hour (peak \(peak)) and p99 latency (peak \(Int(slowest.rounded())) ms)">\(bars)</svg>
            """
    }

    private static func quoted(_ value: Double) -> String { "\"" + String(format: "%.1f", value) + "\"" }
}
