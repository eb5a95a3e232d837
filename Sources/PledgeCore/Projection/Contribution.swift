#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A count of registrations and their amount (fen): what every maintained total holds per key.
public struct Totals: Sendable, Equatable {
    public var registrations: Int64
    public var amountFen: Int64
    public init(registrations: Int64 = 0, amountFen: Int64 = 0) {
        self.registrations = registrations
        self.amountFen = amountFen
    }
    /// Wrapping: the store refuses a write whose grand total leaves Int64 before anything is committed.
    public mutating func add(_ o: Totals) {
        registrations &+= o.registrations
        amountFen &+= o.amountFen
    }
}

/// Where one registration counts: its registration month, type, status and the groups of every report. Each
/// maintained total is this cell projected onto its own key (`monthlyKey`, `statusKey`, `groupKeys`).
public struct Cell: Hashable, Sendable {
    public var month: String, ipType: String, status: String, prefecture: String, park: String, bank: String
    public var rywq: Bool, firstLoan: Bool
    /// In the 普惠 band: an amount under 1,000 万元 (`Registration.puhuiLimit`).
    public var puhui: Bool

    public init(_ s: RegistrationState) {
        let r = s.registration
        month = r.regDate.yearMonth.description
        ipType = r.ipType.rawValue
        status = s.status.rawValue
        prefecture = r.prefectureCode ?? ""
        park = r.park ?? ""
        bank = r.bank
        rywq = r.rywq
        firstLoan = r.firstLoan
        puhui = r.amount < Registration.puhuiLimit
    }

    public func hash(into h: inout Hasher) {
        // By UTF-8 bytes, as SQLite compares keys (and faster than String's normalizing hash for Chinese names).
        month.hashBytes(into: &h); ipType.hashBytes(into: &h); status.hashBytes(into: &h); prefecture.hashBytes(into: &h)
        park.hashBytes(into: &h); bank.hashBytes(into: &h)
        h.combine(rywq)
        h.combine(firstLoan)
        h.combine(puhui)
    }

    public static func == (a: Cell, b: Cell) -> Bool {
        a.rywq == b.rywq && a.firstLoan == b.firstLoan && a.puhui == b.puhui && a.month.sameBytes(b.month) && a.ipType.sameBytes(b.ipType)
            && a.status.sameBytes(b.status) && a.prefecture.sameBytes(b.prefecture) && a.park.sameBytes(b.park) && a.bank.sameBytes(b.bank)
    }

    /// The `monthly_totals` key: the statistic, so nil for a void registration.
    public var monthlyKey: MonthlyKey? {
        status == RegistrationStatus.void.rawValue ? nil
            : MonthlyKey(month: month, ipType: ipType, prefecture: prefecture, park: park, bank: bank, rywq: rywq, firstLoan: firstLoan)
    }

    /// The `group_totals` keys: one per dimension.
    public var groupKeys: [GroupKey] {
        GroupDimension.allCases.map { GroupKey(dimension: $0, group: group($0), month: month, ipType: ipType, status: status) }
    }

    /// The group this cell falls in along `d` ('' when the field is not recorded).
    public func group(_ d: GroupDimension) -> String {
        switch d {
        case .all: ""
        case .prefecture: prefecture
        case .park: park
        case .bank: bank
        case .rywq: GroupDimension.group(of: rywq)
        case .firstLoan: GroupDimension.group(of: firstLoan)
        case .puhui: GroupDimension.group(of: puhui)
        }
    }
}

public struct MonthlyKey: Hashable, Sendable {
    public var month: String, ipType: String, prefecture: String, park: String, bank: String, rywq: Bool, firstLoan: Bool
    public init(month: String, ipType: String, prefecture: String, park: String, bank: String, rywq: Bool, firstLoan: Bool) {
        (self.month, self.ipType, self.prefecture, self.park, self.bank, self.rywq, self.firstLoan) = (month, ipType, prefecture, park, bank, rywq, firstLoan)
    }
    public func hash(into h: inout Hasher) {
        month.hashBytes(into: &h); ipType.hashBytes(into: &h); prefecture.hashBytes(into: &h); park.hashBytes(into: &h); bank.hashBytes(into: &h)
        h.combine(rywq); h.combine(firstLoan)
    }
    public static func == (a: Self, b: Self) -> Bool {
        a.rywq == b.rywq && a.firstLoan == b.firstLoan && a.month.sameBytes(b.month) && a.ipType.sameBytes(b.ipType)
            && a.prefecture.sameBytes(b.prefecture) && a.park.sameBytes(b.park) && a.bank.sameBytes(b.bank)
    }
}

/// The `status_totals` key: a registration's type, current status and maturity month ('' without a maturity).
public struct StatusKey: Hashable, Sendable {
    public var ipType: String, status: String, maturityMonth: String
    public init(_ s: RegistrationState) {
        ipType = s.registration.ipType.rawValue
        status = s.status.rawValue
        maturityMonth = s.registration.maturity?.yearMonth.description ?? ""
    }
    public func hash(into h: inout Hasher) { ipType.hashBytes(into: &h); status.hashBytes(into: &h); maturityMonth.hashBytes(into: &h) }
    public static func == (a: Self, b: Self) -> Bool {
        a.ipType.sameBytes(b.ipType) && a.status.sameBytes(b.status) && a.maturityMonth.sameBytes(b.maturityMonth)
    }
}

