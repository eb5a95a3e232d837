import GRDB
import GRDBSQLite
import PledgeCore

/// Journal entries, each with the `registrations` row it created, copied out of SQLite by the quick pass's
/// reading thread: one byte arena and one table of field bounds per batch, so that a row costs no
/// allocation of its own and no Swift value is built for the rows that only need comparing.
struct VerificationBatch {
    /// Per entry: `at`, `operator`, `kind`, `reg_no`, `payload`, `prev_hash`, `hash`; then, for a `register`
    /// entry, the 23 columns of its row in `StoredRegistration.columns` order.
    static let entryFields = 7
    /// `name`: for a row unchanged since registered, the keyed hash of its enterprise name (computed by the
    /// reading thread as it copies the row). `payloadMatches`: the reading thread already found that the row
    /// rebuilds the entry's payload (`checkAhead`; false also when it did not look).
    struct Head { var seq: Int64; var first: Int32; var hasRow: Bool; var name = NameHash(); var payloadMatches = false }

    private(set) var heads: [Head] = []
    // Plain buffers rather than arrays: a row appends some 50 values, and each Array append checks
    // uniqueness and capacity (about a tenth of the reading thread's time).
    private let arena = GrowableBuffer<UInt8>(capacity: capacity * 1_600)
    /// Two per field: start and end in `arena` for text; (-1, 0) for NULL; (-2, index into `ints`) for an integer.
    private let bounds = GrowableBuffer<Int32>(capacity: capacity * 2 * (entryFields + RawRegistration.columnCount))
    private let ints = GrowableBuffer<Int64>(capacity: capacity * 8)

    static let capacity = 256
    private let nameStart = NameHash.start

    init() {
        heads.reserveCapacity(Self.capacity)
    }

    var count: Int { heads.count }

    /// Whether the reading thread already checked what each entry proves by itself (`checkAhead`, while the
    /// checker was behind): `hashes` every entry's hash against its `prev_hash` and `payload` (the links between
    /// entries are always the checker's), then the heads' `payloadMatches`.
    enum Hashes { case unchecked, match, mismatch }
    private(set) var hashes = Hashes.unchecked

    mutating func checkAhead() {
        var heads = heads
        let all = withFields { f in
            heads.indices.allSatisfy { k in
                let e = f.entry(heads[k])
                guard let body = e.text(4), let prev = e.text(5), let hash = e.text(6),
                      QuickVerification.hashMatches(prev: UnsafeRawBufferPointer(prev), payload: UnsafeRawBufferPointer(body),
                                                    hash: UnsafeRawBufferPointer(hash)) else { return false }
                heads[k].payloadMatches = heads[k].hasRow && Self.rebuildsPayload(f.row(heads[k]), e, seq: heads[k].seq)
                return true
            }
        }
        self.heads = heads
        hashes = all ? .match : .mismatch
    }

    /// A row registered by entry `seq` and unchanged since rebuilds that entry's payload exactly.
    static func rebuildsPayload(_ row: RawRegistration, _ e: RawFields, seq: Int64) -> Bool {
        guard row.int(RawRegistration.createdSeq) == seq, row.int(RawRegistration.updatedSeq) == seq, row.flagsAreBits,
              let body = e.text(4), let at = e.text(0), let op = e.text(1) else { return false }
        return CanonicalRegisterPayload.matches(body, seq: seq, at: at, operator: op, late: row.int(RawRegistration.late) == 1, row)
    }

    /// Copies one entry (statement over `seq, at, operator, kind, reg_no, payload, prev_hash, hash`).
    /// False when a column is not of the storage type the writer gives it.
    mutating func appendEntry(_ s: RawStatement, seq: Int64) -> Bool {
        heads.append(Head(seq: seq, first: Int32(bounds.count / 2), hasRow: false))
        for column: Int32 in 1...7 {
            let value = s.value(column), type = value.type
            guard type == SQLITE_TEXT || (column == 4 && type == SQLITE_NULL) else { return false }
            appendText(value)
        }
        return true
    }

