import Crypto
import Foundation
import GRDB
import GRDBSQLite
import PledgeCore

/// The fast proof behind `audit verify`: one ordered pass over the journal beside the `registrations`
/// table, without rebuilding anything on disk.
///
/// - Every entry's chain link and hash are recomputed.
/// - A registration never changed after it was registered must equal its `register` entry byte for byte:
///   the canonical payload is built again from the row (and the entry's seq, time and operator) and compared.
/// - A registration changed later is replayed from its own entries (through the projector's rules) and
///   compared field by field.
/// - The aggregates (`monthly_totals`, `status_totals`, `group_totals`, `target_enterprises`, `enterprises`)
///   are recomputed in memory from the proved registrations and compared row by row; `registration_rights`
///   by a keyed multiset digest; the small tables (reference lists, targets, periods) by replaying their
///   entries into a scratch schema.
///
/// It answers only "provably clean" (the figures) or "not proved" (nil): `verify` then runs the full
/// rebuild, which names every difference. So it can be strict: anything unexpected means "not proved".
struct QuickVerification {
    let db: Database
    let expectHead: (seq: Int64, hash: String)?

    struct Result { var entries: Int64; var head: AppendedEntry? }

    /// Figures the proved registrations imply; filled by the journal checker, then by the replays.
    var expected = ExpectedProjections(targets: [])

    init(db: Database, expectHead: (seq: Int64, hash: String)?) {
        self.db = db
        self.expectHead = expectHead
    }

    /// One journal entry as read on the database thread, with the registration row it created, if any.
    struct Item {
        var seq: Int64, at: String, op: String, kind: String, regNo: String?
        var payload: [UInt8], prevHash: [UInt8], hash: [UInt8]
        var row: StoredRegistration?
    }

