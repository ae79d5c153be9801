import ArgumentParser

@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pool ChatGPT/Codex accounts behind one OpenAI-compatible endpoint.",
        discussion: """
            Settings come from flags, else the --env-file, else SWITCHBOARD_* environment variables, else defaults \
            (`switchboard serve --help` lists them). Errors go to standard error; the exit status is then non-zero.
            """,
        version: BuildVersion.text,
        subcommands: [
            ServeCommand.self, AccountsCommand.self, KeysCommand.self, EventsCommand.self, DoctorCommand.self, BackupCommand.self,
            RestoreCommand.self, RequestsCommand.self, UsageCommand.self, MigrateStoreCommand.self, MockUpstreamCommand.self,
        ])
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
