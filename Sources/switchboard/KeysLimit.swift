import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// A limit on the command line: a number, or `none` for no limit.
enum LimitSetting: ExpressibleByArgument, Equatable {
    case limit(Int)
    case none

    init?(argument: String) {
        if argument == "none" { self = .none } else if let value = Int(argument), value >= 0 { self = .limit(value) } else { return nil }
    }

    var value: Int? { if case .limit(let value) = self { value } else { nil } }
}

/// `--tokens-per-day`, `--requests-per-minute`, `--models` of `keys create` and `keys limit`.
struct KeyLimitOptions: ParsableArguments {
    @Option(help: "Tokens (input + output) the key may use per UTC day, or `none`.") var tokensPerDay: LimitSetting?
    @Option(help: "Requests the key may start per minute, or `none`.") var requestsPerMinute: LimitSetting?
    @Option(help: "Comma-separated models the key may ask for, or `all`.") var models: String?

    var isEmpty: Bool { tokensPerDay == nil && requestsPerMinute == nil && models == nil }

    /// Changes the limits given on the command line; the others stay.
    func apply(to limits: inout KeyLimits) {
        if let tokensPerDay { limits.tokensPerDay = tokensPerDay.value }
        if let requestsPerMinute { limits.requestsPerMinute = requestsPerMinute.value }
        if let models { limits.models = models == "all" ? nil : KeyLimits.models(from: models) }
    }
}

struct KeysLimit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limit", abstract: "Change a key's limits (a running server applies them within a second).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Key id or prefix.") var key: String
    @OptionGroup var limits: KeyLimitOptions

    func run() async throws {
        guard !limits.isEmpty else { throw CLIFailure("nothing to change: give --tokens-per-day, --requests-per-minute or --models") }
        let record = try global.openStore().updateAPIKeyLimits(key) { limits.apply(to: &$0) }
        print("\(record.id) (\(record.name)): \(KeyUsePresentation.describe(record.limits))")
    }
}
