import Foundation
import PledgeCore
/// The aggregates, enterprise names and rights that a set of proved registrations implies.
struct ExpectedProjections {
    /// Count and amount per monthly_totals key and status: monthly, status and group totals all derive from it.
    /// Those of the unchanged rows are already in `totals` (summed by the checker thread while the reading
    /// thread finished the tables); `fine` then holds the replayed registrations', added by `concludeTotals`.
    var fine: [FineKey: (Int64, Int64)] = [:]
    var totals = ImpliedTotals()
    /// status_totals keys a registration passed through (kept at zero when it left them).
    var statusKeysPassed = Set<String>()
    /// Served enterprises per target and the last name written per USCC, keyed by interned bytes.
    var enterprises: RowAggregates
    var rights = MultisetDigest()
    let targets: [TargetWindow]

    struct FineKey: Hashable { var monthly: BulkProjectionWriter.MonthlyKey, status: RegistrationStatus }

    /// Moves `fine` into `totals`; `groups`: its group totals, when already summed.
    mutating func concludeTotals(groups: [GroupTotalsKey: (Int64, Int64)]? = nil) {
        totals.add(fine, groups: groups)
        fine = [:]
    }

    init(targets: [TargetWindow]) {
        self.targets = targets
        enterprises = RowAggregates(targets: targets)
    }

    /// Adds a proved registration's contribution to the aggregates it implies.
    mutating func add(_ s: StoredRegistration, enterpriseWrittenAt seq: Int64) {
        let r = s.registration
        let key = FineKey(monthly: BulkProjectionWriter.MonthlyKey(r), status: s.status)
        fine.add(key, 1, r.amount.value)
        for (i, t) in targets.enumerated() where t.counts(s) { enterprises.addServed(target: i, uscc: r.uscc) }
        noteEnterprise(r, writtenAt: seq)
        for n in r.ipNumbers { rights.add(n, r.regNo) }
    }

    /// `enterprises` keeps the name last written for each USCC (by a registration or a correction of it).
    mutating func noteEnterprise(_ r: Registration, writtenAt seq: Int64) {
        enterprises.noteName(uscc: r.uscc, name: r.enterprise, seq: seq)
    }
}

/// The monthly_totals, status_totals and group_totals rows a set of registrations implies.
struct ImpliedTotals {
    var monthly: [BulkProjectionWriter.MonthlyKey: (Int64, Int64)] = [:]
    /// Keyed by "ip_type|status".
    var status: [String: (Int64, Int64)] = [:]
    var groups: [GroupTotalsKey: (Int64, Int64)] = [:]

    /// `groups`: the group totals of `fine` when the caller has them already (summed on bytes by `RowAggregates`).
    mutating func add(_ fine: [ExpectedProjections.FineKey: (Int64, Int64)], groups known: [GroupTotalsKey: (Int64, Int64)]? = nil) {
        // The group totals (six keys per fine key, most of the work) on a second thread when there are many:
        // at the end of a large verify the other core is often idle.
        let helper = known == nil && fine.count >= 4096 ? BatchChannel<[GroupTotalsKey: (Int64, Int64)]>(capacity: 1) : nil
        if let helper { Thread { _ = helper.put(Self.groups(of: fine)) }.start() }
        for (k, v) in fine {
            let m = k.monthly
            if k.status != .void { monthly.add(m, v.0, v.1) }
            status.add(m.ipType + "|" + k.status.rawValue, v.0, v.1)
        }
        let part = known ?? helper?.take() ?? Self.groups(of: fine)
        if groups.isEmpty {
            groups = part
        } else {
            for (g, v) in part { groups.add(g, v.0, v.1) }
        }
    }

    private static func groups(of fine: [ExpectedProjections.FineKey: (Int64, Int64)]) -> [GroupTotalsKey: (Int64, Int64)] {
        var groups: [GroupTotalsKey: (Int64, Int64)] = [:]
        for (k, v) in fine {
            let m = k.monthly
            for g in GroupTotals.keys(month: m.month, ipType: m.ipType, status: k.status.rawValue, prefecture: m.prefecture, park: m.park,
                                      bank: m.bank, rywq: m.rywq, firstLoan: m.firstLoan) {
                groups.add(g, v.0, v.1)
            }
        }
        return groups
    }
}

