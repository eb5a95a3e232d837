import Foundation
import GRDB
import PledgeCore
@testable import PledgeStore

/// A fresh ledger in its own temporary directory (SQLite), or in a database of its own on the test server
/// (PostgreSQL, `$PLEDGE_TEST_POSTGRES`, which `Scripts/test` starts), removed when the value goes away.
final class TemporaryLedger {
    let directory: URL
    /// The SQLite file, or the PostgreSQL URL.
    let path: String
    let ledger: Ledger
    let backend: Backend
    private let database: TestDatabase?

    init(initialize: Bool = true, backend: Backend = .sqlite) throws {
        self.backend = backend
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = backend == .postgres ? try TestDatabase() : nil
        path = database?.url ?? directory.appendingPathComponent("ledger.sqlite").path
        ledger = try Ledger.create(at: path, operatorName: "tester")
        if initialize { _ = try ledger.initialize(reference: .shipped()) }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A plain SQLite connection to the file, as an auditor's `sqlite3` would have.
    func raw() throws -> DatabaseQueue { try DatabaseQueue(path: path) }

    func entryCount() throws -> Int {
        try ledger.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM entries")! }
    }

    /// The rows of a plain SQL query, read through the ledger's own connection (either backend).
    func rows(_ sql: String) throws -> [SQLRow] { try ledger.read { try $0.rows(sql: sql) } }
}

/// A database of its own on the PostgreSQL test server, dropped when the value goes away. A test that cannot reach the
/// server fails: PostgreSQL is a backend to test, not an option.
final class TestDatabase {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "PLEDGE_TEST_POSTGRES is not set: run the tests through Scripts/test, which starts a PostgreSQL server" }
    }

    let name = "pledge_store_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let url: String
    private let server: PostgresLocation

    init() throws {
        guard let text = ProcessInfo.processInfo.environment["PLEDGE_TEST_POSTGRES"], !text.isEmpty else { throw Unavailable() }
        server = try PostgresLocation(url: text)
        var location = server
        location.database = name
        url = "postgresql://\(location.user)@\(location.host):\(location.port)/\(name)"
        try Self.admin(server, "CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0")
    }

    deinit { try? Self.admin(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

    private static func admin(_ server: PostgresLocation, _ sql: String) throws {
        let session = try PostgresSession.connect(server)
        defer { session.close() }
        try session.query(sql, [])
    }
}

func sampleRegistration(_ regNo: String = "Y2024620000001", date: String = "2024-03-05", amountWan: Int64 = 100,
                        park: String? = "兰州高新技术产业开发区", type: IPType = .patent) -> Registration {
    Registration(regNo: regNo, regDate: try! CivilDate.parse(date), uscc: "914403001922038216", enterprise: "甘肃示例科技有限公司",
                 bank: "兰州银行", amount: Fen(amountWan * MoneyUnit.wan.fenPerUnit), ipType: type,
                 ipNumbers: [sampleRight(regNo, type: type)], park: park,
                 prefectureCode: park == nil ? nil : "620100", rywq: true)
}

/// A right of its own for each 登记号 (the ledger refuses a right pledged twice): ZL201710601862.3 or 12345678 for the
/// default one, a number derived from the 登记号 for the others.
func sampleRight(_ regNo: String, type: IPType) -> String {
    guard regNo != "Y2024620000001" else { return type == .patent ? "ZL201710601862.3" : "12345678" }
    var h: UInt64 = 1469598103934665603
    for b in regNo.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
    switch type {
    case .patent:
        let digits = String(2000 + Int(h % 24)) + "1" + String(format: "%07d", Int(h / 24 % 10_000_000))
        return "ZL" + digits + "." + String(PatentNumber.checkCharacter(for: digits))
    case .trademark: return String(10_000_000 + Int(h % 59_999_999))
    default: return "R-" + regNo
    }
}

/// A valid USCC for every number (distinct numbers, distinct codes).
func sampleUSCC(_ i: Int) -> String {
    let charset = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    var body = Array("91620100")
    var n = i
    for _ in 0..<9 { body.append(charset[n % 31]); n /= 31 }
    return String(body) + String(USCC.checkCharacter(for: body)!)
}
