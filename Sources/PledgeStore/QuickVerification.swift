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
    /// Tests: the reading thread checks every batch ahead (`VerificationBatch.checkAhead`), not only while
    /// the checker is behind.
    var readerChecksEveryBatch = false

    struct Result { var entries: Int64; var head: AppendedEntry? }

    /// Figures the proved registrations imply; filled by the journal checker, then by the replays.
    var expected = ExpectedProjections(targets: [])

    init(db: Database, expectHead: (seq: Int64, hash: String)?) {
        self.db = db
        self.expectHead = expectHead
    }

    mutating func run() throws -> Result? {
        let targets = try TargetWindow.all(db)
        // Room for the USCCs at once: growing the table rehashed every key, several times on a large ledger. The
        // hint is the ledger's own count, so it is capped (a tampered rowid must not allocate without bound).
        let enterpriseRows = try Int.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM enterprises") ?? 0
        let checker = JournalChecker(expectHead: expectHead, targets: targets, expectedEnterprises: min(max(enterpriseRows, 0), 1 << 20))
        let entries = try RawStatement(db, sql: "SELECT seq, at, operator, kind, reg_no, payload, prev_hash, hash FROM entries ORDER BY seq")
        let rows = try RawStatement(db, sql: "SELECT \(StoredRegistration.columns) FROM registrations ORDER BY rowid")
        entries.reset()
        rows.reset()
        defer { entries.reset(); rows.reset() }
        // This thread copies entries and rows out of SQLite; a second one re-hashes, rebuilds payloads and aggregates.
        let channel = BatchChannel<VerificationBatch>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            while let batch = channel.take() {
                guard checker.check(batch) else {
                    channel.cancel()
                    return
                }
            }
            // Turned into the expected figures here, while the reading thread digests the tables it has left.
            checker.conclude()
        }
        thread.stackSize = 8 << 20
        thread.start()
        var readable = true
        var tables = try TableDigests(db)
        var rowRights = MultisetDigest()
        do {
            var waited = false
            defer { if !waited { channel.close(); done.wait() } }
            var batch = VerificationBatch()
            var expectedSeq: Int64 = 1
            let register = Self.register
            while try entries.step() {
                let first = entries.value(0)
                guard first.type == SQLITE_INTEGER, case let seq = first.int64, seq == expectedSeq, batch.appendEntry(entries, seq: seq) else {
                    readable = false
                    break
                }
                expectedSeq = seq + 1
                if entries.value(3).bytes?.assumingMemoryBound(to: UInt8.self).same(register) == true {
                    guard try rows.step(), batch.appendRow(rows, rights: &rowRights) else { readable = false; break }
                }
                if batch.count == VerificationBatch.capacity {
                    guard try send(&batch, channel, &tables) else { break }
                    batch = VerificationBatch()
                }
            }
            if try readable && rows.step() { readable = false }
            if readable { _ = try send(&batch, channel, &tables) }
            channel.close()
            if readable { try tables.finish() }
            done.wait()
            waited = true
        }
        guard readable, tables.typed, let proved = checker.finished() else { return nil }
        expected = proved.expected
        expected.rights.merge(rowRights)
        for row in proved.changedRows {
            guard try replayMatches(row) else { return nil }
        }
        expected.concludeTotals()
        // The digests of the enterprise rows the proved registrations imply (hundreds of thousands of rows) on a
        // second thread, while this one compares the totals with the tables.
        let digests = BatchChannel<(enterprises: MultisetDigest, served: MultisetDigest)>(capacity: 1)
        let implied = expected.enterprises
        Thread { _ = digests.put((implied.enterprisesDigest(), implied.servedDigest())) }.start()
        let totalsMatch = try aggregatesMatch()
        guard let implies = digests.take(), tables.rights == expected.rights, tables.enterprises == implies.enterprises,
              tables.served == implies.served, totalsMatch, try smallTablesMatch(proved.ledgerWide) else { return nil }
        return Result(entries: proved.entries, head: proved.head)
    }

    static let register = Array(EntryKind.register.rawValue.utf8)

    /// Queues a batch for the checker; while its queue is full, reads the tables digested as a whole, then
    /// checks the batch's hashes and payloads itself (which thread is the busier one depends on the machine's
    /// load: cache misses slow the checker more than the reader). False once the checker has stopped.
    private func send(_ batch: inout VerificationBatch, _ channel: BatchChannel<VerificationBatch>, _ tables: inout TableDigests) throws -> Bool {
        if readerChecksEveryBatch { batch.checkAhead() }
        while true {
            switch channel.offer(batch) {
            case .queued: return true
            case .cancelled: return false
            case .full:
                if !tables.done {
                    try tables.read(rows: 512)
                } else if batch.hashes == .unchecked {
                    batch.checkAhead()
                } else {
                    return channel.put(batch)
                }
            }
        }
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
        let hex = CanonicalEntry.hexDigits
        for b in h.finalize() {
            guard hash[i] == hex[Int(b >> 4)], hash[i + 1] == hex[Int(b & 0x0F)] else { return false }
            i += 2
        }
        return true
    }

    /// Replays one changed registration from its own entries and compares the result with its row.
    private mutating func replayMatches(_ changed: (row: StoredRegistration, cells: [ExactValue])) throws -> Bool {
        let row = changed.row
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
        // Byte for byte: a date padded with a space or a name in another Unicode normal form decodes to an
        // equal Swift value, but is not what the projector stored.
        guard let state, changed.cells == state.cells.map(ExactValue.init) else { return false }
        expected.add(row, enterpriseWrittenAt: enterpriseWrite)
        return true
    }

    /// Compares each aggregate table with the figures the proved registrations imply.
    private mutating func aggregatesMatch() throws -> Bool {
        // The monthly totals on bytes: those of the unchanged rows are keyed so already; the replayed rows' join them.
        for (k, v) in expected.totals.monthly { expected.enterprises.addMonthly(k, v.0, v.1) }
        expected.totals.monthly = [:]
        let groups = expected.totals.groups
        var statusTotals = expected.totals.status
        for k in expected.statusKeysPassed where statusTotals[k] == nil { statusTotals[k] = (0, 0) }
        /// Each row's key and values equal the expected ones, every column stored as the writer stores it:
        /// `types` has `t` (text) or `i` (integer) per column, and the last two are the count and the amount.
        func same<K: Hashable>(_ sql: String, types: String, _ expected: [K: (Int64, Int64)], key: (RawStatement) -> K?) throws -> Bool {
            let s = try RawStatement(db, sql: sql)
            s.reset()
            defer { s.reset() }
            let kinds = types.map { $0 == "t" ? SQLITE_TEXT : SQLITE_INTEGER }
            let n = Int32(kinds.count)
            guard sqlite3_column_count(s.handle) == n else { return false }
            var count = 0
            while try s.step() {
                guard kinds.indices.allSatisfy({ s.value(Int32($0)).type == kinds[$0] }),
                      let k = key(s), let e = expected[k], e == (s.int64(n - 2), s.int64(n - 1)) else { return false }
                count += 1
            }
            return count == expected.count
        }
        let monthlyOK = try monthlyMatches()
        let statusOK = try same("SELECT ip_type, status, registrations, amount_fen FROM status_totals", types: "ttii", statusTotals) { s in
            s.text(0)! + "|" + s.text(1)!
        }
        let groupsOK = try same("SELECT dimension, grp, month, ip_type, status, registrations, amount_fen FROM group_totals", types: "tttttii", groups) { s in
            GroupDimension(rawValue: s.text(0)!).map { GroupTotalsKey(dimension: $0, group: s.text(1)!, month: s.text(2)!, ipType: s.text(3)!, status: s.text(4)!) }
        }
        guard monthlyOK, statusOK, groupsOK else { return false }
        // target_enterprises and enterprises rows are compared as digests (run); here targets.enterprises counts them.
        let pairs = expected.enterprises.servedPairs()
        for t in try Row.fetchAll(db, sql: "SELECT name, enterprises, typeof(enterprises) = 'integer' AS exact FROM targets") {
            let count = expected.targets.firstIndex { $0.name == t["name"] }.map { pairs[$0] } ?? 0
            guard t["exact"] as Bool, count == t["enterprises"] as Int else { return false }
        }
        return true
    }

    /// Every monthly_totals row, its key written as the quick pass's monthly keys are (on bytes: 40,000 rows at 1M made
    /// five Strings and a dictionary lookup each), has the expected count and amount, and there are as many rows as keys.
    private func monthlyMatches() throws -> Bool {
        let s = try RawStatement(db, sql: "SELECT month, ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen FROM monthly_totals")
        s.reset()
        defer { s.reset() }
        guard sqlite3_column_count(s.handle) == 9 else { return false }
        var key: [UInt8] = [], rows = 0
        key.reserveCapacity(512)
        while try s.step() {
            key.removeAll(keepingCapacity: true)
            for column: Int32 in 0..<5 {
                let v = s.value(column)
                guard v.type == SQLITE_TEXT, let b = v.bytes else { return false }
                RowAggregates.keyField(b.assumingMemoryBound(to: UInt8.self), to: &key)
            }
            for column: Int32 in 5...8 { guard s.value(column).type == SQLITE_INTEGER else { return false } }
            // A flag stored as 2 must not pass for 1.
            let rywq = s.int64(5), firstLoan = s.int64(6)
            guard rywq == 0 || rywq == 1, firstLoan == 0 || firstLoan == 1 else { return false }
            key.append(UInt8(rywq)); key.append(UInt8(firstLoan))
            guard let e = key.withUnsafeBufferPointer({ expected.enterprises.monthly($0) }), e == (s.int64(7), s.int64(8)) else { return false }
            rows += 1
        }
        return rows == expected.enterprises.monthlyKeys
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
            // Byte-exact values: Swift String equality would take canonically equivalent names as equal.
            let mine = try Row.fetchAll(db, sql: sql).map { Array($0.databaseValues.map(ExactValue.init)) }
            let rebuilt = try scratch.read { try Row.fetchAll($0, sql: sql).map { Array($0.databaseValues.map(ExactValue.init)) } }
            guard mine.count == rebuilt.count, Set(mine) == Set(rebuilt) else { return false }
        }
        return true
    }
}

