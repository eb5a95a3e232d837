import Crypto
import Foundation
import GRDB
import GRDBSQLite
import Testing
import PledgeCore
@testable import PledgeStore

@Suite("Ledger file, journal and projections")
struct LedgerTests {
    @Test("create makes a 0600 file, refuses an existing one, open refuses a missing one")
    func createAndOpen() throws {
        let t = try TemporaryLedger()
        let mode = try FileManager.default.attributesOfItem(atPath: t.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: StoreError.ledgerExists(path: t.path)) { try Ledger.create(at: t.path, operatorName: "x") }
        let missing = t.directory.appendingPathComponent("none.sqlite").path
        #expect(throws: StoreError.ledgerMissing(path: missing)) { try Ledger.open(at: missing, readOnly: false, operatorName: "x") }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test("a file that is not SQLite is refused without being changed")
    func notALedger() throws {
        let t = try TemporaryLedger()
        let junk = t.directory.appendingPathComponent("junk.sqlite").path
        let bytes = Data("this is a spreadsheet, not a ledger\n".utf8)
        _ = FileManager.default.createFile(atPath: junk, contents: bytes)
        #expect { try Ledger.open(at: junk, readOnly: false, operatorName: "x") } throws: {
            ($0 as? StoreError)?.category == .io
        }
        #expect(FileManager.default.contents(atPath: junk) == bytes)
    }

    @Test("init records the reference lists and the default target as entries", arguments: Backend.allCases)
    func initialEntries(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        #expect(try t.entryCount() == 2)
        let reference = try t.ledger.reference()
        #expect(reference == ReferenceData.shipped())
        #expect(reference.prefectures.count == 14)
        #expect(reference.park("兰州高新区")?.prefectureCode == "620100")
        #expect(reference.bank("工行")?.name == "中国工商银行甘肃省分行")
        #expect(try t.ledger.target(named: nil) == Target.gansu2025)
    }

    @Test("the hash chain is SHA-256(prev_hash ‖ payload) from 64 zeros", arguments: Backend.allCases)
    func hashChain(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        _ = try t.ledger.register(sampleRegistration())
        _ = try t.ledger.void("Y2024620000001", reason: "测试")
        let rows = try t.rows("SELECT seq, payload, prev_hash, hash FROM entries ORDER BY seq")
        var prev = String(repeating: "0", count: 64)
        for (i, row) in rows.enumerated() {
            #expect(row["seq"] as Int64 == Int64(i + 1))
            #expect(row["prev_hash"] as String == prev)
            let digest = SHA256.hash(data: Data((prev + (row["payload"] as String)).utf8))
            let hex = digest.map { String(format: "%02x", $0) }.joined()
            #expect(row["hash"] as String == hex)
            prev = hex
        }
        #expect(try t.ledger.head() == AppendedEntry(seq: 4, hash: prev))
    }

    @Test("the journal refuses UPDATE, DELETE and out-of-chain INSERT")
    func appendOnly() throws {
        let t = try TemporaryLedger()
        let db = try t.raw()
        for sql in ["UPDATE entries SET operator = 'mallory'", "DELETE FROM entries WHERE seq = 2",
                    "INSERT INTO entries(seq, at, operator, kind, payload, prev_hash, hash) VALUES (9, 'x', 'x', 'target', '{}', '\(String(repeating: "0", count: 64))', '\(String(repeating: "1", count: 64))')"] {
            #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: sql) } }
        }
        #expect(try t.entryCount() == 2)
    }

    @Test("payloads decode back to the events written", arguments: Backend.allCases)
    func payloadRoundTrip(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        let r = sampleRegistration()
        _ = try t.ledger.register(r, late: true)
        _ = try t.ledger.extend(r.regNo, maturity: CivilDate(year: 2027, month: 1, day: 1)!)
        _ = try t.ledger.release(r.regNo, date: CivilDate(year: 2025, month: 1, day: 2)!, reason: .other)
        let history = try t.ledger.history(r.regNo)
        #expect(history.map(\.kind) == [.register, .extend, .release])
        #expect(history[0].event == .register(r))
        #expect(history[0].late)
        #expect(history[0].operator == "tester")
        #expect(history[1].event == .extend(from: nil, to: CivilDate(year: 2027, month: 1, day: 1)!))
        #expect(history[2].event == .release(date: CivilDate(year: 2025, month: 1, day: 2)!, reason: .other))
    }

