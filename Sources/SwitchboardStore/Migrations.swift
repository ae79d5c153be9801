import GRDB

/// Applies `migrations/sqlite/NNNN_name.sql` (embedded at build time) in order, each exactly once.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in EmbeddedMigrations.sqlite {
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }

    static var names: [String] { EmbeddedMigrations.sqlite.map(\.name) }
}