/// An order-independent digest of a multiset of (ip number, 登记号) pairs: the sum of a keyed 128-bit hash of
/// each pair. The key is random per process, so no one can craft rows that collide with it in advance.
struct MultisetDigest: Equatable {
    private var low: UInt64 = 0, high: UInt64 = 0, count = 0
    /// Read once per digest: each read of the global costs a call (its lazy initialization's check).
    private let start = keyedHashStarts.0

    static func == (a: Self, b: Self) -> Bool { a.low == b.low && a.high == b.high && a.count == b.count }

    /// Adds every element of `other` (the digest of the union of the two multisets).
    mutating func merge(_ other: MultisetDigest) {
        low &+= other.low
        high &+= other.high
        count += other.count
    }

    private mutating func add(_ feed: (inout Hasher) -> Void) {
        let h = keyedHash128(from: start, feed)
        low &+= h.low
        high &+= h.high
        count += 1
    }

    // Each part's length first, so that ("ab", "c") and ("a", "bc") differ.
    mutating func add(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) {
        add { h in
            h.combine(a.count); h.combine(bytes: UnsafeRawBufferPointer(a))
            h.combine(b.count); h.combine(bytes: UnsafeRawBufferPointer(b))
        }
    }

    mutating func add(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ n: Int64) {
        add { h in
            h.combine(a.count); h.combine(bytes: UnsafeRawBufferPointer(a))
            h.combine(b.count); h.combine(bytes: UnsafeRawBufferPointer(b))
            h.combine(n)
        }
    }

    mutating func add(_ a: String, _ b: String) {
        var a = a, b = b
        a.withUTF8 { a in b.withUTF8 { b in add(a, b) } }
    }

    /// An `enterprises` row: the USCC's bytes and the keyed hash of the name (`NameHash`), so that the quick
    /// pass need not keep every name it reads.
    mutating func add(uscc: UnsafeBufferPointer<UInt8>, name: NameHash) {
        add { h in
            h.combine(uscc.count); h.combine(bytes: UnsafeRawBufferPointer(uscc))
            h.combine(name.low); h.combine(name.high)
        }
    }
}

/// A keyed 128-bit hash of an enterprise name (two SipHash keys, random per process, like `MultisetDigest`):
/// what the quick pass keeps of the name last written for each USCC instead of the name's bytes.
struct NameHash: Equatable {
    var low: UInt64 = 0, high: UInt64 = 0

    init() {}

    /// `start`: `NameHash.start`, read once by callers that hash many names.
    init(_ bytes: UnsafeBufferPointer<UInt8>, start: Hasher = NameHash.start) {
        (low, high) = keyedHash128(from: start) { $0.combine(bytes: UnsafeRawBufferPointer(bytes)) }
    }

    static var start: Hasher { keyedHashStarts.1 }
}

/// 128 bits of keyed hash: two SipHash evaluations (Hasher, seeded at random per process) of the input with a
/// final byte 0 and 1. The input is absorbed once and the state copied before that byte (absorbing it twice
/// was a tenth of the reading thread's time); no input followed by one byte equals another followed by a
/// byte, so the halves are evaluations at distinct points. `start` is one of `keyedHashStarts`, whose domain byte
/// keeps the uses (multiset elements, names) from sharing values.
private func keyedHash128(from start: Hasher, _ feed: (inout Hasher) -> Void) -> (low: UInt64, high: UInt64) {
    var h1 = start
    feed(&h1)
    var h2 = h1
    h1.combine(UInt8(0))
    h2.combine(UInt8(1))
    return (UInt64(bitPattern: Int64(h1.finalize())), UInt64(bitPattern: Int64(h2.finalize())))
}

/// The states `keyedHash128` starts from: a `Hasher` (the process's random seed) that has absorbed the domain byte,
/// 0 or 1. Copied for each hash instead of made anew: `Hasher()` read the seed and absorbed the byte every time,
/// about a fifth of a short hash, and the quick pass hashes millions of short inputs.
private let keyedHashStarts: (Hasher, Hasher) = {
    var rights = Hasher(), names = Hasher()
    rights.combine(UInt8(0))
    names.combine(UInt8(1))
    return (rights, names)
}()

