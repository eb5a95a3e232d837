import PledgeCore

/// The journal replayed in memory under the ledger's own rules, through PledgeCore's projection: what every table
/// must hold. It shares nothing with the writers but PledgeCore; each entry that breaks a rule is a finding with its seq
/// (and is not replayed when it cannot be).
struct JournalReplay {
    /// The registrations as the journal leaves them.
    var states: ReplayedRegistrations

    struct RegNo: Hashable {
        let text: String
        init(_ text: String) { self.text = text }
        func hash(into h: inout Hasher) { text.hashBytes(into: &h) }
        static func == (a: Self, b: Self) -> Bool { a.text.sameBytes(b.text) }
    }
    var delta = ProjectionDelta(targets: [], keepsRights: false)
    var targets: [String: (target: Target, seq: Int64)] = [:]
    var reference: ReferencePayload?
    var periods: [(close: PeriodClose, seq: Int64)] = []
    /// `ledger_settings` and `finding_reviews` as the journal sets them.
    var defaultTarget: (name: String, seq: Int64)?
    var settings: [String: (value: String, seq: Int64)] = [:]
    var reviews: [String: (reason: String, seq: Int64)] = [:]
    var users: [String: (user: UserRecord, seq: Int64)] = [:]
    /// `proposals` as the journal sets them.
    var proposals: [Int64: ReplayedProposal] = [:]
    /// A proposal's row; its changes are kept only while it is pending (a large import's are many).
    struct ReplayedProposal {
        var proposal: Proposal, regNo: String?, changeCount: Int, proposer: String, at: String
        var status = ProposalStatus.pending, decidedSeq: Int64?, decider: String?, decidedAt: String?, reason: String?
    }
    /// `subsidy_policies` and `subsidy_payments` as the journal sets them.
    var subsidyPolicies: [String: (policy: SubsidyPolicy, seq: Int64)] = [:]
    var subsidyPayments: [(payment: SubsidyPayment, seq: Int64)] = []
    /// Paid so far per policy and USCC; the registrations per USCC, built at the first payment and kept from then on.
    private var subsidyPaid: [RegNo: Fen] = [:]
    private var byEnterprise: [String: [RegNo]]?
    /// The pool tables as the journal sets them.
    var pools: [String: (pool: RiskPool, seq: Int64, contributions: Fen, payouts: Fen)] = [:]
    var poolContributions: [(contribution: PoolContribution, seq: Int64)] = []
    var disposals: [RegNo: (disposal: Disposal, seq: Int64)] = [:]
    var losses: [RegNo: (claim: LossClaim, outcome: LossOutcome, seq: Int64)] = [:]
    private var approvalRequired = false
    /// The approval whose changes the next entries must be: its entry, its proposal, the next change's index.
    private var applying: (seq: Int64, proposal: Int64, changes: [ProposedChange], next: Int)?
    private var closedMonths: Set<String> = []
    private var lastAt = ""
    private(set) var findings: [AuditFinding] = []

    /// `entries`: about how many the journal holds (room for the registrations at once).
    init(entries: Int) { states = ReplayedRegistrations(capacity: min(max(entries, 0), 1 << 24)) }

    private mutating func note(_ seq: Int64, _ problem: AuditFinding.EntryProblem) { findings.append(.entry(seq, problem)) }