    /// Copies the `registrations` row of the last entry, checking each column's storage type. For a row not
    /// changed since registered (`created_seq = updated_seq`), also hashes its enterprise name and adds its
    /// rights to `rights`: the checker proves that row from its payload, or the whole pass fails.
    mutating func appendRow(_ s: RawStatement, rights: inout MultisetDigest) -> Bool {
        let kinds = RawRegistration.kinds
        for column in 0..<Int32(RawRegistration.columnCount) {
            let value = s.value(column), type = value.type
            switch kinds[Int(column)] {
            case .text: guard type == SQLITE_TEXT else { return false }
            case .optionalText: guard type == SQLITE_TEXT || type == SQLITE_NULL else { return false }
            case .integer: guard type == SQLITE_INTEGER else { return false }
            }
            if type == SQLITE_INTEGER {
                bounds.append(-2, Int32(ints.count))
                ints.append(value.int64)
            } else {
                appendText(value)
            }
        }
        let last = heads.count - 1
        heads[last].hasRow = true
        heads[last].name = withFields { f in
            let row = f.row(heads[last])
            guard row.int(RawRegistration.createdSeq) == row.int(RawRegistration.updatedSeq),
                  let regNo = row.text(RawRegistration.regNo), let name = row.text(RawRegistration.enterprise) else { return NameHash() }
            row.forEachIPNumber { rights.add($0, regNo) }
            return NameHash(name, start: nameStart)
        }
        return true
    }

    private mutating func appendText(_ value: RawStatement.Value) {
        guard let b = value.bytes else { bounds.append(-1, 0); return }
        let start = Int32(arena.count)
        arena.append(b)
        bounds.append(start, Int32(arena.count))
    }

    /// Runs `body` with a view of the batch's fields.
    func withFields<R>(_ body: (Fields) throws -> R) rethrows -> R {
        try body(Fields(arena: arena.elements, bounds: bounds.elements, ints: ints.elements))
    }

    /// The fields of a batch; `entry(_:)` and `row(_:)` give those of one entry and of its row.
    struct Fields {
        let arena: UnsafeBufferPointer<UInt8>, bounds: UnsafeBufferPointer<Int32>, ints: UnsafeBufferPointer<Int64>

        func entry(_ head: Head) -> RawFields { RawFields(batch: self, first: Int(head.first)) }
        func row(_ head: Head) -> RawRegistration { RawRegistration(fields: RawFields(batch: self, first: Int(head.first) + entryFields)) }
    }
}

/// The fields of one entry or row inside a `VerificationBatch`.
struct RawFields {
    let batch: VerificationBatch.Fields
    let first: Int

    /// The text of field `k`; nil for NULL (and for an integer).
    func text(_ k: Int) -> UnsafeBufferPointer<UInt8>? {
        let start = batch.bounds[2 * (first + k)]
        guard start >= 0 else { return nil }
        return UnsafeBufferPointer(rebasing: batch.arena[Int(start)..<Int(batch.bounds[2 * (first + k) + 1])])
    }

    func string(_ k: Int) -> String? { text(k).map { String(decoding: $0, as: UTF8.self) } }

    func int(_ k: Int) -> Int64 {
        precondition(batch.bounds[2 * (first + k)] == -2, "field \(k) is not an integer")
        return batch.ints[Int(batch.bounds[2 * (first + k) + 1])]
    }

    /// Field `k` holds exactly `bytes`.
    func text(_ k: Int, is bytes: [UInt8]) -> Bool { text(k)?.same(bytes) ?? false }
}

/// A `registrations` row as SQLite stored it, read without building Swift values (storage types were
/// checked when it was copied).
struct RawRegistration: RegisterPayloadSource {
    let fields: RawFields

    enum Kind { case text, optionalText, integer }
    /// The storage type of each column of `StoredRegistration.columns`.
    static let kinds: [Kind] = [.text, .text, .text, .text, .integer, .text, .text, .optionalText, .integer, .text, .optionalText,
                                .optionalText, .optionalText, .optionalText, .integer, .integer, .integer, .optionalText, .text,
                                .optionalText, .integer, .integer, .integer]
    static let columnCount = 23
    static let regNo = 0, regDate = 1, ipType = 2, uscc = 3, usccOverride = 4, enterprise = 5, bank = 6, branch = 7, amountFen = 8,
               ipNumbers = 9, park = 10, prefecture = 11, maturity = 12, rate = 13, rywq = 14, firstLoan = 15, insured = 16, notes = 17,
               status = 18, statusDate = 19, late = 20, createdSeq = 21, updatedSeq = 22

    static func column(_ f: CanonicalRegisterPayload.TextField) -> Int {
        switch f {
        case .bank: bank
        case .branch: branch
        case .enterprise: enterprise
        case .ipType: ipType
        case .maturity: maturity
        case .notes: notes
        case .park: park
        case .prefecture: prefecture
        case .rate: rate
        case .regDate: regDate
        case .regNo: regNo
        case .uscc: uscc
        }
    }

    static func column(_ f: CanonicalRegisterPayload.FlagField) -> Int {
        switch f {
        case .firstLoan: firstLoan
        case .insured: insured
        case .rywq: rywq
        case .usccOverride: usccOverride
        }
    }

