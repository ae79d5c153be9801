import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

struct AccountsReactivate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reactivate",
        abstract: "Put a deactivated, auth_retrying or rate_limited account back into rotation after a new login.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Account id or email.") var account: String
    @Flag(help: "Accept the same credentials that were deactivated.") var force = false

    func run() async throws {
        try applyOperatorEvent(.reactivated(force: force), reference: account, global: global, done: "reactivated")
    }
}
