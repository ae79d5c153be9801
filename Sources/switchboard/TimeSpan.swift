import ArgumentParser
import Foundation

/// A look-back span given on the command line: `90s`, `30m`, `1h`, `7d`.
struct TimeSpan: ExpressibleByArgument, Equatable {
    let seconds: TimeInterval

    init?(argument: String) {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = argument.last.flatMap({ units[$0] }), let count = Double(argument.dropLast()), count >= 0 else { return nil }
        seconds = count * unit
    }

    /// The moment this span before `now`.
    func start(before now: Date = Date()) -> Date { now.addingTimeInterval(-seconds) }
}
