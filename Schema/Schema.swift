/// The ledger's SQL migrations, in order, as embedded into the binary from Schema/*.sql.
public enum SchemaMigrations {
    /// (identifier, SQL). Identifiers are recorded by the migrator; never rename or reorder them.
    public static let all: [(id: String, sql: String)] = [
        ("001_initial", String(decoding: PackageResources._01_initial_sql, as: UTF8.self)),
        ("002_group_totals", String(decoding: PackageResources._02_group_totals_sql, as: UTF8.self)),
    ]
}