    func text(_ column: Int) -> UnsafeBufferPointer<UInt8>? { fields.text(column) }
    func int(_ column: Int) -> Int64 { fields.int(column) }

    /// Every 0/1 column holds 0 or 1.
    var flagsAreBits: Bool {
        func bit(_ k: Int) -> Bool { int(k) == 0 || int(k) == 1 }
        return bit(Self.usccOverride) && bit(Self.rywq) && bit(Self.firstLoan) && bit(Self.insured) && bit(Self.late)
    }

    // RegisterPayloadSource: the payload this row implies (flags must be checked as bits first).
    var amountFen: Int64 { int(Self.amountFen) }
    func has(_ f: CanonicalRegisterPayload.TextField) -> Bool { text(Self.column(f)) != nil }
    func write<K: PayloadSink>(_ f: CanonicalRegisterPayload.TextField, _ b: inout PayloadWriter<K>) {
        b.string(text(Self.column(f)) ?? UnsafeBufferPointer(start: nil, count: 0))
    }
    func flag(_ f: CanonicalRegisterPayload.FlagField) -> Bool { int(Self.column(f)) == 1 }

    /// The numbers of `ip_numbers` ('' for none; empty pieces are kept, so that the payload proves the column exactly).
    func forEachIPNumber(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let all = text(Self.ipNumbers), !all.isEmpty else { return }
        var start = all.startIndex
        for i in all.indices where all[i] == UInt8(ascii: ";") {
            body(UnsafeBufferPointer(rebasing: all[start..<i]))
            start = i + 1
        }
        body(UnsafeBufferPointer(rebasing: all[start...]))
    }

    func writeIPNumbers<K: PayloadSink>(_ b: inout PayloadWriter<K>) {
        var first = true
        forEachIPNumber { n in
            if !first { b.comma() }
            first = false
            b.string(n)
        }
    }

    /// The row's stored values, for comparing byte for byte with the values a replay implies.
    func cells() -> [ExactValue] {
        (0..<Self.columnCount).map { k in
            if Self.kinds[k] == .integer { return .integer(int(k)) }
            return text(k).map { .text(Array($0)) } ?? .null
        }
    }

    /// The row as Swift values, for the few rows changed after they were registered (replayed from their entries).
    func stored() -> StoredRegistration? {
        func s(_ k: Int) -> String? { fields.string(k) }
        func flag(_ k: Int) -> Bool? { switch int(k) { case 0: false; case 1: true; default: nil } }
        func date(_ k: Int) -> CivilDate?? {
            guard let t = s(k) else { return .some(nil) }
            return (try? CivilDate.parse(t)).map { .some($0) }
        }
        guard let ipType = IPType(rawValue: s(Self.ipType)!), let status = RegistrationStatus(rawValue: s(Self.status)!),
              let regDate = date(Self.regDate) ?? nil, let maturity = date(Self.maturity), let statusDate = date(Self.statusDate),
              let override = flag(Self.usccOverride), let rywq = flag(Self.rywq), let firstLoan = flag(Self.firstLoan),
              let insured = flag(Self.insured), let late = flag(Self.late) else { return nil }
        // Empty pieces kept (only '' is no number): 'A;;B' must not read as the journal's ["A", "B"].
        let numbers = s(Self.ipNumbers)!
        let registration = Registration(
            regNo: s(Self.regNo)!, regDate: regDate, uscc: s(Self.uscc)!, usccOverride: override, enterprise: s(Self.enterprise)!,
            bank: s(Self.bank)!, branch: s(Self.branch), amount: Fen(int(Self.amountFen)), ipType: ipType,
            ipNumbers: numbers.isEmpty ? [] : Registration.ipNumbers(joined: numbers, omittingEmpty: false), park: s(Self.park), prefectureCode: s(Self.prefecture),
            maturity: maturity, rate: s(Self.rate), rywq: rywq, firstLoan: firstLoan, insured: insured, notes: s(Self.notes))
        return StoredRegistration(registration: registration, status: status, statusDate: statusDate, late: late,
                                  createdSeq: int(Self.createdSeq), updatedSeq: int(Self.updatedSeq))
    }
}

/// A stored value compared exactly: its storage class and, for text, its bytes (Swift String equality would
/// take canonically equivalent forms as equal).
enum ExactValue: Hashable {
    case null, integer(Int64), real(Double), text([UInt8]), blob([UInt8])

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let n): self = .integer(n)
        case .double(let d): self = .real(d)
        case .string(let s): self = .text(Array(s.utf8))
        case .blob(let b): self = .blob(Array(b))
        }
    }
}
