import Foundation
import SwitchboardCore
import SwitchboardStore
import SwitchboardUpstream

/// The checks of `switchboard doctor`, in the order an operator would fix them. Nothing here writes.
struct DoctorChecks {
    let configuration: Configuration
    /// `--env-file …`/`--data-dir …` to repeat in the fix commands.
    let suffix: String
    let timeout: Duration
    var transport: any HTTPTransport = CurlTransport.shared

    var dataDirectory: URL { URL(fileURLWithPath: configuration.dataDirectory) }

    func run(offline: Bool) async -> [DoctorFinding] {
        var findings = [dataDirectoryMode()]
        if FileManager.default.fileExists(atPath: dataDirectory.path) { findings.append(fileModes()) }
        findings += storeFindings()
        if offline {
            findings.append(.skip("upstream", "--offline"))
            findings.append(.skip("auth server", "--offline"))
        } else {
            async let upstream = reachability("upstream", configuration.upstreamBaseURL, variable: "SWITCHBOARD_UPSTREAM_BASE_URL")
            async let auth = reachability("auth server", configuration.authBaseURL, variable: "SWITCHBOARD_AUTH_BASE_URL")
            findings += await [upstream, auth]
        }
        findings.append(await portFinding())
        return findings
    }

    // MARK: Files

    func dataDirectoryMode() -> DoctorFinding {
        let path = dataDirectory.path
        guard let mode = Self.mode(of: path) else {
            return .fail("data directory", "\(path) does not exist", fix: "add an account, which creates it: `switchboard accounts login\(suffix)` (the systemd unit creates /var/lib/switchboard itself)")
        }
        guard mode & 0o077 == 0 else {
            return .fail("data directory", "\(path) is \(Self.octal(mode)): other users can list it", fix: "chmod 700 \(path)")
        }
        return .pass("data directory", "\(path) is \(Self.octal(mode))")
    }

    /// The database, its WAL files and the key hold sealed tokens: only the owner may read them.
    func fileModes() -> DoctorFinding {
        let names = [AccountStore.fileName, AccountStore.fileName + "-wal", AccountStore.fileName + "-shm", TokenCipher.keyFileName]
        let open = names.compactMap { name -> (String, Int)? in
            let path = dataDirectory.appendingPathComponent(name).path
            guard let mode = Self.mode(of: path), mode & 0o077 != 0 else { return nil }
            return (path, mode)
        }
        guard open.isEmpty else {
            return .fail(
                "file modes", open.map { "\($0.0) is \(Self.octal($0.1))" }.joined(separator: ", ") + ": other users can read it",
                fix: "chmod 600 " + open.map(\.0).joined(separator: " "))
        }
        return .pass("file modes", "the database and key files are readable by their owner only")
    }

    static func mode(of path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
    }

    static func octal(_ mode: Int) -> String { "0" + String(mode & 0o777, radix: 8) }
}
