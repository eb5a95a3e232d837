/// The ledger's SQL migrations, in order, as embedded into the binary from Schema/sqlite/*.sql.
public enum SchemaMigrations {
    /// (identifier, SQL, whether it edits `sqlite_schema`). Identifiers are recorded by the migrator; never
    /// rename or reorder them. A migration that edits `sqlite_schema` (only the text of CHECK constraints,
    /// SQLite's documented procedure) runs with `writable_schema` on and bumps `schema_version`.
    public static let all: [(id: String, sql: String, editsSchemaText: Bool)] = [
        ("001_initial", String(decoding: PackageResources._01_initial_sql, as: UTF8.self), false),
        ("002_group_totals", String(decoding: PackageResources._02_group_totals_sql, as: UTF8.self), false),
        ("003_check_lists", String(decoding: PackageResources._03_check_lists_sql, as: UTF8.self), true),
        ("004_entry_kinds", String(decoding: PackageResources._04_entry_kinds_sql, as: UTF8.self), true),
        ("005_settings_reviews", String(decoding: PackageResources._05_settings_reviews_sql, as: UTF8.self), false),
        ("006_status_by_maturity", String(decoding: PackageResources._06_status_by_maturity_sql, as: UTF8.self), false),
        ("007_users", String(decoding: PackageResources._07_users_sql, as: UTF8.self), true),
        ("008_approvals", String(decoding: PackageResources._08_approvals_sql, as: UTF8.self), true),
        ("009_balance_days", String(decoding: PackageResources._09_balance_days_sql, as: UTF8.self), false),
        ("010_subsidies", String(decoding: PackageResources._10_subsidies_sql, as: UTF8.self), true),
        ("011_pools", String(decoding: PackageResources._11_pools_sql, as: UTF8.self), true),
        ("012_puhui_dimension", String(decoding: PackageResources._12_puhui_dimension_sql, as: UTF8.self), true),
        ("013_puhui_totals", String(decoding: PackageResources._13_puhui_totals_sql, as: UTF8.self), false),
        ("014_appraisal", String(decoding: PackageResources._14_appraisal_sql, as: UTF8.self), false),
        ("015_subsidy_lines", String(decoding: PackageResources._15_subsidy_lines_sql, as: UTF8.self), false),
    ]

    /// The same migrations on PostgreSQL, by identifier: the SQL that brings a database from the one before to this one,
    /// or "" when an earlier file of this list already made it (the first file is SQLite's 001…015 together).
    /// Every identifier of `all` is here, in the same order, and recorded in `pledge_migrations` when applied.
    public static let postgres: [(id: String, sql: String)] = all.enumerated().map { i, m in
        // A later migration adds its PostgreSQL file here.
        precondition(i < 15, "\(m.id) has no PostgreSQL migration")
        return (m.id, i == 0 ? String(decoding: PackageResources._01_initial_pg_sql, as: UTF8.self) : "")
    }
}
