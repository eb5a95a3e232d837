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

    @Test("init records the reference lists and the default target as entries")
    func initialEntries() throws {
        let t = try TemporaryLedger()
        #expect(try t.entryCount() == 2)
        let reference = try t.ledger.reference()
        #expect(reference == ReferenceData.shipped())
        #expect(reference.prefectures.count == 14)
        #expect(reference.park("兰州高新区")?.prefectureCode == "620100")
        #expect(reference.bank("工行")?.name == "中国工商银行甘肃省分行")
        #expect(try t.ledger.target(named: nil) == Target.gansu2025)
    }

    @Test("the hash chain is SHA-256(prev_hash ‖ payload) from 64 zeros")
    func hashChain() throws {
        let t = try TemporaryLedger()
        _ = try t.ledger.register(sampleRegistration())
        _ = try t.ledger.void("Y2024620000001", reason: "测试")
        let rows = try t.raw().read { db in try Row.fetchAll(db, sql: "SELECT seq, payload, prev_hash, hash FROM entries ORDER BY seq") }
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

    @Test("payloads decode back to the events written")
    func payloadRoundTrip() throws {
        let t = try TemporaryLedger()
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

    @Test("an existing 登记号 is a conflict and writes nothing")
    func duplicate() throws {
        let t = try TemporaryLedger()
        _ = try t.ledger.register(sampleRegistration())
        let head = try t.ledger.head()
        #expect(throws: StoreError.registrationExists(regNo: "Y2024620000001")) {
            try t.ledger.register(sampleRegistration(amountWan: 5))
        }
        #expect(try t.ledger.head() == head)
    }

    @Test("lifecycle rules: what each state allows")
    func transitions() throws {
        let t = try TemporaryLedger()
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

    @Test("extensions must move the maturity later")
    func extensions() throws {
        let t = try TemporaryLedger()
        var r = sampleRegistration()
        r.maturity = CivilDate(year: 2025, month: 3, day: 5)
        _ = try t.ledger.register(r)
        #expect(throws: LifecycleError.self) { try t.ledger.extend(r.regNo, maturity: CivilDate(year: 2025, month: 3, day: 5)!) }
        _ = try t.ledger.extend(r.regNo, maturity: CivilDate(year: 2026, month: 3, day: 5)!)
        #expect(try t.ledger.registration(r.regNo)?.registration.maturity == CivilDate(year: 2026, month: 3, day: 5))
    }

    @Test("a correction that changes nothing is refused")
    func emptyCorrection() throws {
        let t = try TemporaryLedger()
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

    @Test("bulk writes keep statement journals in memory; the deferred index builds sort with temporary files again")
    func bulkTempStore() throws {
        let t = try TemporaryLedger()
        func tempStore(_ db: Database) throws -> Int? { try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        try t.ledger.bulkWrite(rollbackJournalIfEmpty: false) { tx in
            #expect(try tempStore(tx.db) == 2)
            let session = try ImportSession(tx)
            #expect(try session.add(sampleRegistration("T-1"), row: 2) == .new(seq: 3))
            try session.finish()
            #expect(try tempStore(tx.db) == 1)
        }
        #expect(try t.ledger.read { try tempStore($0) } == 0)
        #expect(try t.ledger.verify().isClean)
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
    @Test("maturity before registration is found (rows that bypassed validation, e.g. an old import)")
    func maturityBeforeRegistration() throws {
        let t = try TemporaryLedger()
        var r = sampleRegistration("OLD-1")
        r.maturity = CivilDate(year: 2024, month: 1, day: 1)
        _ = try t.ledger.register(r)
        let findings = try t.ledger.dataQualityFindings()
        #expect(findings.map(\.rule) == [.maturityBeforeRegistration])
        #expect(findings.first?.regNos == ["OLD-1"])
    }

    @Test("verify is clean after every kind of entry, and rebuilds period and status totals")
    func verifyAfterEverything() throws {
        let t = try TemporaryLedger()
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

@Suite("The import hot path")
struct ImportHotPathTests {
    static let payloadSamples: [Registration] = [
        sampleRegistration(),
        Registration(regNo: "R\"1\\/", regDate: CivilDate(year: 2024, month: 2, day: 29)!, uscc: "914403001922038215", usccOverride: true,
                     enterprise: "甘肃\"引号\"\\反斜杠/斜杠", bank: "兰州银行", branch: "科技支行", amount: Fen(1), ipType: .copyright,
                     ipNumbers: ["2023SR0123456", "A/B"], park: nil, prefectureCode: "620400", maturity: CivilDate(year: 2026, month: 1, day: 1),
                     rate: "3.85", rywq: false, firstLoan: true, insured: true,
                     notes: "行一\n行二\r\n\t制表\u{1}\u{8}\u{c}\u{1f}\u{7f}\u{2028}😀"),
        Registration(regNo: "X", regDate: CivilDate(year: 2021, month: 1, day: 1)!, uscc: "914403001922038216", enterprise: "e", bank: "b",
                     amount: Fen(Int64.max), ipType: .other, ipNumbers: []),
    ]

    @Test("the hand-built register payload is byte-identical to JSONEncoder's canonical form", arguments: payloadSamples)
    func payloadMatchesEncoder(r: Registration) {
        for (late, seq) in [(false, 1), (true, 42), (false, 1_000_000_007), (true, Int64.max)] as [(Bool, Int64)] {
            var builder = CanonicalRegisterPayload()
            let fast = String(decoding: builder.build(seq: seq, at: "2026-01-02T03:04:05.678Z", operator: "王/会计\"", late: late, registration: r), as: UTF8.self)
            let slow = try? CanonicalEntry.payload(seq: seq, at: "2026-01-02T03:04:05.678Z", operator: "王/会计\"", regNo: r.regNo, late: late,
                                                    event: .register(r))
            #expect(fast == slow)
        }
    }

    @Test("the fast payload reader reads what JSONDecoder reads from every canonical register payload", arguments: payloadSamples)
    func readerMatchesDecoder(r: Registration) throws {
        var builder = CanonicalRegisterPayload()
        for (late, seq) in [(false, 1), (true, 42), (false, Int64.max)] as [(Bool, Int64)] {
            let payload = builder.build(seq: seq, at: "2026-01-02T03:04:05.678Z", operator: "王/会计\"\u{1}", late: late, registration: r)
            let fast = try #require(payload.withUnsafeBytes { RegisterPayloadReader.read($0) })
            let slow = try CanonicalEntry.decode(payload: String(decoding: payload, as: UTF8.self))
            #expect(slow.event == .register(fast.registration))
            #expect(slow.header.seq == fast.seq && slow.header.at == fast.at && slow.header.operator == fast.operator)
            #expect(slow.header.late == fast.late && slow.header.regNo == fast.regNo)
        }
    }

    @Test("the fast payload reader declines every other form of a canonical payload (JSONDecoder would read them all)", arguments: [
        (#""amountFen":"#, #""amountFen": "#), (#"{"at":"#, #"{ "at":"#), (#""bank":"#, #""bank":"x","bank":"#),
        (#","kind":"register""#, #","kind":"register","late":false"#), ("2026/01", #"2026\/01"#), (#""ipType":"patent""#, #""ipType":"p\u0061tent""#),
        (#""seq":42"#, #""seq":042"#), (#""operator":"o\u001f""#, #""operator":"o\u001F""#),
        (#""enterprise":"#, #""branch":null,"enterprise":"#), (#""insured":false,"#, ""), (#""operator":"o\u001f""#, #""operator":"o\u001f","operator":"o\u001f""#),
    ])
    func readerDeclinesOtherForms(from: String, to: String) throws {
        var builder = CanonicalRegisterPayload()
        let r = sampleRegistration()
        let canonical = String(decoding: builder.build(seq: 42, at: "2026/01/02T03:04:05.678Z", operator: "o\u{1f}", late: false, registration: r), as: UTF8.self)
        #expect(Array(canonical.utf8).withUnsafeBytes { RegisterPayloadReader.read($0) } != nil)
        let other = canonical.replacingOccurrences(of: from, with: to)
        #expect(other != canonical)
        #expect(Array(other.utf8).withUnsafeBytes { RegisterPayloadReader.read($0) } == nil, "\(other)")
    }

    @Test("the fast payload reader declines what it cannot read exactly (JSONDecoder then decides)", arguments: [
        #"{"at":"t","data":{},"kind":"register","operator":"o","seq":1}"#, #"{"at":"t","kind":"void","operator":"o","seq":1}"#,
        #"{"at":"t\x","kind":"register"}"#, #"{"seq":01}"#, #"{"seq":99999999999999999999}"#, "", "{", #"{"at":"\ud800"}"#,
    ])
    func readerDeclines(payload: String) {
        #expect(Array(payload.utf8).withUnsafeBytes { RegisterPayloadReader.read($0) } == nil)
    }

    @Test("the word-at-a-time escape check agrees with a byte loop: each byte value at each position, on several backgrounds",
          arguments: [0x61, 0xE7, 0x80, 0xFF, 0x21, 0x23, 0x5B, 0x5D, 0x20, 0x7F] as [UInt8])
    func plainCheck(background: UInt8) {
        func expected(_ b: [UInt8]) -> Bool { !b.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") } }
        var wrong: [[UInt8]] = []
        for length in [1, 7, 8, 9, 16, 17, 24] {
            for position in 0..<length {
                for value in 0...255 {
                    var bytes = [UInt8](repeating: background, count: length)
                    bytes[position] = UInt8(value)
                    if bytes.withUnsafeBufferPointer({ PayloadWriter.isPlain($0) }) != expected(bytes) { wrong.append(bytes) }
                }
            }
        }
        var random = SeededGenerator(seed: UInt64(background))
        for _ in 0..<20_000 {
            let bytes = (0..<Int(random.next() % 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if bytes.withUnsafeBufferPointer({ PayloadWriter.isPlain($0) }) != expected(bytes) { wrong.append(bytes) }
        }
        #expect(wrong.isEmpty, "misjudged: \(wrong.prefix(5))")
    }

    @Test("a bulk import gives the same projections as registering one by one, and verifies, whenever the deltas are flushed",
          arguments: [100_000, 7, 1])
    func sameAsOneByOne(flushEvery: Int) throws {
        let one = try TemporaryLedger(), bulk = try TemporaryLedger()
        var regs: [Registration] = []
        for i in 0..<200 {
            let date = "2024-0\(1 + i % 9)-1\(i % 10)"
            let park: String? = i % 3 == 0 ? nil : "兰州高新技术产业开发区"
            let type: IPType = i % 5 == 0 ? .trademark : .patent
            var r = sampleRegistration("B-\(i)", date: date, amountWan: Int64(10 + i), park: park, type: type)
            // Repeated enterprises under changing names: the last name written must win across flushes.
            r.uscc = sampleUSCC(i % 13)
            r.enterprise = "企业\(i % 13)-\(i / 50)"
            regs.append(r)
        }
        for r in regs { _ = try one.ledger.register(r) }
        try bulk.ledger.write { tx in
            let session = try ImportSession(tx, flushEvery: flushEvery)
            for (i, r) in regs.enumerated() { #expect(try session.add(r, row: i + 2) == .new(seq: Int64(i + 3))) }
            #expect(try session.add(regs[0], row: 999) == .unchanged)
            try session.finish()
        }
        for table in ["registrations", "registration_rights", "enterprises", "monthly_totals", "status_totals", "group_totals",
                      "target_enterprises", "targets"] {
            let dump = "SELECT * FROM \(table) ORDER BY 1, 2"
            #expect(try one.raw().read { try Row.fetchAll($0, sql: dump) } == bulk.raw().read { try Row.fetchAll($0, sql: dump) }, "\(table)")
        }
        #expect(try bulk.ledger.verify().isClean)
    }
}

@Suite("Lifecycle events inside a first load")
struct FirstLoadLifecycleTests {
    @Test("a release during a first load (secondary indexes deferred) updates its row without scanning a table")
    func noScanPerEvent() throws {
        let t = try TemporaryLedger()
        try t.ledger.write { tx in
            let session = try ImportSession(tx)
            for i in 0..<200 { _ = try session.add(sampleRegistration("L-\(i)", date: "2024-0\(1 + i % 9)-10"), row: i + 2) }
            _ = try session.append(.release(date: CivilDate(year: 2025, month: 1, day: 2)!, reason: .other), regNo: "L-7", row: 999)
            let update = try tx.db.cachedStatement(sql: ProjectionWriter.updateRow)
            #expect(sqlite3_stmt_status(update.sqliteStatement, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0) == 0)
            #expect(try String.fetchOne(tx.db, sql: "SELECT status FROM registrations WHERE reg_no = 'L-7'") == "released")
            try session.finish()
        }
        #expect(try t.ledger.verify().isClean)
    }
}

@Suite("Decoding the canonical payload")
struct CanonicalDecodeTests {
    @Test("a note that spells out a kind does not fool the kind peek; every kind round-trips")
    func peek() throws {
        var r = sampleRegistration()
        r.notes = #"x,"kind":"void","seq":1 \",\"kind\":\"void"#
        let events: [LedgerEvent] = [.register(r), .void(reason: #","kind":"register""#), .extend(from: nil, to: CivilDate(year: 2030, month: 1, day: 1)!),
                                     .release(date: CivilDate(year: 2025, month: 1, day: 1)!, reason: .other), .target(.gansu2025)]
        for event in events {
            let payload = try CanonicalEntry.payload(seq: 7, at: "t", operator: "o", regNo: "R", late: true, event: event)
            #expect(CanonicalEntry.peekKind(Array(payload.utf8)) == event.kind)
            let decoded = try CanonicalEntry.decode(payload: payload)
            #expect(decoded.event == event)
            #expect(decoded.header.seq == 7 && decoded.header.late && decoded.header.regNo == "R")
        }
        for broken in [#"{"at":"t","data":{},"operator":"o","seq":1}"#, #"{"at":"t","data":{},"kind":"teleport","operator":"o","seq":1}"#, "not json"] {
            #expect(throws: LedgerDataError.self) { try CanonicalEntry.decode(payload: broken) }
        }
    }
}

@Suite("Bulk writes past the flush threshold")
struct BulkFlushTests {
    @Test("more distinct enterprises than the flush threshold: projections still equal the journal's rebuild")
    func flushMidway() throws {
        let t = try TemporaryLedger()
        let flushEvery = 500
        try t.ledger.write { tx in
            let session = try ImportSession(tx, flushEvery: flushEvery)
            for i in 0..<(2 * flushEvery + 100) {
                var r = sampleRegistration("F-\(i)", date: "2024-0\(1 + i % 9)-0\(1 + i % 9)", amountWan: Int64(1 + i % 50))
                r.uscc = sampleUSCC(i)
                _ = try session.add(r, row: i + 2)
            }
            try session.finish()
        }
        let report = try t.ledger.verify()
        #expect(report.isClean, "\(report.findings)")
        let served = try t.raw().read { db in
            try Int.fetchOne(db, sql: "SELECT enterprises FROM targets WHERE name = 'gansu-2025'") == Int.fetchOne(db, sql: """
                SELECT count(DISTINCT uscc) FROM registrations WHERE ip_type = 'patent' AND status <> 'void' AND reg_date BETWEEN '2021-01-01' AND '2025-12-31'
                """)
        }
        #expect(served)
        #expect(try t.ledger.progressDetails(target: .gansu2025, asOf: CivilDate(year: 2026, month: 1, day: 1)!).enterprisesServed
                == 2 * flushEvery + 100)
    }
}

@Suite("Schema upgrades")
struct MigrationTests {
    @Test("a ledger written before 002_group_totals is upgraded on the first writable open; read-only refuses with a hint")
    func upgradeFrom001() throws {
        let t = try TemporaryLedger()
        for (i, d) in ["2021-03-04", "2022-07-31", "2024-02-29", "2025-12-31"].enumerated() {
            _ = try t.ledger.register(sampleRegistration("M\(i)", date: d, amountWan: Int64(10 * (i + 1)), park: i % 2 == 0 ? nil : "兰州新区"))
        }
        _ = try t.ledger.void("M1", reason: "重复")
        // Back to the schema of 001 as shipped: what an older pledge left on disk.
        try t.raw().write { db in
            try db.execute(sql: """
                DROP TABLE group_totals; DROP TABLE target_enterprises; ALTER TABLE targets DROP COLUMN enterprises;
                DELETE FROM grdb_migrations WHERE identifier IN ('002_group_totals', '003_check_lists');
                """)
        }
        #expect(throws: StoreError.olderSchema(path: t.path)) {
            try Ledger.open(at: t.path, readOnly: true, operatorName: "auditor")
        }
        let upgraded = try Ledger.open(at: t.path, readOnly: false, operatorName: "clerk")
        #expect(try upgraded.verify().isClean)
        let details = try upgraded.progressDetails(target: .gansu2025, asOf: CivilDate(year: 2026, month: 1, day: 1)!)
        #expect(details.enterprisesServed == 1)
        let groups = try t.raw().read { db in
            try String.fetchAll(db, sql: "SELECT dimension || grp || month || status || registrations FROM group_totals WHERE dimension IN ('all', 'park') ORDER BY 1")
        }
        #expect(groups == ["all2021-03active1", "all2022-07void1", "all2024-02active1", "all2025-12active1",
                           "park2021-03active1", "park2024-02active1", "park兰州新区2022-07void1", "park兰州新区2025-12active1"])
    }

    /// The schema text of every table, index and trigger, as `sqlite3 .schema` shows it.
    static func schemaText(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name")
    }

    @Test("no CHECK constraint lists three or more constants with IN (SQLite builds a b-tree per INSERT for those)")
    func noConstantLists() throws {
        let t = try TemporaryLedger()
        let text = try t.raw().read { try Self.schemaText($0) }
        #expect(text.count > 20)
        let lists = text.filter { $0.contains(" IN ('") }
        #expect(lists.isEmpty, "\(lists)")
        #expect(try t.raw().read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test("each rewritten CHECK still accepts every listed value and refuses any other", arguments: [
        ("entries", "kind", ["reference", "target", "register", "correct", "void", "release", "default", "extend", "period-close"]),
        ("registrations", "ip_type", ["patent", "trademark", "copyright", "other"]),
        ("registrations", "status", ["active", "released", "defaulted", "void"]),
        ("targets", "ip_type", ["patent", "trademark", "copyright", "other"]),
        ("group_totals", "dimension", ["all", "prefecture", "park", "bank", "rywq", "first_loan"]),
    ])
    func checksStillHold(table: String, column: String, allowed: [String]) throws {
        let t = try TemporaryLedger()
        _ = try t.ledger.register(sampleRegistration("C1"))
        try t.raw().writeWithoutTransaction { db in
            // The journal's triggers are not under test here.
            try db.execute(sql: "DROP TRIGGER entries_no_update")
            let target = table == "group_totals"
                ? "(dimension, grp, month, ip_type, status) IN (SELECT dimension, grp, month, ip_type, status FROM group_totals LIMIT 1)"
                : "rowid = (SELECT min(rowid) FROM \(table))"
            for value in allowed {
                try db.execute(sql: "SAVEPOINT s")
                try db.execute(sql: "UPDATE OR ABORT \(table) SET \(column) = ? WHERE \(target)", arguments: [value])
                #expect(db.changesCount == 1, "\(table).\(column) = \(value)")
                try db.execute(sql: "ROLLBACK TO s; RELEASE s")
            }
            for bad in ["Patent", "", "active ", "x"] where !allowed.contains(bad) {
                #expect(throws: DatabaseError.self, "\(table).\(column) = \(bad)") {
                    try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(target)", arguments: [bad])
                }
            }
        }
    }

    @Test("a ledger written before 003_check_lists gets the new CHECK text on a writable open, its rows untouched")
    func upgradeFrom002() throws {
        let t = try TemporaryLedger()
        _ = try t.ledger.register(sampleRegistration("U1"))
        let fresh = try t.raw().read { try Self.schemaText($0) }
        // The schema text as 001 and 002 left it, from a scratch database migrated that far.
        let scratch = try DatabaseQueue()
        try Ledger.migrator().migrate(scratch, upTo: "002_group_totals")
        let old = try scratch.read { db in try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table'") }
        try t.raw().writeWithoutTransaction { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version")!
            try db.execute(sql: "PRAGMA writable_schema = ON")
            for row in old { try db.execute(sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", arguments: [row["sql"], row["name"]]) }
            try db.execute(sql: "PRAGMA schema_version = \(version + 1); PRAGMA writable_schema = OFF")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '003_check_lists'")
        }
        let before = try t.raw().read { try Self.schemaText($0) }
        #expect(before.contains { $0.contains(" IN ('") }, "the test starts from the old text")
        let rows = try t.raw().read { db in try String.fetchAll(db, sql: "SELECT hash FROM entries ORDER BY seq") }
        #expect(throws: StoreError.olderSchema(path: t.path)) {
            try Ledger.open(at: t.path, readOnly: true, operatorName: "auditor")
        }
        let upgraded = try Ledger.open(at: t.path, readOnly: false, operatorName: "clerk")
        #expect(try t.raw().read { try Self.schemaText($0) } == fresh)
        #expect(try t.raw().read { db in try String.fetchAll(db, sql: "SELECT hash FROM entries ORDER BY seq") } == rows)
        #expect(try t.raw().read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try upgraded.verify().isClean)
        _ = try upgraded.register(sampleRegistration("U2"))
        #expect(try upgraded.verify().isClean)
    }
}

@Suite("Multi-row journal inserts and first-load foreign keys")
struct BulkStatementTests {
    /// Adds `count` register entries continuing the journal's head; `breakAt` (0-based) gets a wrong prev_hash.
    func addEntries(_ insert: BatchedInsert, after head: (seq: Int64, hash: String), count: Int, breakAt: Int? = nil) throws -> (seq: Int64, hash: String) {
        var (seq, prev) = head
        for i in 0..<count {
            seq += 1
            let payload = Array("{\"seq\":\(seq)}".utf8)
            let linked = i == breakAt ? String(repeating: "f", count: 64) : prev
            let hash = CanonicalEntry.hash(prevHash: linked, payload: payload)
            insert.add(seq); insert.add("2026-01-01T00:00:00.000Z"); insert.add("tester"); insert.add("M-\(seq)"); insert.add(bytes: payload)
            insert.add(linked); insert.add(hash)
            try insert.endRow()
            prev = hash
        }
        return (seq, prev)
    }

    func head(_ db: Database) throws -> (seq: Int64, hash: String) {
        let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")!
        return (row[0], row[1])
    }

    @Test("entries written several to a statement go in in order, each checked by the chain trigger against the rows before it")
    func chainedRows() throws {
        let t = try TemporaryLedger()
        struct Undo: Error {}
        let before = try t.entryCount()
        do { try t.ledger.write { tx in
            let insert = try ImportSession.registerEntries(tx.db, rowsPerStatement: 4)
            let start = try head(tx.db)
            // 4 + 4 in two statements, then 2 pending until flush (one statement each).
            let end = try addEntries(insert, after: start, count: 10)
            #expect(insert.pendingRows == 2)
            #expect(try head(tx.db).seq == start.seq + 8)
            try insert.flush()
            #expect(insert.pendingRows == 0)
            #expect(try head(tx.db) == end)
            let seqs = try Int64.fetchAll(tx.db, sql: "SELECT seq FROM entries WHERE seq > ? ORDER BY rowid", arguments: [start.seq])
            #expect(seqs == Array(start.seq + 1 ... start.seq + 10))

            // A broken link in the middle of a statement: the trigger refuses it and none of the statement's rows stay.
            let last = try head(tx.db)
            #expect(throws: DatabaseError.self) { _ = try addEntries(insert, after: last, count: 4, breakAt: 2) }
            #expect(try head(tx.db) == last)
            throw Undo()
        }
        } catch is Undo {}
        #expect(try t.entryCount() == before)
        #expect(try t.ledger.verify().isClean)
    }

    @Test("a first load writes with foreign keys off and on again afterwards; a later load keeps them on")
    func firstLoadForeignKeys() throws {
        let t = try TemporaryLedger()
        func foreignKeys(_ db: Database) throws -> Bool? { try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
        try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in
            #expect(try foreignKeys(tx.db) == false)
            let session = try ImportSession(tx)
            for i in 0..<70 { _ = try session.add(sampleRegistration("K-\(i)"), row: i + 2) }
            try session.finish()
        }
        #expect(try t.ledger.read { try foreignKeys($0) } == true)
        let later = try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in try foreignKeys(tx.db) }
        #expect(later == true)
        #expect(try t.ledger.verify().isClean)
        #expect(try t.raw().read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }.isEmpty)
    }

    @Test("a first load and a later one, each with a correction between its rows, write the rights, enterprise names and served pairs the journal implies",
          arguments: [false, true])
    func loadsWriteDerivedTables(lifecycleEntry: Bool) throws {
        let t = try TemporaryLedger()
        // A second target, of every type and a narrower window, besides the shipped one (patents 2021–2025).
        try t.ledger.setTarget(Target(name: "all-2024", amount: Fen(1_000_000), from: try CivilDate.parse("2024-01-01"),
                                      to: try CivilDate.parse("2024-12-31"), ipType: nil))
        // Numbers the SQL split must return unchanged: quotes, backslashes, apostrophes, Chinese, spaces, JSON escapes.
        let odd = [#"国作登字-2021-"A"-1"#, #"C:\rights\7"#, "作品'登记' 12", "软著登字第0001号", #"\u0041"#, "x,y"]
        func registrations(_ prefix: String, _ range: Range<Int>) -> [Registration] {
            range.map { i in
                var r = sampleRegistration("\(prefix)-\(i)", date: ["2020-06-30", "2024-03-05", "2025-12-31"][i % 3],
                                           type: i % 4 == 0 ? .copyright : .patent)
                r.ipNumbers = i % 4 == 0 ? [odd[i % odd.count], "\(prefix)\(i)"] : ["ZL2017106018\(10 + i).\(i % 10)", "ZL2018106018\(10 + i).X"]
                if i == 5 { r.ipNumbers = odd }
                // Seven enterprises, each registered under several names: the last one written wins.
                (r.uscc, r.enterprise) = (sampleUSCC(i % 7), "企业\(i % 7)-第\(i)次")
                return r
            }
        }
        let tables = ["registration_rights", "enterprises", "target_enterprises"]
        struct Stored { var rights: Set<[String]>, names: [String: String], counts: [Int], countsAfterA: [Int] }
        /// Adds `a`, corrects `regNo`'s rights and name by a lifecycle entry (with `lifecycleEntry`), adds `b`, finishes.
        func load(_ a: [Registration], _ b: [Registration], correcting regNo: String, to numbers: [String]) throws -> Stored {
            try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in
                func counts() throws -> [Int] { try tables.map { try Int.fetchOne(tx.db, sql: "SELECT count(*) FROM \($0)")! } }
                let session = try ImportSession(tx)
                var countsAfterA: [Int] = []
                for (i, r) in (a + b).enumerated() {
                    if i == a.count {
                        countsAfterA = try counts()
                        if lifecycleEntry {
                            let old = a.first { $0.regNo == regNo }!
                            try session.append(.correct(changes: [
                                FieldChange(field: "ipNumbers", from: old.ipNumbers.joined(separator: ";"), to: numbers.joined(separator: ";")),
                                FieldChange(field: "enterprise", from: old.enterprise, to: "更正后的名称")], reason: "更正"), regNo: regNo, row: 1)
                        }
                    }
                    let seq = tx.headSeq + 1
                    #expect(try session.add(r, row: i + 2) == .new(seq: seq))
                }
                try session.finish()
                let rights = Set(try Row.fetchAll(tx.db, sql: "SELECT ip_number, reg_no FROM registration_rights").map { [$0[0], $0[1]] as [String] })
                let names = Dictionary(uniqueKeysWithValues: try Row.fetchAll(tx.db, sql: "SELECT uscc, name FROM enterprises").map { ($0[0] as String, $0[1] as String) })
                return Stored(rights: rights, names: names, counts: try counts(), countsAfterA: countsAfterA)
            }
        }
        func expectedRights(_ list: [Registration], corrected: (String, [String])) -> Set<[String]> {
            guard lifecycleEntry else { return Set(list.flatMap { r in r.ipNumbers.map { [$0, r.regNo] } }) }
            var rights = Set(list.filter { $0.regNo != corrected.0 }.flatMap { r in r.ipNumbers.map { [$0, r.regNo] } })
            for n in corrected.1 { rights.insert([n, corrected.0]) }
            return rights
        }
        func servedPairs(_ list: [Registration]) -> Int {
            Set(list.filter { $0.ipType == .patent && $0.regDate.description >= "2021-01-01" && $0.regDate.description <= "2025-12-31" }.map(\.uscc)).count
                + Set(list.filter { $0.regDate.description.hasPrefix("2024") }.map(\.uscc)).count
        }

        let (a, b) = (registrations("F", 0..<30), registrations("F", 30..<45))
        let first = try load(a, b, correcting: "F-3", to: ["新编号-1", #"新"编号"-2"#])
        #expect(first.counts == [first.rights.count, 7, servedPairs(a + b)])
        #expect(first.rights == expectedRights(a + b, corrected: ("F-3", ["新编号-1", #"新"编号"-2"#])))
        // The last registration written of each USCC (in `b`: the correction of F-3 comes before them) names it.
        #expect(first.names == Dictionary(uniqueKeysWithValues: (0..<7).map { k in (sampleUSCC(k), "企业\(k)-第\((38...44).first { $0 % 7 == k }!)次") }))
        #expect(try t.ledger.verify().isClean)

        let later = try load(registrations("L", 0..<30), registrations("L", 30..<40), correcting: "L-6", to: ["新编号-3"])
        #expect(later.counts == [later.rights.count, 7, servedPairs(a + b + registrations("L", 0..<40))])
        #expect(later.rights == first.rights.union(expectedRights(registrations("L", 0..<40), corrected: ("L-6", ["新编号-3"]))))
        #expect(try t.ledger.verify().isClean)
    }

    static let insertEntry = """
        INSERT INTO entries(seq, at, operator, kind, reg_no, payload, prev_hash, hash)
        VALUES (?, '2026-01-01T00:00:00.000Z', 'tester', 'void', NULL, '{}', ?, ?)
        """
    static func chainTrigger(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'entries_append_only_seq'")
    }

    @Test("a first load writes without the chain trigger and checks every link before it commits; the trigger is back, the same")
    func firstLoadChainTrigger() throws {
        let t = try TemporaryLedger()
        let original = try t.ledger.read { try Self.chainTrigger($0) }
        #expect(original?.hasPrefix("CREATE TRIGGER entries_append_only_seq BEFORE INSERT ON entries") == true)
        try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in
            #expect(try Self.chainTrigger(tx.db) == nil)
            let session = try ImportSession(tx)
            for i in 0..<70 { _ = try session.add(sampleRegistration("C-\(i)"), row: i + 2) }
            try session.finish()
        }
        #expect(try t.ledger.read { try Self.chainTrigger($0) } == original)
        #expect(try t.ledger.verify().isClean)
        // A later load keeps the trigger: a broken link is refused as it is written.
        let before = try t.entryCount()
        try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { (tx: LedgerTransaction) throws -> Void in
            #expect(try Self.chainTrigger(tx.db) == original)
            #expect(throws: DatabaseError.self) {
                try tx.db.execute(sql: Self.insertEntry, arguments: [tx.headSeq + 1, String(repeating: "f", count: 64), String(repeating: "e", count: 64)])
            }
        }
        #expect(try t.entryCount() == before)
    }

    @Test("a first load whose journal does not continue the chain is refused before the commit, trigger and ledger as they were",
          arguments: ["gap", "first link", "later link"])
    func firstLoadBrokenChain(breakage: String) throws {
        let t = try TemporaryLedger()
        let before = try t.entryCount()
        let trigger = try t.ledger.read { try Self.chainTrigger($0) }
        let wrong = String(repeating: "f", count: 64), any = String(repeating: "e", count: 64)
        #expect(throws: StoreError.self) {
            try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in
                if breakage == "first link" {
                    try tx.db.execute(sql: Self.insertEntry, arguments: [tx.headSeq + 1, wrong, any])
                    return
                }
                let session = try ImportSession(tx)
                for i in 0..<3 { _ = try session.add(sampleRegistration("B-\(i)"), row: i + 2) }
                try session.finish()
                // Entries after the session's, each breaking one rule the trigger enforces.
                if breakage == "gap" { try tx.db.execute(sql: Self.insertEntry, arguments: [tx.headSeq + 2, tx.headHash, any]) }
                if breakage == "later link" { try tx.db.execute(sql: Self.insertEntry, arguments: [tx.headSeq + 1, wrong, any]) }
            }
        }
        #expect(try t.entryCount() == before)
        #expect(try t.ledger.read { try Self.chainTrigger($0) } == trigger)
        #expect(try t.raw().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM registrations") } == 0)
        #expect(try t.ledger.verify().isClean)
    }

    @Test("a right naming no registration, written while a first load has foreign keys off, is refused before the commit",
          arguments: ["registration_rights", "park_aliases"])
    func firstLoadOrphan(table: String) throws {
        let t = try TemporaryLedger()
        let before = try t.entryCount()
        #expect(throws: StoreError.self) {
            try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in
                let session = try ImportSession(tx)
                _ = try session.add(sampleRegistration("O-1"), row: 2)
                if table == "registration_rights" {
                    try tx.db.execute(sql: "INSERT INTO registration_rights(ip_number, reg_no) VALUES ('ZL201710601862.3', 'NO-SUCH')")
                } else {
                    try tx.db.execute(sql: "INSERT INTO park_aliases(alias, park) VALUES ('无此园区别名', '无此园区')")
                }
                try session.finish()
            }
        }
        #expect(try t.entryCount() == before)
        #expect(try t.raw().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM registrations") } == 0)
        #expect(try t.ledger.read { try Bool.fetchOne($0, sql: "PRAGMA foreign_keys") } == true)
    }
}
