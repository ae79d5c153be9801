import ArgumentParser
import Foundation
import SwitchboardCore

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check an installation: files and modes, key, database, upstream reachability, accounts, API keys, port.",
        discussion: """
            Each check prints PASS, WARN, FAIL or SKIP and, unless it passed, the command or change that fixes it. \
            The exit status is 1 when any check fails. Run it with the service's settings, e.g. \
            `sudo -u switchboard switchboard doctor --env-file /etc/switchboard/switchboard.env`. It changes nothing.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The address serve would listen on (env SWITCHBOARD_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "The port serve would listen on (env SWITCHBOARD_PORT, default 2455).") var port: Int?
    @Flag(help: "Print one JSON object: {ok, version, checks: [{check, status, detail, fix}]}.") var json = false
    @Flag(help: "Skip the checks that need the network (upstream and auth server).") var offline = false
    @Option(help: "Seconds each network check may take.") var timeout = 10

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        var configuration = try global.configuration()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        let checks = DoctorChecks(configuration: configuration, suffix: commandSuffix, timeout: .seconds(timeout))
        let findings = await checks.run(offline: offline)
        let ok = !findings.contains { $0.verdict == .fail }
        if json {
            AccountPresentation.printJSON(["ok": .bool(ok), "version": .string(BuildVersion.text), "checks": .array(findings.map(\.json))])
        } else {
            print(findings.map(\.text).joined(separator: "\n"))
            let failures = findings.filter { $0.verdict == .fail }.count
            print(ok ? "\nno problems found" : "\n\(failures) problem\(failures == 1 ? "" : "s") found")
        }
        if !ok { throw ExitCode.failure }
    }

    /// The options to repeat in a suggested command, so it acts on the same store.
    private var commandSuffix: String {
        var parts: [String] = []
        if let file = global.environmentFile { parts.append("--env-file \(file)") }
        if let directory = global.dataDirectory { parts.append("--data-dir \(directory)") }
        return parts.isEmpty ? "" : " " + parts.joined(separator: " ")
    }
}
