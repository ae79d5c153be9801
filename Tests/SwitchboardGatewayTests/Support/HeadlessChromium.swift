import Foundation
import SwitchboardTestSupport

/// Debian's `chromium`, headless, kept to loopback: loads a page and returns its DOM or a screenshot.
enum HeadlessChromium {
    static var binary: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Where tests leave files worth looking at (screenshots): `.build/test-artifacts`, or `SWITCHBOARD_TEST_ARTIFACTS`.
    static var artifacts: URL {
        let path = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_ARTIFACTS"] ?? FileManager.default.currentDirectoryPath + "/.build/test-artifacts"
        return URL(fileURLWithPath: path)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func dumpDOM(_ url: String) async throws -> String {
        try await run(["--dump-dom", url])
    }

    static func screenshot(_ url: String, to file: URL, width: Int = 1400, height: Int = 1100) async throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try await run(["--screenshot=\(file.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", url])
    }

    private static func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> String {
        guard let binary else { throw Failure(description: "chromium is not installed (make browser-deps)") }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=\(profile.path)",
            // Nothing beyond loopback: no background services, and every other host fails to resolve.
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--metrics-recording-only", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
        }
        let reading = output.fileHandleForReading
        // Read and wait on a thread of its own, never a cooperative one (the in-process gateway needs those).
        let data = try await CLI.onOwnThread {
            let data = reading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
        watchdog.cancel()
        guard process.terminationStatus == 0 else { throw Failure(description: "chromium exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}
