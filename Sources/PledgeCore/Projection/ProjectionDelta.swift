/// What a batch of events changes in the maintained tables, accumulated in memory: the registrations' cells (from
/// which `monthly_totals` and `group_totals` are folded), `status_totals`, the served enterprises per target, the
/// rights pledged and released, and the enterprises' names (the last one recorded wins). The store applies a delta
/// through one writer; `audit verify` accumulates one over the whole journal and compares it with the tables.
public struct ProjectionDelta: Sendable {
    public private(set) var cells: [Cell: Totals] = [:]
    /// `status_totals`: count and amount per IP type, current status and maturity month, void included.
    public private(set) var statusTotals: [StatusKey: Totals] = [:]
    /// `balance_days`: per IP type, day and kind, the registrations whose balance changes that day.
    public private(set) var balanceDays: [BalanceDayKey: Totals] = [:]
    /// Registrations per (target, USCC) that count toward the target.
    public private(set) var served: [ServedKey: Int64] = [:]
    public private(set) var rightsRemoved: [PledgedRight] = []
    public private(set) var rightsAdded: [PledgedRight] = []
    public private(set) var enterprises: [String: String] = [:]
    /// The targets whose served enterprises this delta keeps.
    public private(set) var targets: [Target]

    public struct ServedKey: Hashable, Sendable {
        public var target: String, uscc: String
        public init(target: String, uscc: String) { (self.target, self.uscc) = (target, uscc) }
        public func hash(into h: inout Hasher) { target.hashBytes(into: &h); uscc.hashBytes(into: &h) }
        public static func == (a: Self, b: Self) -> Bool { a.target.sameBytes(b.target) && a.uscc.sameBytes(b.uscc) }
        /// The order of `target_enterprises`' key.
        public static func keyOrder(_ a: Self, _ b: Self) -> Bool {
            let c = a.target.compareBytes(b.target)
            return c != 0 ? c < 0 : a.uscc.compareBytes(b.uscc) < 0
        }
    }

    /// Whether rights pledged and released are collected (the writer needs them; a verifier derives rights from states).
    public let keepsRights: Bool

    public init(targets: [Target], keepsRights: Bool = true) {
        self.targets = targets
        self.keepsRights = keepsRights
    }

    public var isEmpty: Bool { cells.isEmpty && statusTotals.isEmpty && balanceDays.isEmpty && served.isEmpty && rightsRemoved.isEmpty && rightsAdded.isEmpty && enterprises.isEmpty }

    /// A new registration: its contribution, its rights, its enterprise's name.
    public mutating func register(_ s: RegistrationState) {
        count(s, sign: 1)
        if keepsRights {
            for n in s.registration.ipNumbers { rightsAdded.append(PledgedRight(ipNumber: n, regNo: s.registration.regNo)) }
        }
        enterprises[s.registration.uscc] = s.registration.enterprise
    }

    /// A registration changed from `old` to `new`: the old contribution out, the new one in.
    public mutating func change(from old: RegistrationState, to new: RegistrationState) {
        count(old, sign: -1)
        count(new, sign: 1)
        if keepsRights && old.registration.ipNumbers != new.registration.ipNumbers {
            rightsRemoved.append(contentsOf: old.rights)
            rightsAdded.append(contentsOf: new.rights)
        }
        if !old.registration.uscc.sameBytes(new.registration.uscc) || !old.registration.enterprise.sameBytes(new.registration.enterprise) {
            enterprises[new.registration.uscc] = new.registration.enterprise
        }
    }

    /// Adds (sign 1) or removes (sign −1) one registration's counts.
    public mutating func count(_ s: RegistrationState, sign: Int64) {
        let totals = Totals(registrations: sign, amountFen: sign &* s.registration.amount.value)
        cells[Cell(s), default: Totals()].add(totals)
        statusTotals[StatusKey(s), default: Totals()].add(totals)
        s.balanceChanges { kind, day in
            balanceDays[BalanceDayKey(ipType: s.registration.ipType.rawValue, day: day.description, kind: kind), default: Totals()].add(totals)
        }
        for t in targets where t.counts(s) {
            served[ServedKey(target: t.name, uscc: s.registration.uscc), default: 0] &+= sign
        }
    }

    /// Sets or replaces target `t`: its served enterprises counted again from every registration in `states`.
    public mutating func setTarget(_ t: Target, states: some Sequence<RegistrationState>) {
        targets.removeAll { $0.name == t.name }
        targets.append(t)
        served = served.filter { !$0.key.target.sameBytes(t.name) }
        for s in states where t.counts(s) { served[ServedKey(target: t.name, uscc: s.registration.uscc), default: 0] &+= 1 }
    }

    /// Removes target `name` and its served enterprises.
    public mutating func removeTarget(_ name: String) {
        targets.removeAll { $0.name.sameBytes(name) }
        served = served.filter { !$0.key.target.sameBytes(name) }
    }

    /// Forgets what was applied, keeping the targets.
    public mutating func removeAll() {
        cells.removeAll(keepingCapacity: true)
        statusTotals.removeAll(keepingCapacity: true)
        balanceDays.removeAll(keepingCapacity: true)
        served.removeAll(keepingCapacity: true)
        rightsRemoved.removeAll(keepingCapacity: true)
        rightsAdded.removeAll(keepingCapacity: true)
        enterprises.removeAll(keepingCapacity: true)
    }

    /// `monthly_totals`: the statistic per month and group (void registrations do not count).
    public var monthly: [MonthlyKey: Totals] {
        var out: [MonthlyKey: Totals] = [:]
        for (c, t) in cells { if let k = c.monthlyKey { out[k, default: Totals()].add(t) } }
        return out
    }

    /// `group_totals`: the same figures split along each dimension.
    public var groups: [GroupKey: Totals] {
        var out: [GroupKey: Totals] = [:]
        for (c, t) in cells { for k in c.groupKeys { out[k, default: Totals()].add(t) } }
        return out
    }
}
