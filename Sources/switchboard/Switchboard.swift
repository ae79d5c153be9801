import ArgumentParser

@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pool ChatGPT/Codex accounts behind one OpenAI-compatible endpoint.",
        subcommands: [ServeCommand.self, AccountsCommand.self, KeysCommand.self, EventsCommand.self, RequestsCommand.self, UsageCommand.self, MockUpstreamCommand.self])
}

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Manage the account pool.",
        subcommands: [
            AccountsImport.self, AccountsList.self, AccountsShow.self, AccountsPause.self, AccountsResume.self,
            AccountsRemove.self, AccountsReactivate.self, AccountsHistory.self, AccountsExport.self, AccountsLogin.self,
        ])
}
