import Foundation

/// Where a PostgreSQL ledger lives: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME` (`postgres://` too). As libpq
/// does, a missing user is `$PGUSER` or the OS user, a missing password `$PGPASSWORD`, a missing port 5432.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    /// Whether `--db` names a PostgreSQL database rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isURL(text), let c = URLComponents(string: text), let host = c.host, !host.isEmpty else {
            throw StoreError.badLocation(Self.redacted(text))
        }
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        guard !path.contains("/") else { throw StoreError.badLocation(Self.redacted(text)) }
        self.host = host
        port = c.port ?? 5432
        user = c.user?.removingPercentEncoding ?? environment["PGUSER"] ?? ProcessInfo.processInfo.userName
        password = c.password?.removingPercentEncoding ?? environment["PGPASSWORD"]
        database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? user
    }

    /// `text` with any password between `//user:` and `@` removed.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + String(text[at...])
    }

    /// The URL without its password: what messages and logs may show.
    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database)" }
}
