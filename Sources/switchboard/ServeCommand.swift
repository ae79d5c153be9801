import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway.")
    @OptionGroup var global: GlobalOptions
    func run() async throws { throw CLIFailure("not yet") }
}

struct MockUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mock-upstream", abstract: "Run the built-in fake upstream (tests, demo, benchmarks).")
    func run() async throws { throw CLIFailure("not yet") }
}
