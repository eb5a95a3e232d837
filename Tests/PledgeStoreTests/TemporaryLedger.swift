import Foundation
import GRDB
import PledgeCore
@testable import PledgeStore

/// A fresh ledger in its own temporary directory, removed when the value goes away.
final class TemporaryLedger {
    let directory: URL
    let path: String
    let ledger: Ledger

    init(initialize: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("ledger.sqlite").path
        ledger = try Ledger.create(at: path, operatorName: "tester")
        if initialize { try ledger.initialize(reference: .shipped()) }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A plain SQLite connection to the file, as an auditor's `sqlite3` would have.
    func raw() throws -> DatabaseQueue { try DatabaseQueue(path: path) }

    func entryCount() throws -> Int {
        try ledger.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM entries")! }
    }
}

func sampleRegistration(_ regNo: String = "Y2024620000001", date: String = "2024-03-05", amountWan: Int64 = 100,
                        park: String? = "兰州高新技术产业开发区", type: IPType = .patent) -> Registration {
    Registration(regNo: regNo, regDate: try! CivilDate.parse(date), uscc: "914403001922038216", enterprise: "甘肃示例科技有限公司",
                 bank: "兰州银行", amount: Fen(amountWan * MoneyUnit.wan.fenPerUnit), ipType: type,
                 ipNumbers: type == .patent ? ["ZL201710601862.3"] : ["12345678"], park: park,
                 prefectureCode: park == nil ? nil : "620100", rywq: true)
}

/// A valid USCC for every number (distinct numbers, distinct codes).
func sampleUSCC(_ i: Int) -> String {
    let charset = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    var body = Array("91620100")
    var n = i
    for _ in 0..<9 { body.append(charset[n % 31]); n /= 31 }
    return String(body) + String(USCC.checkCharacter(for: body)!)
}
