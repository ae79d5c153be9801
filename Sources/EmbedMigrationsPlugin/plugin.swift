import Foundation
import PackagePlugin

/// Regenerates `EmbeddedMigrations.swift` whenever a file in `migrations/sqlite/` or `migrations/postgres/` changes.
@main
struct EmbedMigrationsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "migrations")
        let backends = ["sqlite", "postgres"].map { directory.appending(path: $0) }
        let files = try backends.flatMap { backend in
            try FileManager.default.contentsOfDirectory(atPath: backend.path())
                .filter { $0.hasSuffix(".sql") }
                .sorted()
                .map { backend.appending(path: $0) }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations",
                executable: try context.tool(named: "MigrationEmbedder").url,
                arguments: [directory.path(), output.path()],
                inputFiles: files + backends,
                outputFiles: [output]
            )
        ]
    }
}