    @Test("the canonical payload is JSONEncoder's sorted-keys output, compact, slashes unescaped")
    func canonicalForm() throws {
        let payload = try CanonicalEntry.payload(seq: 3, at: "2024-01-01T00:00:00.000Z", operator: "a/b", regNo: "R/1", late: false,
                                                 event: .void(reason: "x\"y"))
        #expect(payload == #"{"at":"2024-01-01T00:00:00.000Z","data":{"reason":"x\"y"},"kind":"void","operator":"a/b","regNo":"R/1","seq":3}"#)
    }

    @Test("an existing 登记号 is a conflict and writes nothing", arguments: Backend.allCases)
    func duplicate(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        _ = try t.ledger.register(sampleRegistration())
        let head = try t.ledger.head()
        #expect(throws: StoreError.registrationExists(regNo: "Y2024620000001")) {
            try t.ledger.register(sampleRegistration(amountWan: 5))
        }
        #expect(try t.ledger.head() == head)
    }

    @Test("lifecycle rules: what each state allows", arguments: Backend.allCases)
    func transitions(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        let r = sampleRegistration()
        _ = try t.ledger.register(r)
        let early = CivilDate(year: 2024, month: 3, day: 4)!
        #expect(throws: LifecycleError.self) { try t.ledger.release(r.regNo, date: early, reason: .repaid) }
        #expect(throws: StoreError.registrationMissing(regNo: "nope")) { try t.ledger.void("nope", reason: "x") }
        _ = try t.ledger.markDefault(r.regNo, date: CivilDate(year: 2024, month: 9, day: 1)!)
        #expect { try t.ledger.markDefault(r.regNo, date: CivilDate(year: 2024, month: 9, day: 2)!) } throws: {
            ($0 as? any PledgeFailure)?.category == .conflict
        }
        _ = try t.ledger.release(r.regNo, date: CivilDate(year: 2024, month: 10, day: 1)!, reason: .other)
        _ = try t.ledger.void(r.regNo, reason: "录入错误")
        #expect { try t.ledger.void(r.regNo, reason: "again") } throws: { ($0 as? any PledgeFailure)?.category == .conflict }
        #expect { try t.ledger.correct(r.regNo, reason: "x") { _ in r } } throws: { ($0 as? any PledgeFailure)?.category == .conflict }
        #expect(try t.ledger.registration(r.regNo)?.status == .void)
    }

    @Test("extensions must move the maturity later", arguments: Backend.allCases)
    func extensions(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        var r = sampleRegistration()
        r.maturity = CivilDate(year: 2025, month: 3, day: 5)
        _ = try t.ledger.register(r)
        #expect(throws: LifecycleError.self) { try t.ledger.extend(r.regNo, maturity: CivilDate(year: 2025, month: 3, day: 5)!) }
        _ = try t.ledger.extend(r.regNo, maturity: CivilDate(year: 2026, month: 3, day: 5)!)
        #expect(try t.ledger.registration(r.regNo)?.registration.maturity == CivilDate(year: 2026, month: 3, day: 5))
    }

    @Test("a correction that changes nothing is refused", arguments: Backend.allCases)
    func emptyCorrection(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        let r = sampleRegistration()
        _ = try t.ledger.register(r)
        #expect { try t.ledger.correct(r.regNo, reason: "x") { $0.registration } } throws: {
            ($0 as? LifecycleError)?.rule == .correctionChangesNothing
        }
    }

    @Test("a read-only ledger refuses writes and leaves the file's bytes alone")
    func readOnly() throws {
        let t = try TemporaryLedger()
        let before = FileManager.default.contents(atPath: t.path)
        let ro = try Ledger.open(at: t.path, readOnly: true, operatorName: "auditor")
        #expect(throws: StoreError.readOnly(path: t.path)) { try ro.register(sampleRegistration()) }
        #expect(try ro.targets().count == 1)
        #expect(FileManager.default.contents(atPath: t.path) == before)
    }

    @Test("a first load writes with a rollback journal, then the ledger is back in WAL mode; otherwise bulkWrite is write")
    func firstLoadJournal() throws {
        let t = try TemporaryLedger()
        func mode(_ tx: LedgerTransaction) throws -> String? { try String.fetchOne(tx.db, sql: "PRAGMA journal_mode") }
        #expect(try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in
            _ = try tx.append(.register(sampleRegistration("J-1")), regNo: "J-1")
            return try mode(tx)
        } == "delete")
        #expect(try t.raw().read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(!FileManager.default.fileExists(atPath: t.path + "-journal"))
        // The ledger has a registration now: the WAL stays.
        #expect(try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in try mode(tx) } == "wal")

        // Another connection with a read open: no waiting for it, the load runs in the WAL.
        let other = try TemporaryLedger()
        let reader = try other.raw()
        try reader.read { db in
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM entries")
            #expect(try other.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in try mode(tx) } == "wal")
        }
        // A rollback (an import refused) leaves the ledger as it was, in WAL mode.
        struct Refused: Error {}
        let before = try other.entryCount()
        #expect(throws: Refused.self) {
            try other.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in
                _ = try tx.append(.register(sampleRegistration("J-2")), regNo: "J-2")
                throw Refused()
            }
        }
        #expect(try other.entryCount() == before)
        #expect(try other.raw().read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test("a writable open puts a ledger left in rollback-journal mode back in WAL mode; a read-only open leaves it")
    func reopenRestoresWAL() throws {
        let t = try TemporaryLedger()
        let path = t.directory.appendingPathComponent("left.sqlite").path
        _ = try Ledger.create(at: path, operatorName: "clerk")   // closed again when the value goes away
        func mode() throws -> String? { try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } }
        try DatabaseQueue(path: path).writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
        #expect(try mode() == "delete")
        _ = try Ledger.open(at: path, readOnly: true, operatorName: "auditor")
        #expect(try mode() == "delete")
        _ = try Ledger.open(at: path, readOnly: false, operatorName: "clerk")
        #expect(try mode() == "wal")
    }

    @Test("a second writer waiting past the busy timeout gets a busy error")
    func busy() throws {
        let t = try TemporaryLedger()
        let other = try Ledger.open(at: t.path, readOnly: false, operatorName: "b", busyTimeout: 0.2)
        _ = try t.ledger.write { _ in
            #expect(throws: StoreError.busy(path: t.path)) { try other.register(sampleRegistration()) }
        }
        #expect(try t.entryCount() == 2)
    }
}