/// The figures of the rows the quick pass proved unchanged, keyed by interned bytes (no String per row): the
/// monthly totals stay here and are compared with `monthly_totals` on bytes (the replayed rows' figures are added
/// with `addMonthly`), the status and group totals are summed once per key, the enterprise figures are compared as
/// digests.
struct RowAggregates {
    /// The monthly_totals keys (month, IP type, prefecture, park, bank, 入园惠企, 首贷) written as one byte
    /// string each (fields length-prefixed): one lookup per row. Their values come from the reference lists.
    private var groups = ByteInterner(trustedKeys: true)
    private var key: [UInt8] = []
    /// Registrations and amount per group id.
    private var fine: [(registrations: Int64, amount: Int64)] = []
    /// No replayed registration's figures added yet: `statusTotals` and `groupTotals` take every row as active.
    private var unchangedOnly = true
    /// USCCs: hundreds of thousands on a large ledger.
    private var enterprises: ByteInterner
    /// Registrations per target index and USCC id (an array per target: a dictionary's hashing and probing
    /// were a tenth of the checker's time).
    private var served: [[Int64]]
    /// The last name written for each USCC id (its keyed hash), with the seq that wrote it (0: none).
    private var names: [(seq: Int64, name: NameHash)] = []
    private let windows: [(name: String, from: [UInt8], to: [UInt8], ipType: [UInt8]?)]

    /// `expectedEnterprises`: room for that many USCCs at once (a hint from the ledger; more still fit).
    init(targets: [TargetWindow], expectedEnterprises: Int = 0) {
        enterprises = ByteInterner(expected: expectedEnterprises)
        windows = targets.map { ($0.name, Array($0.from.utf8), Array($0.to.utf8), $0.ipType.map { Array($0.utf8) }) }
        served = Array(repeating: [], count: targets.count)
        for t in served.indices { served[t].reserveCapacity(expectedEnterprises) }
        names.reserveCapacity(expectedEnterprises)
        key.reserveCapacity(512)
    }

    /// Appends one field of a monthly key: four bytes of length, then the bytes (NULL is '', as in monthly_totals).
    static func keyField(_ b: UnsafeBufferPointer<UInt8>?, to key: inout [UInt8]) {
        let n = UInt32(truncatingIfNeeded: b?.count ?? 0)
        key.append(UInt8(truncatingIfNeeded: n >> 24)); key.append(UInt8(truncatingIfNeeded: n >> 16))
        key.append(UInt8(truncatingIfNeeded: n >> 8)); key.append(UInt8(truncatingIfNeeded: n))
        if let b { key.append(contentsOf: b) }
    }

    /// Where each field of a monthly key starts in its bytes (as `keyField` wrote them, the month's at 0; the two flag
    /// bytes at `flags`).
    private static func fieldStarts(_ b: UnsafeBufferPointer<UInt8>) -> (type: Int, prefecture: Int, park: Int, bank: Int, flags: Int) {
        func next(_ i: Int) -> Int { i + 4 + fieldLength(b, at: i) }
        let type = next(0), prefecture = next(type), park = next(prefecture), bank = next(park)
        return (type, prefecture, park, bank, next(bank))
    }

    /// The length `keyField` wrote at `i` (four bytes, most significant first).
    private static func fieldLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    /// Adds an active registration, registered by entry `seq` and not changed since; rows come in seq order.
    /// `name` is the keyed hash of its enterprise name; its rights are digested by the reading thread.
    mutating func add(_ r: RawRegistration, seq: Int64, name: NameHash) {
        guard let date = r.text(RawRegistration.regDate), let type = r.text(RawRegistration.ipType), let uscc = r.text(RawRegistration.uscc),
              let bank = r.text(RawRegistration.bank)
        else { preconditionFailure("a proved row has its required columns") }
        key.removeAll(keepingCapacity: true)
        Self.keyField(UnsafeBufferPointer(rebasing: date.prefix(7)), to: &key); Self.keyField(type, to: &key)
        Self.keyField(r.text(RawRegistration.prefecture), to: &key); Self.keyField(r.text(RawRegistration.park), to: &key)
        Self.keyField(bank, to: &key)
        key.append(UInt8(truncatingIfNeeded: r.int(RawRegistration.rywq))); key.append(UInt8(truncatingIfNeeded: r.int(RawRegistration.firstLoan)))
        addMonthlyKey(1, r.amountFen)
        let enterprise = enterprises.id(uscc)
        for (t, w) in windows.enumerated() where !date.lexicographicallyPrecedes(w.from) && !w.to.lexicographicallyPrecedes(date)
            && (w.ipType.map { type.same($0) } ?? true) {
            serve(t, enterprise)
        }
        noteName(enterprise, name: name, seq: seq)
    }

