import Foundation

/// Runs the built `switchboard` binary as a separate process, as an operator would.
public enum CLI {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The binary sits next to the test bundle in the build directory.
    public static var binary: URL {
        let executable = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return executable.deletingLastPathComponent().appendingPathComponent("switchboard")
    }

    /// Runs the command and waits for it on a thread of its own: a test must not hold one of the few
    /// cooperative threads while a child process talks to the in-process gateway and mock, which need them
    /// (with two cores, two such waits at once deadlocked the suite).
    public static func run(_ arguments: [String], dataDirectory: URL, environment: [String: String] = [:], stdin: String? = nil) async throws -> Result {
        try await onOwnThread { try runBlocking(arguments, dataDirectory: dataDirectory, environment: environment, stdin: stdin) }
    }

    private static func runBlocking(_ arguments: [String], dataDirectory: URL, environment extra: [String: String], stdin: String?) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + ["--data-dir", dataDirectory.path]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWITCHBOARD_") }
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}

extension CLI {
    /// The checkout the tests were built from (for the Makefile, VERSION, dist/).
    public static var repository: URL {
        // Tests/SwitchboardTestSupport/CLI.swift → the package root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

extension CLI {
    public static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try body() }) }.start()
        }
    }
}