    mutating func run() throws -> Result? {
        let checker = JournalChecker(expectHead: expectHead, targets: try TargetWindow.all(db))
        let entries = try RawStatement(db, sql: "SELECT seq, at, operator, kind, reg_no, payload, prev_hash, hash FROM entries ORDER BY seq")
        let rows = try RawStatement(db, sql: "SELECT \(StoredRegistration.columns) FROM registrations ORDER BY rowid")
        entries.reset()
        rows.reset()
        defer { entries.reset(); rows.reset() }
        // This thread reads SQLite and decodes rows; a second one re-hashes, rebuilds payloads and aggregates.
        let channel = BatchChannel<[Item]>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            while let batch = channel.take() {
                for item in batch where !checker.check(item) {
                    channel.cancel()
                    return
                }
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        var readable = true
        do {
            defer { channel.close(); done.wait() }
            var batch: [Item] = []
            batch.reserveCapacity(256)
            var expectedSeq: Int64 = 1
            while try entries.step() {
                let seq = entries.int64(0)
                guard seq == expectedSeq, entries.type(0) == SQLITE_INTEGER, let at = entries.text(1), let op = entries.text(2),
                      let kind = entries.text(3), let body = entries.bytes(5), let prev = entries.bytes(6), let hash = entries.bytes(7) else {
                    readable = false
                    break
                }
                expectedSeq = seq + 1
                var item = Item(seq: seq, at: at, op: op, kind: kind, regNo: entries.text(4), payload: Array(body), prevHash: Array(prev),
                                hash: Array(hash), row: nil)
                if kind == EntryKind.register.rawValue {
                    guard try rows.step(), let row = try Self.registration(rows) else { readable = false; break }
                    item.row = row
                }
                batch.append(item)
                if batch.count == 256 {
                    guard channel.put(batch) else { break }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if try readable && rows.step() { readable = false }
            if readable { _ = channel.put(batch) }
        }
        guard readable, let proved = checker.finished() else { return nil }
        expected = proved.expected
        for row in proved.changedRows {
            guard try replayMatches(row) else { return nil }
        }
        guard try aggregatesMatch(), try smallTablesMatch(proved.ledgerWide) else { return nil }
        return Result(entries: proved.entries, head: proved.head)
    }

    static func decode(_ payload: String) -> (header: (seq: Int64, at: String, operator: String, kind: EntryKind, regNo: String?, late: Bool), event: LedgerEvent)? {
        try? CanonicalEntry.decode(payload: payload)
    }

    /// hex(SHA-256(prev ‖ payload)) == hash, without building Strings.
    static func hashMatches(prev: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, hash: UnsafeRawBufferPointer) -> Bool {
        guard hash.count == 64 else { return false }
        var h = SHA256()
        h.update(bufferPointer: prev)
        h.update(bufferPointer: payload)
        var i = 0
        for b in h.finalize() {
            guard hash[i] == CanonicalEntry.hexDigits[Int(b >> 4)], hash[i + 1] == CanonicalEntry.hexDigits[Int(b & 0x0F)] else { return false }
            i += 2
        }
        return true
    }

    /// A `registrations` row read through the C API, with every column's storage type checked (a value
    /// stored as another type is a change the full comparison would see).
    private static let textColumns: [Int32] = [0, 1, 2, 3, 5, 6, 9, 18], optionalTextColumns: [Int32] = [7, 10, 11, 12, 13, 17, 19],
                       integerColumns: [Int32] = [4, 8, 14, 15, 16, 20, 21, 22]

    static func registration(_ s: RawStatement) throws -> StoredRegistration? {
        guard textColumns.allSatisfy({ s.type($0) == SQLITE_TEXT }),
              optionalTextColumns.allSatisfy({ s.type($0) == SQLITE_TEXT || s.type($0) == SQLITE_NULL }),
              integerColumns.allSatisfy({ s.type($0) == SQLITE_INTEGER }) else { return nil }
        func flag(_ i: Int32) -> Bool? { switch s.int64(i) { case 0: false; case 1: true; default: nil } }
        func date(_ i: Int32) -> CivilDate?? {
            guard let t = s.text(i) else { return .some(nil) }
            return (try? CivilDate.parse(t)).map { .some($0) }
        }
        guard let ipType = IPType(rawValue: s.text(2)!), let status = RegistrationStatus(rawValue: s.text(18)!),
              let regDate = date(1) ?? nil, let maturity = date(12), let statusDate = date(19),
              let override = flag(4), let rywq = flag(14), let firstLoan = flag(15), let insured = flag(16), let late = flag(20) else { return nil }
        let registration = Registration(
            regNo: s.text(0)!, regDate: regDate, uscc: s.text(3)!, usccOverride: override, enterprise: s.text(5)!, bank: s.text(6)!,
            branch: s.text(7), amount: Fen(s.int64(8)), ipType: ipType, ipNumbers: s.text(9)!.split(separator: ";").map(String.init),
            park: s.text(10), prefectureCode: s.text(11), maturity: maturity, rate: s.text(13), rywq: rywq, firstLoan: firstLoan,
            insured: insured, notes: s.text(17))
        return StoredRegistration(registration: registration, status: status, statusDate: statusDate, late: late,
                                  createdSeq: s.int64(21), updatedSeq: s.int64(22))
    }

    /// Replays one changed registration from its own entries and compares the result with its row.
    private mutating func replayMatches(_ row: StoredRegistration) throws -> Bool {
        let regNo = row.registration.regNo
        var state: StoredRegistration?
        var enterpriseWrite: Int64 = 0
        for entry in try Row.fetchAll(db, sql: "SELECT seq, payload FROM entries WHERE reg_no = ? ORDER BY seq", arguments: [regNo]) {
            let seq: Int64 = entry["seq"]
            guard let (h, event) = Self.decode(entry["payload"]) else { return false }
            switch (event, state) {
            case (.register(let r), nil):
                state = StoredRegistration(registration: r, status: .active, statusDate: nil, late: h.late, createdSeq: seq, updatedSeq: seq)
                enterpriseWrite = seq
            case (.register, _), (_, nil):
                return false
            case (_, var s?):
                let before = s
                // Every state a registration passes through leaves its status_totals key behind (at zero when left).
                expected.statusKeysPassed.insert(before.registration.ipType.rawValue + "|" + before.status.rawValue)
                guard (try? Projector.change(&s, by: event, late: h.late)) != nil else { return false }
                s.updatedSeq = seq
                if s.registration.uscc != before.registration.uscc || s.registration.enterprise != before.registration.enterprise {
                    enterpriseWrite = seq
                    expected.noteEnterprise(s.registration, writtenAt: seq)
                }
                state = s
            }
        }
        guard let state, state == row else { return false }
        expected.add(row, enterpriseWrittenAt: enterpriseWrite)
        return true
    }

    /// Compares each aggregate table with the figures the proved registrations imply.
    private func aggregatesMatch() throws -> Bool {
        var monthly: [BulkProjectionWriter.MonthlyKey: (Int64, Int64)] = [:]
        var statusTotals: [String: (Int64, Int64)] = Dictionary(uniqueKeysWithValues: expected.statusKeysPassed.map { ($0, (0, 0)) })
        var groups: [GroupTotalsKey: (Int64, Int64)] = [:]
        for (k, v) in expected.fine {
            let m = k.monthly
            if k.status != .void {
                monthly[m, default: (0, 0)].0 += v.0
                monthly[m, default: (0, 0)].1 += v.1
            }
            statusTotals[m.ipType + "|" + k.status.rawValue, default: (0, 0)].0 += v.0
            statusTotals[m.ipType + "|" + k.status.rawValue, default: (0, 0)].1 += v.1
            for g in GroupTotals.keys(month: m.month, ipType: m.ipType, status: k.status.rawValue, prefecture: m.prefecture, park: m.park,
                                      bank: m.bank, rywq: m.rywq, firstLoan: m.firstLoan) {
                groups[g, default: (0, 0)].0 += v.0
                groups[g, default: (0, 0)].1 += v.1
            }
        }
        func same<K: Hashable>(_ sql: String, _ expected: [K: (Int64, Int64)], key: (Row) -> K?, value: (Row) -> (Int64, Int64)) throws -> Bool {
            var count = 0
            let cursor = try Row.fetchCursor(db, sql: sql)
            while let row = try cursor.next() {
                guard let k = key(row), let e = expected[k], e == value(row) else { return false }
                count += 1
            }
            return count == expected.count
        }
        let monthlyOK = try same("SELECT month, ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen FROM monthly_totals",
                                 monthly, key: { row in
            BulkProjectionWriter.MonthlyKey(month: row["month"], ipType: row["ip_type"], prefecture: row["prefecture_code"], park: row["park"],
                                            bank: row["bank"], rywq: row["rywq"], firstLoan: row["first_loan"])
        }, value: { ($0["registrations"], $0["amount_fen"]) })
        let statusOK = try same("SELECT ip_type, status, registrations, amount_fen FROM status_totals", statusTotals,
                                key: { ($0["ip_type"] as String) + "|" + ($0["status"] as String) }, value: { ($0["registrations"], $0["amount_fen"]) })
        let groupsOK = try same("SELECT dimension, grp, month, ip_type, status, registrations, amount_fen FROM group_totals", groups, key: { row in
            GroupDimension(rawValue: row["dimension"]).map { GroupTotalsKey(dimension: $0, group: row["grp"], month: row["month"], ipType: row["ip_type"], status: row["status"]) }
        }, value: { ($0["registrations"], $0["amount_fen"]) })
        guard monthlyOK, statusOK, groupsOK else { return false }
        // Served enterprises: the rows per target, and targets.enterprises counting them.
        // Read through the C API: exact storage types and bytes, as the full comparison sees them.
        var servedRows = 0
        let served = try RawStatement(db, sql: "SELECT target, uscc, registrations FROM target_enterprises")
        served.reset()
        defer { served.reset() }
        while try served.step() {
            guard served.type(0) == SQLITE_TEXT, served.type(1) == SQLITE_TEXT, served.type(2) == SQLITE_INTEGER,
                  let target = served.text(0), let uscc = served.text(1),
                  expected.served[target]?[uscc] == served.int64(2) else { return false }
            servedRows += 1
        }
        guard servedRows == expected.served.values.reduce(0, { $0 + $1.count }) else { return false }
        for t in try Row.fetchAll(db, sql: "SELECT name, enterprises, typeof(enterprises) = 'integer' AS exact FROM targets")
        where !(t["exact"] as Bool) || (expected.served[t["name"]]?.count ?? 0) != (t["enterprises"] as Int) {
            return false
        }
        var enterpriseRows = 0
        let names = try RawStatement(db, sql: "SELECT uscc, name FROM enterprises")
        names.reset()
        defer { names.reset() }
        while try names.step() {
            guard names.type(0) == SQLITE_TEXT, names.type(1) == SQLITE_TEXT, let uscc = names.text(0), let name = names.text(1),
                  expected.enterprises[uscc]?.name.sameBytes(name) == true else { return false }
            enterpriseRows += 1
        }
        var actualRights = MultisetDigest()
        let pairs = try RawStatement(db, sql: "SELECT ip_number, reg_no FROM registration_rights")
        pairs.reset()
        defer { pairs.reset() }
        while try pairs.step() {
            guard pairs.type(0) == SQLITE_TEXT, pairs.type(1) == SQLITE_TEXT else { return false }
            actualRights.add(pairs.text(0)!, pairs.text(1)!)
        }
        return actualRights == expected.rights
    }

    /// Replays the ledger-wide entries (reference lists, targets, closed periods) into a scratch schema in
    /// memory and compares those small tables with the ledger's, row for row.
    private func smallTablesMatch(_ entries: [(seq: Int64, regNo: String?, late: Bool, event: LedgerEvent)]) throws -> Bool {
        let scratch = try DatabaseQueue()
        try Ledger.migrator().migrate(scratch)
        do {
            try scratch.write { out in
                for e in entries { try Projector.apply(e.event, seq: e.seq, regNo: e.regNo, late: e.late, db: out) }
            }
        } catch {
            return false
        }
        // targets.enterprises depends on the registrations, which the scratch schema does not hold: checked above.
        let tables = ["prefectures": "*", "parks": "*", "park_aliases": "*", "banks": "*", "bank_aliases": "*",
                      "targets": "name, amount_fen, from_date, to_date, ip_type, seq", "periods": "*", "period_totals": "*"]
        for (table, columns) in tables {
            let sql = "SELECT \(columns) FROM \(table)"
            let mine = try Row.fetchAll(db, sql: sql).map { Array($0.databaseValues) }
            let rebuilt = try scratch.read { try Row.fetchAll($0, sql: sql).map { Array($0.databaseValues) } }
            guard mine.count == rebuilt.count, Set(mine) == Set(rebuilt) else { return false }
        }
        return true
    }
}

/// The aggregates, enterprise names and rights that a set of proved registrations implies.
struct ExpectedProjections {
    /// Count and amount per monthly_totals key and status: monthly, status and group totals all derive from it.
    var fine: [FineKey: (Int64, Int64)] = [:]
    /// status_totals keys a registration passed through (kept at zero when it left them).
    var statusKeysPassed = Set<String>()
    var served: [String: [String: Int64]] = [:]
    var enterprises: [String: (seq: Int64, name: String)] = [:]
    var rights = MultisetDigest()
    let targets: [TargetWindow]

    struct FineKey: Hashable { var monthly: BulkProjectionWriter.MonthlyKey, status: RegistrationStatus }

    init(targets: [TargetWindow]) { self.targets = targets }

    /// Adds a proved registration's contribution to the aggregates it implies.
    mutating func add(_ s: StoredRegistration, enterpriseWrittenAt seq: Int64) {
        let r = s.registration
        let key = FineKey(monthly: BulkProjectionWriter.MonthlyKey(r), status: s.status)
        fine[key, default: (0, 0)].0 += 1
        fine[key, default: (0, 0)].1 += r.amount.value
        for t in targets where t.counts(s) { served[t.name, default: [:]][r.uscc, default: 0] += 1 }
        noteEnterprise(r, writtenAt: seq)
        for n in r.ipNumbers { rights.add(n, r.regNo) }
    }

    /// `enterprises` keeps the name last written for each USCC (by a registration or a correction of it).
    mutating func noteEnterprise(_ r: Registration, writtenAt seq: Int64) {
        if seq >= enterprises[r.uscc]?.seq ?? 0 { enterprises[r.uscc] = (seq, r.enterprise) }
    }
}

/// The journal side of the quick pass, on its own thread: chain links, payloads rebuilt from unchanged
/// rows, envelopes of the other entries.
final class JournalChecker: @unchecked Sendable {
    private let expectHead: (seq: Int64, hash: String)?
    private var prev = Array(CanonicalEntry.genesisHash.utf8)
    private var payload = CanonicalRegisterPayload()
    private var head: AppendedEntry?
    private var count: Int64 = 0
    private var expectedFound: Bool
    private var changedByEntries = Set<String>()
    private var changedRows: [StoredRegistration] = []
    private var ledgerWide: [(seq: Int64, regNo: String?, late: Bool, event: LedgerEvent)] = []
    private var failed = false

    /// Figures implied by the registrations proved unchanged (aggregated on this thread: the reading thread is the busier one).
    private var expected: ExpectedProjections

    init(expectHead: (seq: Int64, hash: String)?, targets: [TargetWindow]) {
        self.expectHead = expectHead
        expectedFound = expectHead == nil
        expected = ExpectedProjections(targets: targets)
    }

    /// What the pass proved, or nil when something did not hold. `expected` holds the figures of the unchanged
    /// registrations; the changed ones are added by their replays.
    func finished() -> (entries: Int64, head: AppendedEntry?, changedRows: [StoredRegistration],
                        ledgerWide: [(seq: Int64, regNo: String?, late: Bool, event: LedgerEvent)], expected: ExpectedProjections)? {
        guard !failed, expectedFound, Set(changedRows.map(\.registration.regNo)) == changedByEntries else { return nil }
        return (count, head, changedRows, ledgerWide, expected)
    }

    /// Checks one entry (in seq order); false stops the pass.
    func check(_ item: QuickVerification.Item) -> Bool {
        let ok = checkEntry(item)
        if !ok { failed = true }
        return ok
    }

    private func checkEntry(_ item: QuickVerification.Item) -> Bool {
        let seq = item.seq
        guard item.prevHash == prev, item.payload.withUnsafeBytes({ body in item.prevHash.withUnsafeBytes { p in item.hash.withUnsafeBytes { h in
            QuickVerification.hashMatches(prev: p, payload: body, hash: h) } } }) else { return false }
        prev = item.hash
        count += 1
        let hashText = String(decoding: item.hash, as: UTF8.self)
        head = AppendedEntry(seq: seq, hash: hashText)
        if let expectHead, expectHead.seq == seq {
            guard expectHead.hash == hashText else { return false }
            expectedFound = true
        }
        if let row = item.row {
            guard item.kind == EntryKind.register.rawValue, row.createdSeq == seq, row.registration.regNo == item.regNo else { return false }
            if row.updatedSeq == seq {
                // Unchanged since registered: the row must rebuild the entry's payload exactly.
                guard row.status == .active, row.statusDate == nil,
                      payload.build(seq: seq, at: item.at, operator: item.op, late: row.late, registration: row.registration) == item.payload
                else { return false }
                expected.add(row, enterpriseWrittenAt: seq)
            } else {
                // Changed later: replayed from its decoded entries afterwards; here the envelope must match the columns.
                guard let (h, _) = QuickVerification.decode(String(decoding: item.payload, as: UTF8.self)), h.seq == seq, h.at == item.at,
                      h.operator == item.op, h.kind == .register, h.regNo == item.regNo else { return false }
                changedRows.append(row)
            }
            return true
        }
        guard let (h, event) = QuickVerification.decode(String(decoding: item.payload, as: UTF8.self)), h.seq == seq, h.at == item.at,
              h.operator == item.op, h.kind.rawValue == item.kind, h.regNo == item.regNo else { return false }
        switch h.kind {
        case .reference, .target, .periodClose: ledgerWide.append((seq, item.regNo, h.late, event))
        case .correct, .void, .release, .default, .extend:
            guard let regNo = item.regNo else { return false }
            changedByEntries.insert(regNo)
        case .register: return false
        }
        return true
    }
}

/// An order-independent digest of a multiset of (ip number, 登记号) pairs: the sum of a keyed 128-bit hash of
/// each pair. The key is random per process, so no one can craft rows that collide with it in advance.
struct MultisetDigest: Equatable {
    private var low: UInt64 = 0, high: UInt64 = 0, count = 0

    mutating func add(_ a: String, _ b: String) {
        var h1 = Hasher(), h2 = Hasher()
        h1.combine(0 as UInt8); h1.combine(a); h1.combine(b)
        h2.combine(1 as UInt8); h2.combine(a); h2.combine(b)
        low &+= UInt64(bitPattern: Int64(h1.finalize()))
        high &+= UInt64(bitPattern: Int64(h2.finalize()))
        count += 1
    }
}