/// The `balance_days` key: a registration's type, a day its balance changes, and how.
public struct BalanceDayKey: Hashable, Sendable {
    public var ipType: String, day: String, kind: BalanceChange
    public init(ipType: String, day: String, kind: BalanceChange) { (self.ipType, self.day, self.kind) = (ipType, day, kind) }
    public func hash(into h: inout Hasher) { ipType.hashBytes(into: &h); day.hashBytes(into: &h); h.combine(kind) }
    public static func == (a: Self, b: Self) -> Bool { a.kind == b.kind && a.ipType.sameBytes(b.ipType) && a.day.sameBytes(b.day) }
}

/// How a registration's balance changes on a day: it opens (registered), closes (released or defaulted), falls past
/// maturity while open, and leaves the overdue part when it closes after that.
public enum BalanceChange: String, CaseIterable, Sendable {
    case opened, closed, overdueFrom = "overdue_from", overdueTo = "overdue_to"
}

extension RegistrationState {
    /// The days its balance changes. On day D a registration is outstanding when it opened on or before D and did not
    /// close on or before D (void: never), and past maturity when moreover its maturity is before D. The only
    /// statement of the balance rule: `report progress` sums these changes up to its as-of day.
    public func balanceChanges(_ body: (BalanceChange, CivilDate) -> Void) {
        guard status != .void else { return }
        let opened = registration.regDate
        let closed = status == .released || status == .defaulted ? statusDate : nil
        body(.opened, opened)
        if let closed { body(.closed, closed) }
        if let maturity = registration.maturity, let after = maturity.adding(days: 1) {
            let overdue = max(opened, after)
            if closed.map({ overdue < $0 }) ?? true {
                body(.overdueFrom, overdue)
                if let closed { body(.overdueTo, closed) }
            }
        }
    }
}

/// The dimensions of `group_totals`: the statistic split along one of them at a time.
public enum GroupDimension: String, CaseIterable, Sendable {
    case all, prefecture, park, bank, rywq, firstLoan = "first_loan", puhui

    /// The group of a flag's value along its dimension (`rywq`, `first_loan`).
    public static func group(of flag: Bool) -> String { flag ? "1" : "0" }
}

public struct GroupKey: Hashable, Sendable {
    public var dimension: GroupDimension, group: String, month: String, ipType: String, status: String
    public func hash(into h: inout Hasher) {
        h.combine(dimension); group.hashBytes(into: &h); month.hashBytes(into: &h); ipType.hashBytes(into: &h); status.hashBytes(into: &h)
    }
    public static func == (a: Self, b: Self) -> Bool {
        a.dimension == b.dimension && a.group.sameBytes(b.group) && a.month.sameBytes(b.month) && a.ipType.sameBytes(b.ipType)
            && a.status.sameBytes(b.status)
    }
}

/// One pledged right of one registration (`registration_rights`).
public struct PledgedRight: Hashable, Sendable {
    public var ipNumber: String, regNo: String
    public func hash(into h: inout Hasher) { ipNumber.hashBytes(into: &h); regNo.hashBytes(into: &h) }
    public static func == (a: Self, b: Self) -> Bool { a.ipNumber.sameBytes(b.ipNumber) && a.regNo.sameBytes(b.regNo) }
    /// The order of the table's key (bytes, as SQLite orders text).
    public static func keyOrder(_ a: Self, _ b: Self) -> Bool {
        let c = a.ipNumber.compareBytes(b.ipNumber)
        return c != 0 ? c < 0 : a.regNo.compareBytes(b.regNo) < 0
    }
}

extension Target {
    /// Whether a registration counts toward this target: not void, of the target's type (any when it has none), dated
    /// in its window, in its park or prefecture when it has one. The only statement of this rule.
    public func counts(_ s: RegistrationState) -> Bool {
        guard s.status != .void && s.registration.regDate >= from && s.registration.regDate <= to
            && (ipType == nil || ipType == s.registration.ipType) else { return false }
        guard let scope else { return true }
        return Cell(s).group(scope.dimension).sameBytes(scope.group)
    }
}

extension RegistrationState {
    /// The rights it pledges.
    public var rights: [PledgedRight] { registration.ipNumbers.map { PledgedRight(ipNumber: $0, regNo: registration.regNo) } }
}

extension String {
    /// Hashes the UTF-8 bytes (String's own hash normalizes Unicode, which SQLite's keys do not).
    public func hashBytes(into h: inout Hasher) {
        withBytes { h.combine(bytes: $0); h.combine($0.count) }
    }

    /// Equal UTF-8 bytes (String's == is Unicode canonical equivalence; SQLite compares bytes).
    public func sameBytes(_ o: String) -> Bool {
        withBytes { x in o.withBytes { y in
            x.count == y.count && (x.baseAddress == y.baseAddress || x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
        } }
    }

    /// Equal to these UTF-8 bytes (SQLite's text as it holds it).
    public func sameBytes(_ b: UnsafeRawBufferPointer) -> Bool {
        withBytes { x in x.count == b.count && (x.isEmpty || memcmp(x.baseAddress!, b.baseAddress!, x.count) == 0) }
    }

    /// Ordered by UTF-8 bytes, as SQLite's BINARY collation orders text.
    public func bytesPrecede(_ o: String) -> Bool { compareBytes(o) < 0 }

    /// < 0, 0 or > 0 as this text's UTF-8 bytes order before, equal to or after `o`'s.
    public func compareBytes(_ o: String) -> Int {
        withBytes { x in o.withBytes { y in
            let n = min(x.count, y.count)
            let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
            return c != 0 ? Int(c) : x.count - y.count
        } }
    }

    /// The UTF-8 bytes in place (native and small strings), without copying the string.
    @inline(__always)
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let r = utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return r }
        var s = self
        return s.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}