    /// The group_totals rows these rows imply (every one active), summed on bytes: each monthly key adds to six
    /// group keys, and at 1M rows 40,000 monthly keys made 240,000 dictionary updates on String keys (a tenth of a
    /// second at the end of the pass, with the reading thread idle). Each group key is interned as
    /// (dimension, group, month, IP type) bytes; Strings are made once per group key (a few thousand).
    func groupTotals() -> [GroupTotalsKey: (Int64, Int64)] {
        precondition(unchangedOnly, "the group totals of the unchanged rows are taken before any replayed row is added")
        var interner = ByteInterner(trustedKeys: true)
        var sums: [(Int64, Int64)] = []
        var key: [UInt8] = []
        key.reserveCapacity(256)
        let dimensions = GroupDimension.allCases
        // A group key's bytes: the dimension's index, then the group, month and IP type as `keyField` writes them; the
        // month and IP type are copied as the monthly key holds them, and so is the group when it is a text field.
        let flagFields: [[UInt8]] = [[0, 0, 0, 1, UInt8(ascii: "0")], [0, 0, 0, 1, UInt8(ascii: "1")]]
        for (id, v) in fine.enumerated() {
            groups.withBytes(Int32(id)) { b in
                let at = Self.fieldStarts(b)
                for (d, dimension) in dimensions.enumerated() {
                    key.removeAll(keepingCapacity: true)
                    key.append(UInt8(d))
                    switch dimension {
                    case .all: key.append(contentsOf: [0, 0, 0, 0] as [UInt8])
                    case .prefecture: key.append(contentsOf: UnsafeBufferPointer(rebasing: b[at.prefecture..<at.park]))
                    case .park: key.append(contentsOf: UnsafeBufferPointer(rebasing: b[at.park..<at.bank]))
                    case .bank: key.append(contentsOf: UnsafeBufferPointer(rebasing: b[at.bank..<at.flags]))
                    case .rywq: key.append(contentsOf: flagFields[b[at.flags] == 1 ? 1 : 0])
                    case .firstLoan: key.append(contentsOf: flagFields[b[at.flags + 1] == 1 ? 1 : 0])
                    }
                    key.append(contentsOf: UnsafeBufferPointer(rebasing: b[0..<at.prefecture]))
                    let g = Int(key.withUnsafeBufferPointer { interner.id($0) })
                    if g == sums.count { sums.append((0, 0)) }
                    sums[g].0 &+= v.registrations
                    sums[g].1 &+= v.amount
                }
            }
        }
        var totals = [GroupTotalsKey: (Int64, Int64)](minimumCapacity: sums.count)
        for (g, v) in sums.enumerated() {
            interner.withBytes(Int32(g)) { b in
                var texts: [String] = [], i = 1
                for _ in 0..<3 {
                    let n = Self.fieldLength(b, at: i)
                    texts.append(String(decoding: UnsafeBufferPointer(rebasing: b[(i + 4)..<(i + 4 + n)]), as: UTF8.self))
                    i += 4 + n
                }
                totals[GroupTotalsKey(dimension: dimensions[Int(b[0])], group: texts[0], month: texts[1], ipType: texts[2],
                                      status: RegistrationStatus.active.rawValue)] = v
            }
        }
        return totals
    }

    /// Adds to the monthly key in `key`.
    private mutating func addMonthlyKey(_ registrations: Int64, _ amount: Int64) {
        let group = Int(key.withUnsafeBufferPointer { groups.id($0) })
        if group == fine.count { fine.append((0, 0)) }
        fine[group].registrations &+= registrations
        fine[group].amount &+= amount
    }

