import Crypto
import Foundation
import GRDB
import GRDBSQLite
import Testing
import PledgeCore
@testable import PledgeStore


@Suite("Lifecycle events inside a first load")
struct FirstLoadLifecycleTests {
    @Test("a release during a first load (secondary indexes deferred) updates its row, and the ledger verifies", arguments: Backend.allCases)
    func releaseInFirstLoad(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        try t.ledger.write { tx in
            let session = try ImportSession(tx)
            session.allowDoublePledge = true   // these loads share rights on purpose
            for i in 0..<200 { _ = try session.add(sampleRegistration("L-\(i)", date: "2024-0\(1 + i % 9)-10"), row: i + 2) }
            _ = try session.append(.release(date: CivilDate(year: 2025, month: 1, day: 2)!, reason: .other), regNo: "L-7", row: 999)
            #expect(try String.fetchOne(tx.db, sql: "SELECT status FROM registrations WHERE reg_no = 'L-7'") == "released")
            try session.finish()
        }
        #expect(try t.ledger.verify().isClean)
    }
}

@Suite("Bulk writes past the flush threshold")
struct BulkFlushTests {
    @Test("more distinct enterprises than the flush threshold: projections still equal the journal's rebuild", arguments: Backend.allCases)
    func flushMidway(_ backend: Backend) throws {
        let t = try TemporaryLedger(backend: backend)
        let flushEvery = 500
        try t.ledger.write { tx in
            let session = try ImportSession(tx, flushEvery: flushEvery)
            session.allowDoublePledge = true   // these loads share rights on purpose
            for i in 0..<(2 * flushEvery + 100) {
                var r = sampleRegistration("F-\(i)", date: "2024-0\(1 + i % 9)-0\(1 + i % 9)", amountWan: Int64(1 + i % 50))
                r.uscc = sampleUSCC(i)
                _ = try session.add(r, row: i + 2)
            }
            try session.finish()
        }
        let report = try t.ledger.verify()
        #expect(report.isClean, "\(report.findings)")
        let served = try t.ledger.read { db in
            try Int.fetchOne(db, sql: "SELECT enterprises FROM targets WHERE name = 'gansu-2025'") == Int.fetchOne(db, sql: """
                SELECT count(DISTINCT uscc) FROM registrations WHERE ip_type = 'patent' AND status <> 'void' AND reg_date BETWEEN '2021-01-01' AND '2025-12-31'
                """)
        }
        #expect(served)
        #expect(try t.ledger.progressDetails(target: .gansu2025, asOf: CivilDate(year: 2026, month: 1, day: 1)!).enterprisesServed
                == 2 * flushEvery + 100)
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
            let insert = try BatchedInsert(tx.sqlite("test"), insertInto: "INSERT INTO entries(seq, at, operator, kind, reg_no, payload, prev_hash, hash)",
                                           row: "(?, ?, ?, 'register', ?, ?, ?, ?)", columns: 7, rowsPerStatement: 4)
            let start = try head(tx.sqlite("test"))
            // 4 + 4 in two statements, then 2 pending until flush (one statement each).
            let end = try addEntries(insert, after: start, count: 10)
            #expect(insert.pendingRows == 2)
            #expect(try head(tx.sqlite("test")).seq == start.seq + 8)
            try insert.flush()
            #expect(insert.pendingRows == 0)
            #expect(try head(tx.sqlite("test")) == end)
            let seqs = try Int64.fetchAll(tx.db, sql: "SELECT seq FROM entries WHERE seq > ? ORDER BY rowid", arguments: [start.seq])
            #expect(seqs == Array(start.seq + 1 ... start.seq + 10))

            // A broken link in the middle of a statement: the trigger refuses it and none of the statement's rows stay.
            let last = try head(tx.sqlite("test"))
            #expect(throws: DatabaseError.self) { _ = try addEntries(insert, after: last, count: 4, breakAt: 2) }
            #expect(try head(tx.sqlite("test")) == last)
            throw Undo()
        }
        } catch is Undo {}
        #expect(try t.entryCount() == before)
        #expect(try t.ledger.verify().isClean)
    }

    @Test("a first load and a later one, each with a correction between its rows, write the rights, enterprise names and served pairs the journal implies",
          arguments: Backend.allCases, [false, true])
    func loadsWriteDerivedTables(backend: Backend, lifecycleEntry: Bool) throws {
        let t = try TemporaryLedger(backend: backend)
        // A second target, of every type and a narrower window, besides the shipped one (patents 2021–2025).
        _ = try t.ledger.setTarget(Target(name: "all-2024", amount: Fen(1_000_000), from: try CivilDate.parse("2024-01-01"),
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
                session.allowDoublePledge = true   // these loads share rights on purpose
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
                    #expect(try newSeq(session.add(r, row: i + 2)) == seq)
                }
                try session.finish()
                let rights = Set(try SQLRow.fetchAll(tx.db, sql: "SELECT ip_number, reg_no FROM registration_rights").map { [$0[0], $0[1]] as [String] })
                let names = Dictionary(uniqueKeysWithValues: try SQLRow.fetchAll(tx.db, sql: "SELECT uscc, name FROM enterprises").map { ($0[0] as String, $0[1] as String) })
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
        let original = try t.raw().read { try Self.chainTrigger($0) }
        #expect(original?.hasPrefix("CREATE TRIGGER entries_append_only_seq BEFORE INSERT ON entries") == true)
        try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in
            #expect(try Self.chainTrigger(tx.sqlite("test")) == nil)
            let session = try ImportSession(tx)
            session.allowDoublePledge = true   // these loads share rights on purpose
            for i in 0..<70 { _ = try session.add(sampleRegistration("C-\(i)"), row: i + 2) }
            try session.finish()
        }
        #expect(try t.raw().read { try Self.chainTrigger($0) } == original)
        #expect(try t.ledger.verify().isClean)
        // A later load keeps the trigger: a broken link is refused as it is written.
        let before = try t.entryCount()
        try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { (tx: LedgerTransaction) throws -> Void in
            #expect(try Self.chainTrigger(tx.sqlite("test")) == original)
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
        let trigger = try t.raw().read { try Self.chainTrigger($0) }
        let wrong = String(repeating: "f", count: 64), any = String(repeating: "e", count: 64)
        #expect(throws: StoreError.self) {
            try t.ledger.bulkWrite(rollbackJournalIfEmpty: true) { tx in
                if breakage == "first link" {
                    try tx.db.execute(sql: Self.insertEntry, arguments: [tx.headSeq + 1, wrong, any])
                    return
                }
                let session = try ImportSession(tx)
                session.allowDoublePledge = true   // these loads share rights on purpose
                for i in 0..<3 { _ = try session.add(sampleRegistration("B-\(i)"), row: i + 2) }
                try session.finish()
                // Entries after the session's, each breaking one rule the trigger enforces.
                if breakage == "gap" { try tx.db.execute(sql: Self.insertEntry, arguments: [tx.headSeq + 2, tx.headHash, any]) }
                if breakage == "later link" { try tx.db.execute(sql: Self.insertEntry, arguments: [tx.headSeq + 1, wrong, any]) }
            }
        }
        #expect(try t.entryCount() == before)
        #expect(try t.raw().read { try Self.chainTrigger($0) } == trigger)
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
                session.allowDoublePledge = true   // these loads share rights on purpose
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

/// The seq of a row written by a load, whatever its warnings; nil for any other outcome.
func newSeq(_ o: RowOutcome) -> Int64? {
    if case .new(let seq, _) = o { return seq }
    return nil
}