/// The journal side of the quick pass, on its own thread: chain links, payloads rebuilt from unchanged
/// rows' bytes, envelopes of the other entries, and the figures the unchanged rows imply.
final class JournalChecker: @unchecked Sendable {
    private let expectHead: (seq: Int64, hash: String)?
    private let targets: [TargetWindow]
    private var prev = Array(CanonicalEntry.genesisHash.utf8)
    private var headSeq: Int64 = 0
    private var count: Int64 = 0
    private var expectedFound: Bool
    private var changedByEntries = Set<String>()
    private var changedRows: [(row: StoredRegistration, cells: [ExactValue])] = []
    private var ledgerWide: [(seq: Int64, regNo: String?, late: Bool, event: LedgerEvent)] = []
    private var failed = false
    private var aggregates: RowAggregates

    init(expectHead: (seq: Int64, hash: String)?, targets: [TargetWindow], expectedEnterprises: Int = 0) {
        self.expectHead = expectHead
        self.targets = targets
        expectedFound = expectHead == nil
        aggregates = RowAggregates(targets: targets, expectedEnterprises: expectedEnterprises)
    }

    /// What the pass proved, or nil when something did not hold. `expected` holds the figures of the unchanged
    /// registrations; the changed ones are added by their replays.
    func finished() -> (entries: Int64, head: AppendedEntry?, changedRows: [(row: StoredRegistration, cells: [ExactValue])],
                        ledgerWide: [(seq: Int64, regNo: String?, late: Bool, event: LedgerEvent)], expected: ExpectedProjections)? {
        guard !failed, expectedFound, Set(changedRows.map(\.row.registration.regNo)) == changedByEntries, let expected else { return nil }
        let head = count > 0 ? AppendedEntry(seq: headSeq, hash: String(decoding: prev, as: UTF8.self)) : nil
        return (count, head, changedRows, ledgerWide, expected)
    }