@Suite("Data-quality checks and verification in the store")
struct StoreAuditTests {
    @Test("maturity before registration is found (rows that bypassed validation, e.g. an old import)", arguments: Backend.allCases)
    func maturityBeforeRegistration(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        var r = sampleRegistration("OLD-1")
        r.maturity = CivilDate(year: 2024, month: 1, day: 1)
        _ = try t.ledger.register(r)
        let findings = try t.ledger.dataQualityFindings(asOf: CivilDate(year: 2023, month: 6, day: 1)!)
        #expect(findings.map(\.rule) == [.maturityBeforeRegistration])
        #expect(findings.first?.regNos == ["OLD-1"])
    }

    @Test("verify is clean after every kind of entry, and rebuilds period and status totals", arguments: Backend.allCases)
    func verifyAfterEverything(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        _ = try t.ledger.register(sampleRegistration("A", date: "2024-01-05"))
        _ = try t.ledger.register(sampleRegistration("B", date: "2024-02-05", type: .trademark))
        _ = try t.ledger.correct("A", reason: "x") { s in var r = s.registration; r.amount = Fen(5); return r }
        _ = try t.ledger.closePeriod(YearMonth(year: 2024, month: 1)!, today: CivilDate(year: 2025, month: 1, day: 1)!)
        _ = try t.ledger.void("B", reason: "y")
        _ = try t.ledger.release("A", date: CivilDate(year: 2024, month: 6, day: 1)!, reason: .repaid)
        _ = try t.ledger.setTarget(Target(name: "t2", amount: Fen(1), from: CivilDate(year: 2024, month: 1, day: 1)!,
                                          to: CivilDate(year: 2024, month: 12, day: 31)!, ipType: nil))
        let report = try t.ledger.verify()
        #expect(report.isClean, "\(report.findings)")
        #expect(report.entries == 9)
    }
}