    /// Replays entry `seq` (its chain and bytes already checked by the caller); `previous` is the entry before it in the
    /// chain, as stored (asked for by period closes only).
    mutating func apply(seq: Int64, previous: () -> (seq: Int64, hash: String), at: String, operator by: String, regNo: String?, late: Bool,
                        reason: String?, event: LedgerEvent) {
        if at < lastAt { note(seq, .timeBackwards(at: at, previous: lastAt)) }
        lastAt = max(lastAt, at)
        if ProposedChange.kinds.contains(event.kind) {
            approved(seq) { ProposedChange(regNo: regNo ?? "", event: event, late: late, reason: reason) }
        } else {
            finish()
        }
        switch event {
        case .reference(let p): reference = p
        case .target(let t):
            targets[t.name] = (t, seq)
            delta.setTarget(t, states: states.all)
        case .register(let r):
            guard regNo == r.regNo else { return note(seq, .regNoColumn(regNo: r.regNo)) }
            guard (1...Registration.maximumAmount.value).contains(r.amount.value) else {
                return note(seq, .amountOutOfRange(fen: r.amount.value))
            }
            let s = RegistrationState.registered(r, seq: seq, late: late)
            guard states.insert(s) else { return note(seq, .registeredTwice(regNo: r.regNo)) }
            requireOpen(seq, [r.regDate], late: late)
            byEnterprise?[r.uscc, default: []].append(RegNo(r.regNo))
            delta.register(s)
        case .correct, .void, .release, .default, .extend:
            guard let regNo, let old = states[regNo] else { return note(seq, .notRegistered(regNo: regNo)) }
            do {
                try Lifecycle.check(event, on: old)
                requireOpen(seq, Lifecycle.statisticDates(event, on: old), late: late)
                let new = try Lifecycle.apply(event, to: old, seq: seq, late: late)
                guard (1...Registration.maximumAmount.value).contains(new.registration.amount.value) else {
                    return note(seq, .amountOutOfRange(fen: new.registration.amount.value))
                }
                states[regNo] = new
                if byEnterprise != nil && !old.registration.uscc.sameBytes(new.registration.uscc) {
                    byEnterprise?[old.registration.uscc]?.removeAll { $0 == RegNo(regNo) }
                    byEnterprise?[new.registration.uscc, default: []].append(RegNo(regNo))
                }
                delta.change(from: old, to: new)
            } catch {
                note(seq, .forbidden(kind: event.kind, error as? LifecycleError ?? LifecycleError(regNo: regNo, rule: .notAChange(event.kind))))
            }
        case .periodClose(let p):
            if closedMonths.contains(p.month) { note(seq, .closedTwice(month: p.month)) }
            let last = previous()
            if p.headSeq != last.seq || !p.headHash.sameBytes(last.hash) {
                note(seq, .wrongAnchor(month: p.month, headSeq: p.headSeq, headHash: p.headHash, previousSeq: last.seq, previousHash: last.hash))
            }
            let month = delta.monthly.filter { $0.key.month == p.month }
            let recorded = Dictionary(p.totals.map { (MonthlyKey(month: p.month, ipType: $0.ipType, prefecture: $0.prefectureCode, park: $0.park,
                                                                  bank: $0.bank, rywq: $0.rywq, firstLoan: $0.firstLoan),
                                                       Totals(registrations: Int64($0.registrations), amountFen: $0.amountFen)) },
                                      uniquingKeysWith: { a, _ in a })
            if recorded.count != p.totals.count || recorded != month.filter({ $0.value.registrations != 0 }) {
                note(seq, .wrongTotals(month: p.month))
            }
            closedMonths.insert(p.month)
            periods.append((p, seq))
        case .periodReopen(let month, _):
            guard closedMonths.remove(month) != nil else { return note(seq, .reopensOpenMonth(month: month)) }
            periods.removeAll { $0.close.month == month }
        case .targetRemove(let name, _):
            guard targets.removeValue(forKey: name) != nil else { return note(seq, .removesMissingTarget(name: name)) }
            delta.removeTarget(name)
            if defaultTarget?.name == name { defaultTarget = nil }
        case .targetDefault(let name):
            guard targets[name] != nil else { return note(seq, .defaultsMissingTarget(name: name)) }
            defaultTarget = (name, seq)
        case .checkAck(let finding, let reason):
            reviews[finding] = (reason, seq)
        case .user(let u):
            users[u.name] = (u, seq)
        case .setting(let key, let value):
            if key == ApprovalSetting.key, let s = ApprovalSetting(rawValue: value) {
                approvalRequired = s == .required
            } else if key != RegistrationWarning.settingKey || (Int64(value) ?? 0) <= 0 {
                return note(seq, .unknownSetting(key: key, value: value))
            }
            settings[key] = (value, seq)
        case .proposal(let p):
            guard !p.changes.isEmpty, Self.same(regNo, p.regNo) else { return note(seq, .regNoColumn(regNo: p.regNo ?? "")) }
            proposals[seq] = ReplayedProposal(proposal: p, regNo: p.regNo, changeCount: p.changes.count, proposer: by, at: at)
        case .approve(let n, let entries):
            guard decide(seq, n, by: by, at: at, status: .approved, reason: nil), let p = proposals[n] else { return }
            proposals[n]?.proposal.changes = []
            guard entries == p.changeCount else { return note(seq, .notAsProposed(proposal: n)) }
            applying = (seq, n, p.proposal.changes, 0)
        case .reject(let n, let reason):
            if decide(seq, n, by: by, at: at, status: .rejected, reason: reason) { proposals[n]?.proposal.changes = [] }
        case .pool(let p):
            guard (try? p.validate()) != nil else { return note(seq, .invalidRecord(name: p.name)) }
            pools[p.name] = (p, seq, pools[p.name]?.contributions ?? .zero, pools[p.name]?.payouts ?? .zero)
        case .poolContribution(let c):
            guard pools[c.pool] != nil else { return note(seq, .unknownPool(name: c.pool)) }
            guard c.amount.value > 0 else { return note(seq, .invalidRecord(name: c.pool)) }
            let before = pools[c.pool]?.contributions ?? .zero
            pools[c.pool]?.contributions = before + c.amount
            poolContributions.append((c, seq))
        case .dispose(let d):
            guard let regNo, let state = states[regNo] else { return note(seq, .notRegistered(regNo: regNo)) }
            if let v = RecoveryRule.checkDisposal(d, on: state, disposed: disposals[RegNo(regNo)] != nil) { return note(seq, .recoveryRefused(v)) }
            disposals[RegNo(regNo)] = (d, seq)
        case .loss(let c):
            guard let regNo, let state = states[regNo] else { return note(seq, .notRegistered(regNo: regNo)) }
            guard let p = pools[c.pool] else { return note(seq, .unknownPool(name: c.pool)) }
            let disposal = disposals[RegNo(regNo)]?.disposal
            if let v = RecoveryRule.checkLoss(c, on: state, disposal: disposal, pool: p.pool, claimed: losses[RegNo(regNo)] != nil) {
                return note(seq, .recoveryRefused(v))
            }
            let outcome = LossOutcome(claim: c, registration: state.registration, disposal: disposal, pool: p.pool, balance: p.contributions - p.payouts)
            losses[RegNo(regNo)] = (c, outcome, seq)
            pools[c.pool]?.payouts = p.payouts + outcome.paid
        case .subsidyPolicy(let p):
            guard (try? p.validate()) != nil else { return note(seq, .invalidRecord(name: p.name)) }
            subsidyPolicies[p.name] = (p, seq)
        case .subsidyPayment(let p):
            guard let policy = subsidyPolicies[p.policy]?.policy else { return note(seq, .unknownPolicy(name: p.policy)) }
            let key = RegNo(p.policy + "\u{0}" + p.uscc)
            let before = subsidyPaid[key] ?? .zero
            if byEnterprise == nil {
                var index: [String: [RegNo]] = [:]
                for s in states.all { index[s.registration.uscc, default: []].append(RegNo(s.registration.regNo)) }
                byEnterprise = index
            }
            let loans = (byEnterprise?[p.uscc] ?? []).compactMap { states[$0.text] }
            let due = SubsidyStatement(policy: policy, states: loans, paid: [:]).enterprises.first?.due ?? .zero
            if p.amount.value <= 0 || (before + p.amount) > due { note(seq, .overpaid(uscc: p.uscc, policy: p.policy)) }
            subsidyPaid[key] = before + p.amount
            subsidyPayments.append((p, seq))
        }
    }