    /// After the last batch, on the checker's thread: the figures of the unchanged rows as `ExpectedProjections`.
    func conclude() {
        guard !failed else { return }
        // The group totals on a second thread (the reading thread has usually finished by now).
        let groups = BatchChannel<[GroupTotalsKey: (Int64, Int64)]>(capacity: 1)
        let aggregates = aggregates
        Thread { _ = groups.put(aggregates.groupTotals()) }.start()
        var e = ExpectedProjections(targets: targets)
        // The monthly totals stay keyed by bytes in `aggregates` (compared so with the table); the status totals of the
        // unchanged rows are a few keys.
        e.totals.status = aggregates.statusTotals()
        e.totals.groups = groups.take() ?? [:]
        e.enterprises = aggregates
        expected = e
    }

    private var expected: ExpectedProjections?

    /// Checks a batch of entries (in seq order); false stops the pass.
    func check(_ batch: VerificationBatch) -> Bool {
        let hashed = batch.hashes == .match
        let ok = batch.hashes != .mismatch && batch.withFields { fields in batch.heads.allSatisfy { checkEntry($0, fields, hashed: hashed) } }
        if !ok { failed = true }
        return ok
    }

    /// `hashed`: the reading thread already recomputed the batch's hashes (`VerificationBatch.checkAhead`).
    private func checkEntry(_ head: VerificationBatch.Head, _ fields: VerificationBatch.Fields, hashed: Bool) -> Bool {
        let e = fields.entry(head), seq = head.seq
        guard let body = e.text(4), let prevHash = e.text(5), let hash = e.text(6), prevHash.same(prev),
              hashed || QuickVerification.hashMatches(prev: UnsafeRawBufferPointer(prevHash), payload: UnsafeRawBufferPointer(body),
                                                      hash: UnsafeRawBufferPointer(hash)) else { return false }
        prev.withUnsafeMutableBufferPointer { p in _ = p.initialize(from: hash) }
        count += 1
        headSeq = seq
        if let expectHead, expectHead.seq == seq {
            guard hash.elementsEqual(expectHead.hash.utf8) else { return false }
            expectedFound = true
        }
        if head.hasRow {
            let row = fields.row(head)
            guard e.text(2, is: QuickVerification.register), row.int(RawRegistration.createdSeq) == seq, let regNo = e.text(3),
                  row.text(RawRegistration.regNo)?.same(regNo) == true, row.flagsAreBits else { return false }
            if row.int(RawRegistration.updatedSeq) == seq {
                // Unchanged since registered: the row's bytes must rebuild the entry's payload exactly.
                guard row.text(RawRegistration.status)?.same(Self.active) == true, row.text(RawRegistration.statusDate) == nil,
                      head.payloadMatches || VerificationBatch.rebuildsPayload(row, e, seq: seq)
                else { return false }
                aggregates.add(row, seq: seq, name: head.name)
            } else {
                // Changed later: replayed from its decoded entries afterwards; here the envelope must match the columns.
                guard let stored = row.stored(), let (h, _) = QuickVerification.decode(String(decoding: body, as: UTF8.self)), h.seq == seq,
                      h.at == e.string(0), h.operator == e.string(1), h.kind == .register, h.regNo == e.string(3) else { return false }
                changedRows.append((stored, row.cells()))
            }
            return true
        }
        let regNo = e.string(3)
        guard let (h, event) = QuickVerification.decode(String(decoding: body, as: UTF8.self)), h.seq == seq, h.at == e.string(0),
              h.operator == e.string(1), h.kind.rawValue == e.string(2), h.regNo == regNo else { return false }
        switch h.kind {
        case .reference, .target, .periodClose: ledgerWide.append((seq, regNo, h.late, event))
        case .correct, .void, .release, .default, .extend:
            guard let regNo else { return false }
            changedByEntries.insert(regNo)
        case .register: return false
        }
        return true
    }

    private static let active = Array(RegistrationStatus.active.rawValue.utf8)
}
