import Foundation
import SwitchboardTestSupport
import Testing

/// `make install` / `make uninstall` into a temporary PREFIX, and the systemd unit in dist/.
@Suite struct InstallTests {
    let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-prefix-\(UUID().uuidString)")

    /// Runs a program from the repository root; returns its status and combined output.
    func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await CLI.onOwnThread { try Self.runBlocking(program, arguments) }
    }

    static func runBlocking(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.currentDirectoryURL = CLI.repository
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWITCHBOARD_") && !$0.key.hasPrefix("MAKE") }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    var installed: [String] {
        ["bin/switchboard", "share/bash-completion/completions/switchboard", "share/zsh/site-functions/_switchboard", "share/fish/vendor_completions.d/switchboard.fish"]
    }

    @Test func makeInstallPutsTheBinaryAndTheCompletionsUnderPrefixAndUninstallRemovesThem() async throws {
        // The test installs the binary it was built with; a plain `make install` builds a static release one first.
        let install = try await run("make", ["--no-print-directory", "install", "PREFIX=\(prefix.path)", "INSTALL_BIN=\(CLI.binary.path)"])
        #expect(install.status == 0, "\(install.output)")
        for path in installed {
            let file = prefix.appendingPathComponent(path).path
            #expect(FileManager.default.fileExists(atPath: file), "\(path) missing")
            #expect((try? Data(contentsOf: URL(fileURLWithPath: file)).count) ?? 0 > 0, "\(path) is empty")
        }
        #expect(FileManager.default.isExecutableFile(atPath: prefix.appendingPathComponent("bin/switchboard").path))
        let bash = try String(contentsOf: prefix.appendingPathComponent(installed[1]), encoding: .utf8)
        for command in ["serve", "doctor", "backup", "restore", "accounts"] { #expect(bash.contains(command), "bash completion lacks \(command)") }
        #expect(try String(contentsOf: prefix.appendingPathComponent(installed[2]), encoding: .utf8).hasPrefix("#compdef switchboard"))
        #expect(try String(contentsOf: prefix.appendingPathComponent(installed[3]), encoding: .utf8).contains("complete -c 'switchboard'"))
        let version = try await run(prefix.appendingPathComponent("bin/switchboard").path, ["--version"])
        #expect(version.status == 0)
        #expect(install.output.contains(version.output.trimmingCharacters(in: .whitespacesAndNewlines)))

        let uninstall = try await run("make", ["--no-print-directory", "uninstall", "PREFIX=\(prefix.path)"])
        #expect(uninstall.status == 0, "\(uninstall.output)")
        for path in installed { #expect(!FileManager.default.fileExists(atPath: prefix.appendingPathComponent(path).path), "\(path) left behind") }
    }

    @Test func theServiceUnitIsHardenedAndReadsTheEnvironmentFile() async throws {
        let unit = try String(contentsOf: CLI.repository.appendingPathComponent("dist/switchboard.service"), encoding: .utf8)
        let settings = Set(unit.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init))
        for line in [
            "User=@USER@", "StateDirectory=switchboard", "StateDirectoryMode=0700", "ProtectSystem=strict", "ProtectHome=yes", "NoNewPrivileges=yes",
            "PrivateTmp=yes", "Restart=on-failure", "EnvironmentFile=@ENV_FILE@", "ExecStart=@BINDIR@/switchboard serve --env-file @ENV_FILE@",
            "ExecReload=/bin/kill -HUP $MAINPID", "CapabilityBoundingSet=",
        ] {
            #expect(settings.contains(line), "\(line) missing from the unit")
        }
        // The settings file the unit reads must parse as the CLI reads it.
        let example = CLI.repository.appendingPathComponent("dist/switchboard.env")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-env-\(UUID().uuidString)")
        let doctor = try await CLI.run(["doctor", "--offline", "--json", "--env-file", example.path], dataDirectory: directory)
        #expect(doctor.stdout.contains("\"check\":\"data directory\""), "\(doctor.stderr)")

        // When systemd's verifier is on this machine, the filled-in unit must pass it.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else { return }
        let filled = unit.replacingOccurrences(of: "@BINDIR@", with: CLI.binary.deletingLastPathComponent().path)
            .replacingOccurrences(of: "@ENV_FILE@", with: example.path).replacingOccurrences(of: "@USER@", with: "root")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString.prefix(8)).service")
        try filled.write(to: file, atomically: true, encoding: .utf8)
        let verify = try await run("systemd-analyze", ["verify", file.path])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(!verify.output.contains(file.lastPathComponent), "\(verify.output)")
    }
}
