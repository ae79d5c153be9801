import Foundation

/// Opens a URL in the person's browser when this machine has one: `open` on macOS, `xdg-open` on
/// a Linux desktop (a display is set). Over SSH or in a container it does nothing.
enum BrowserOpener {
    /// Whether a browser was asked to open `url` (it may still fail to appear).
    static func open(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        #if os(macOS)
        let command: String? = "/usr/bin/open"
        #else
        let hasDisplay = [environment["DISPLAY"], environment["WAYLAND_DISPLAY"]].contains { !($0 ?? "").isEmpty }
        let command = hasDisplay ? executable(named: "xdg-open", path: environment["PATH"] ?? "/usr/bin:/bin") : nil
        #endif
        guard let command else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = [url]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        return true
    }

    static func executable(named name: String, path: String) -> String? {
        path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