    private static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.sameBytes(b)
    }

    /// Records the decision of proposal `n` when it is pending and `by` did not make it.
    private mutating func decide(_ seq: Int64, _ n: Int64, by: String, at: String, status: ProposalStatus, reason: String?) -> Bool {
        guard var p = proposals[n] else { note(seq, .unknownProposal(proposal: n)); return false }
        guard p.status == .pending else { note(seq, .decidedTwice(proposal: n)); return false }
        if p.proposer.sameBytes(by) { note(seq, .decidedByProposer(proposal: n, name: by)) }
        (p.status, p.decidedSeq, p.decider, p.decidedAt, p.reason) = (status, seq, by, at, reason)
        proposals[n] = p
        return true
    }

    /// A registration change: the next change of the approval being applied, or, outside one, allowed only while the
    /// ledger does not require approval.
    private mutating func approved(_ seq: Int64, _ made: () -> ProposedChange) {
        guard var a = applying else {
            if approvalRequired { note(seq, .unapproved) }
            return
        }
        let change = made()
        let expected = a.changes[a.next]
        if !(expected.regNo.sameBytes(change.regNo) && expected.event == change.event && expected.late == change.late
             && Self.same(expected.reason, change.reason)) {
            note(seq, .notAsProposed(proposal: a.proposal))
        }
        a.next += 1
        applying = a.next == a.changes.count ? nil : a
    }

    /// Ends the approval being applied (another kind of entry, or the end of the journal): its changes must all follow.
    mutating func finish() {
        if let a = applying { note(a.seq, .approvalIncomplete(proposal: a.proposal)) }
        applying = nil
    }

    /// A change to the statistic of a closed month must be declared late.
    private mutating func requireOpen(_ seq: Int64, _ dates: @autoclosure () -> [CivilDate], late: Bool) {
        guard !late, !closedMonths.isEmpty else { return }
        for d in dates() where closedMonths.contains(d.yearMonth.description) {
            note(seq, .closedMonthWithoutLate(date: d, month: d.yearMonth.description))
            return
        }
    }
}

/// The replayed registrations in one array, in the order registered, found by 登记号 by its bytes (as SQLite's primary
/// key tells them apart).
struct ReplayedRegistrations {
    private(set) var all: [RegistrationState] = []
    private var slots: [JournalReplay.RegNo: Int] = [:]

    init(capacity: Int) {
        all.reserveCapacity(capacity)
        slots.reserveCapacity(capacity)
    }

    /// A registration by 登记号; set only one that exists.
    subscript(regNo: String) -> RegistrationState? {
        get { slots[JournalReplay.RegNo(regNo)].map { all[$0] } }
        set {
            guard let newValue, let k = slots[JournalReplay.RegNo(regNo)] else { preconditionFailure("replaces a registration") }
            all[k] = newValue
        }
    }

    /// Adds a new registration: false, and nothing changed, when its 登记号 is taken.
    mutating func insert(_ s: RegistrationState) -> Bool {
        let key = JournalReplay.RegNo(s.registration.regNo)
        if let taken = slots.updateValue(all.count, forKey: key) {
            slots[key] = taken
            return false
        }
        all.append(s)
        return true
    }

    /// Positions in `all` in the order of 登记号's bytes (the table's key).
    var keyOrder: [Int] { all.indices.sorted { all[$0].registration.regNo.bytesPrecede(all[$1].registration.regNo) } }
}
