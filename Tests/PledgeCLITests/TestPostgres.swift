import Foundation
import Testing

/// The throwaway PostgreSQL server `Scripts/test` starts (`Scripts/postgres`): its URL is in `$PLEDGE_TEST_POSTGRES`.
/// A test that needs it and does not find it fails: PostgreSQL is a backend to test, not an option.
enum TestPostgres {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "PLEDGE_TEST_POSTGRES is not set: run the tests through Scripts/test, which starts a PostgreSQL server" }
    }

    /// postgresql://USER@HOST:PORT/postgres
    static func server() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["PLEDGE_TEST_POSTGRES"], !url.isEmpty else { throw Unavailable() }
        return url
    }

    /// The URL of database `name` on the test server.
    static func url(_ name: String) throws -> String {
        let server = try server()
        return String(server[..<server.lastIndex(of: "/")!]) + "/" + name
    }

    /// `psql`'s answer (unaligned, tuples only), as an administrator would get it; the exit code and stderr too.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> (out: String, err: String, code: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: o, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                String(decoding: e, as: UTF8.self), process.terminationStatus)
    }

    /// A new, empty database of the test's own (UTF8), dropped when the value goes away.
    final class Database {
        let name: String
        let url: String

        init() throws {
            name = "pledge_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            url = try TestPostgres.url(name)
            let made = try TestPostgres.psql(try TestPostgres.server(), "CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0")
            guard made.code == 0 else { throw Failed(message: made.err) }
        }

        deinit { _ = try? TestPostgres.psql(try TestPostgres.server(), "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

        struct Failed: Error { var message: String }

        func psql(_ sql: String) throws -> (out: String, err: String, code: Int32) { try TestPostgres.psql(url, sql) }
    }
}