    /// Adds a replayed registration's figures to a monthly key (a registration not void).
    mutating func addMonthly(_ k: BulkProjectionWriter.MonthlyKey, _ registrations: Int64, _ amount: Int64) {
        unchangedOnly = false
        key.removeAll(keepingCapacity: true)
        for var text in [k.month, k.ipType, k.prefecture, k.park, k.bank] {
            text.withUTF8 { Self.keyField($0, to: &key) }
        }
        key.append(k.rywq ? 1 : 0); key.append(k.firstLoan ? 1 : 0)
        addMonthlyKey(registrations, amount)
    }

    /// How many monthly keys these figures have (each with at least one registration).
    var monthlyKeys: Int { fine.count }

    /// The registrations and amount of the monthly key written in `bytes` (as `keyField` writes it), nil if it has none.
    func monthly(_ bytes: UnsafeBufferPointer<UInt8>) -> (registrations: Int64, amount: Int64)? {
        groups.existingID(bytes).map { fine[Int($0)] }
    }

    /// The status_totals rows of these rows (every one active), keyed "ip_type|active" as `ImpliedTotals.status`.
    func statusTotals() -> [String: (Int64, Int64)] {
        precondition(unchangedOnly, "the status totals of the unchanged rows are taken before any replayed row is added")
        var byType: [[UInt8]: (Int64, Int64)] = [:]
        for (id, v) in fine.enumerated() {
            let type = groups.withBytes(Int32(id)) { b in
                let at = Self.fieldStarts(b)
                return Array(b[(at.type + 4)..<at.prefecture])
            }
            let old = byType[type] ?? (0, 0)
            byType[type] = (old.0 &+ v.registrations, old.1 &+ v.amount)
        }
        var totals: [String: (Int64, Int64)] = [:]
        for (type, v) in byType { totals[String(decoding: type, as: UTF8.self) + "|" + RegistrationStatus.active.rawValue] = v }
        return totals
    }

    // Figures of replayed (changed) registrations, which come as Swift values.
    mutating func addServed(target: Int, uscc: String) {
        serve(target, enterprises.id(uscc))
    }

    private mutating func serve(_ target: Int, _ enterprise: Int32) {
        let e = Int(enterprise)
        if e >= served[target].count {
            served[target].append(contentsOf: repeatElement(0, count: max(enterprises.count, e + 1) - served[target].count))
        }
        served[target][e] += 1
    }

    mutating func noteName(uscc: String, name: String, seq: Int64) {
        var name = name
        let id = enterprises.id(uscc)
        name.withUTF8 { noteName(id, name: NameHash($0), seq: seq) }
    }

    private mutating func noteName(_ id: Int32, name: NameHash, seq: Int64) {
        if names.count < enterprises.count {
            names.append(contentsOf: repeatElement((seq: Int64(0), name: NameHash()), count: enterprises.count - names.count))
        }
        let id = Int(id)
        if seq >= names[id].seq { names[id] = (seq, name) }
    }

    // Queries for the comparison with the tables, on the bytes SQLite holds.
    /// The number of (target, USCC) pairs with registrations, per target index.
    func servedPairs() -> [Int] {
        served.map { counts in counts.lazy.filter { $0 > 0 }.count }
    }

    /// The digest of the `enterprises` rows these figures imply: (USCC, last name written).
    func enterprisesDigest() -> MultisetDigest {
        var digest = MultisetDigest()
        for (uscc, latest) in names.enumerated() where latest.seq > 0 {
            enterprises.withBytes(Int32(uscc)) { u in digest.add(uscc: u, name: latest.name) }
        }
        return digest
    }

    /// The digest of the `target_enterprises` rows these figures imply: (target, USCC, registrations).
    func servedDigest() -> MultisetDigest {
        var digest = MultisetDigest()
        for (t, counts) in served.enumerated() {
            var name = windows[t].name
            name.withUTF8 { name in
                for (e, n) in counts.enumerated() where n > 0 { enterprises.withBytes(Int32(e)) { u in digest.add(name, u, n) } }
            }
        }
        return digest
    }
}
