import GRDB
import PledgeCore

extension Verifier {
    /// Every maintained table against the rows the replay implies.
    func compareTables(_ replay: JournalReplay) throws -> [AuditFinding] {
        func t(_ s: String?) -> ExpectedValue { ExpectedValue(s) }
        func i(_ n: Int64) -> ExpectedValue { .integer(n) }
        func b(_ v: Bool) -> ExpectedValue { ExpectedValue(v) }
        func sorted(_ rows: [[ExpectedValue]], keys: Int) -> [[ExpectedValue]] {
            rows.sorted { x, y in
                for k in 0..<keys {
                    let o = x[k].order(y[k])
                    if o != 0 { return o < 0 }
                }
                return false
            }
        }
        var out: [AuditFinding] = []
        // Each table's digest is read by a second thread while this one computes what the journal implies.
        let digests = TableDigests(db)
        digests.start()
        defer { digests.stop() }
        var pending: [(comparison: TableComparison, expected: RowDigest, sorted: () -> AnySequence<[ExpectedValue]>)] = []
        /// The table's rows as a multiset digest first; when it differs from the journal's, both in key order, to name
        /// the rows (`sorted` is only built then).
        func compare<U: Sequence>(_ table: String, _ columns: String, keys: Int, _ unsorted: U,
                                  sorted: @escaping () -> AnySequence<[ExpectedValue]>) throws where U.Element == [ExpectedValue] {
            try compare(table, columns, keys: keys, digest: { d in for row in unsorted { d.add(row) } }, sorted: sorted)
        }
        func compare(_ table: String, _ columns: String, keys: Int, digest: (inout RowDigest) -> Void,
                     sorted: @escaping () -> AnySequence<[ExpectedValue]>) throws {
            let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let comparison = TableComparison(table: table, columns: names, keyCount: keys)
            digests.add(comparison.digestSQL)
            var expected = RowDigest()
            digest(&expected)
            pending.append((comparison, expected, sorted))
        }
        func compare(_ table: String, _ columns: String, keys: Int, _ rows: [[ExpectedValue]]) throws {
            try compare(table, columns, keys: keys, rows, sorted: { AnySequence(sorted(rows, keys: keys)) })
        }

        func registrationRow<S: RowSink>(_ s: RegistrationState, _ row: inout S) {
            let r = s.registration
            // The columns of RegistrationState.columns, in order.
            row.add(t(r.regNo)); row.add(t(r.regDate.description)); row.add(t(r.ipType.rawValue)); row.add(t(r.uscc))
            row.add(b(r.usccOverride)); row.add(t(r.enterprise)); row.add(t(r.bank)); row.add(t(r.branch))
            row.add(i(r.amount.value)); row.add(t(r.ipNumbers.joined(separator: ";"))); row.add(t(r.park))
            row.add(t(r.prefectureCode)); row.add(t(r.maturity?.description)); row.add(t(r.rate)); row.add(b(r.rywq))
            row.add(b(r.firstLoan)); row.add(b(r.insured)); row.add(t(r.notes)); row.add(t(s.status.rawValue))
            row.add(t(s.statusDate?.description)); row.add(b(s.late)); row.add(i(s.createdSeq)); row.add(i(s.updatedSeq))
            row.add(r.appraisedValue.map { i($0.value) } ?? t(nil)); row.add(t(r.appraiser)); row.add(t(r.insurer))
            row.add(r.insuredAmount.map { i($0.value) } ?? t(nil)); row.add(t(s.defaultedOn?.description))
        }
        func registrationRow(_ s: RegistrationState) -> [ExpectedValue] {
            var row = RowBuilder()
            registrationRow(s, &row)
            return row.values
        }
        // Sorted by key only to name differences: the keys, not the states (a registration is a large value to move).
        func inKeyOrder() -> [RegistrationState] {
            replay.states.keyOrder.map { replay.states.all[$0] }
        }
        try compare("registrations", RegistrationState.columns, keys: 1, digest: { d in
            replay.states.all.withUnsafeBufferPointer { all in
                for k in all.indices {
                    var row = RowHasher()
                    registrationRow(all[k], &row)
                    d.add(row)
                }
            }
        }, sorted: { AnySequence(inKeyOrder().lazy.map(registrationRow)) })
        // In the order of the rights' reg_no index, so that nothing is sorted but each registration's few rights.
        func rights(_ s: RegistrationState) -> [[ExpectedValue]] {
            s.registration.ipNumbers.sorted { $0.bytesPrecede($1) }.map { [t(s.registration.regNo), t($0)] }
        }
        try compare("registration_rights", "reg_no, ip_number", keys: 2, digest: { d in
            replay.states.all.withUnsafeBufferPointer { all in
                for k in all.indices {
                    for n in all[k].registration.ipNumbers {
                        var row = RowHasher()
                        row.add(t(all[k].registration.regNo))
                        row.add(t(n))
                        d.add(row)
                    }
                }
            }
        }, sorted: { AnySequence(inKeyOrder().lazy.flatMap(rights)) })
        try compare("enterprises", "uscc, name", keys: 1, replay.delta.enterprises.lazy.map { [t($0.key), t($0.value)] },
                    sorted: { AnySequence(replay.delta.enterprises.sorted { $0.key.bytesPrecede($1.key) }.map { [t($0.key), t($0.value)] }) })
        let monthly = replay.delta.monthly.filter { $0.value.registrations != 0 }.map { k, v in
            [t(k.month), t(k.ipType), t(k.prefecture), t(k.park), t(k.bank), b(k.rywq), b(k.firstLoan), i(v.registrations), i(v.amountFen)]
        }
        try compare("monthly_totals", "month, ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen", keys: 7,
                    monthly)
        let status = replay.delta.statusTotals.filter { $0.value.registrations != 0 }.map { k, v in
            [t(k.ipType), t(k.status), t(k.maturityMonth), i(v.registrations), i(v.amountFen)]
        }
        try compare("status_totals", "ip_type, status, maturity_month, registrations, amount_fen", keys: 3, status)
        let balance = replay.delta.balanceDays.filter { $0.value.registrations != 0 }.map { k, v in
            [t(k.ipType), t(k.kind.rawValue), t(k.day), i(v.registrations), i(v.amountFen)]
        }
        try compare("balance_days", "ip_type, kind, day, registrations, amount_fen", keys: 3, balance)
        let groups = replay.delta.groups.filter { $0.value.registrations != 0 }.map { k, v in
            [t(k.dimension.rawValue), t(k.group), t(k.month), t(k.ipType), t(k.status), i(v.registrations), i(v.amountFen)]
        }
        try compare("group_totals", "dimension, grp, month, ip_type, status, registrations, amount_fen", keys: 5, groups)
        let served = replay.delta.served.filter { $0.value != 0 }
        try compare("target_enterprises", "target, uscc, registrations", keys: 2,
                    served.map { [t($0.key.target), t($0.key.uscc), i($0.value)] })
        var servedRows: [String: Int64] = [:]
        for k in served.keys { servedRows[k.target, default: 0] += 1 }
        let targets = replay.targets.values.map { x in
            [t(x.target.name), i(x.target.amount.value), t(x.target.from.description), t(x.target.to.description), t(x.target.ipType?.rawValue),
             i(x.seq), i(servedRows[x.target.name] ?? 0), t(x.target.park), t(x.target.prefectureCode)]
        }
        try compare("targets", "name, amount_fen, from_date, to_date, ip_type, seq, enterprises, park, prefecture_code", keys: 1, targets)
        let periods = replay.periods.map { p, seq in
            [t(p.month), i(seq), i(p.headSeq), t(p.headHash), i(p.totals.reduce(0) { $0 &+ Int64($1.registrations) }),
             i(p.totals.reduce(0) { $0 &+ $1.amountFen })]
        }
        try compare("periods", "month, seq, head_seq, head_hash, registrations, amount_fen", keys: 1, periods)
        let periodTotals = replay.periods.flatMap { p, _ in
            p.totals.map { [t(p.month), t($0.ipType), t($0.prefectureCode), t($0.park), t($0.bank), b($0.rywq), b($0.firstLoan),
                            i(Int64($0.registrations)), i($0.amountFen)] }
        }
        try compare("period_totals", "month, ip_type, prefecture_code, park, bank, rywq, first_loan, registrations, amount_fen", keys: 7,
                    periodTotals)
        try compare("ledger_settings", "key, value, seq", keys: 1,
                    (replay.defaultTarget.map { [[t("default_target"), t($0.name), i($0.seq)]] } ?? [])
                        + replay.settings.map { [t($0.key), t($0.value.value), i($0.value.seq)] })
        try compare("users", "name, role, disabled, seq", keys: 1,
                    replay.users.values.map { [t($0.user.name), t($0.user.role.rawValue), b($0.user.disabled), i($0.seq)] })
        try compare("proposals", Ledger.proposalColumns, keys: 1, replay.proposals.map { seq, p in
            [i(seq), t(p.proposal.action.rawValue), t(p.regNo), t(p.proposal.name), i(Int64(p.changeCount)), t(p.proposer),
             t(p.at), t(p.status.rawValue), p.decidedSeq.map(i) ?? t(nil), t(p.decider), t(p.decidedAt), t(p.reason)]
        })
        try compare("finding_reviews", "finding, reason, seq", keys: 1, replay.reviews.map { [t($0.key), t($0.value.reason), i($0.value.seq)] })
        try compare("subsidy_policies", "name, year, share_bp, cap_fen, only_kind, ip_type, seq", keys: 1, replay.subsidyPolicies.values.map { p, seq in
            [t(p.name), i(Int64(p.year)), i(Int64(p.shareBasisPoints)), p.cap.map { i($0.value) } ?? t(nil), t(p.only?.rawValue), t(p.ipType?.rawValue), i(seq)]
        })
        try compare("subsidy_payments", "seq, policy, uscc, amount_fen, paid_on", keys: 1, replay.subsidyPayments.map { p, seq in
            [i(seq), t(p.policy), t(p.uscc), i(p.amount.value), t(p.date.description)]
        })
        // What each policy owes, computed from the replayed registrations and payments by PledgeCore's statement.
        var lines: [[ExpectedValue]] = []
        for (policy, _) in replay.subsidyPolicies.values {
            var paid: [String: Fen] = [:]
            for (p, _) in replay.subsidyPayments where p.policy == policy.name { paid[p.uscc, default: .zero] = paid[p.uscc, default: .zero] + p.amount }
            let statement = SubsidyStatement(policy: policy, states: replay.states.all, paid: paid)
            for g in SubsidyStatement.Grouping.allCases {
                lines += statement.lines(by: g).map { [t(policy.name), t(g.rawValue), t($0.group), t($0.name), i(Int64($0.loans)), i($0.due.value), i($0.paid.value)] }
            }
        }
        try compare("subsidy_lines", "policy, dimension, grp, name, loans, due_fen, paid_fen", keys: 3, lines)
        try compare("pools", "name, fund_bp, bank_bp, insurer_bp, appraiser_bp, cap_per_loan_fen, park, prefecture_code, bank, contributions_fen, payouts_fen, seq",
                    keys: 1, replay.pools.values.map { x in
            let p = x.pool
            return [t(p.name), i(Int64(p.fundBasisPoints)), i(Int64(p.bankBasisPoints)), i(Int64(p.insurerBasisPoints)), i(Int64(p.appraiserBasisPoints)),
                    p.capPerLoan.map { i($0.value) } ?? t(nil), t(p.park), t(p.prefectureCode), t(p.bank), i(x.contributions.value), i(x.payouts.value), i(x.seq)]
        })
        try compare("pool_contributions", "seq, pool, amount_fen, contributed_on, source", keys: 1, replay.poolContributions.map { c, seq in
            [i(seq), t(c.pool), i(c.amount.value), t(c.date.description), t(c.from)]
        })
        try compare("disposals", "reg_no, route, recovered_fen, disposed_on, seq", keys: 1, replay.disposals.map { k, v in
            [t(k.text), t(v.disposal.route.rawValue), i(v.disposal.recovered.value), t(v.disposal.date.description), i(v.seq)]
        })
        try compare("pool_losses", """
            reg_no, pool, loss_on, principal_fen, recovered_fen, loss_fen, fund_share_fen, bank_share_fen, insurer_share_fen, appraiser_share_fen,
            fund_due_fen, paid_fen, owed_fen, seq
            """, keys: 1, replay.losses.map { k, v in
            let o = v.outcome
            return [t(k.text), t(v.claim.pool), t(v.claim.date.description)] + [o.principal, o.recovered, o.loss, o.fundShare, o.bankShare, o.insurerShare,
                                                                                  o.appraiserShare, o.fundDue, o.paid, o.owed].map { i($0.value) } + [i(v.seq)]
        })
        let ref = replay.reference ?? ReferencePayload(prefectures: [], parks: [], banks: [])
        try compare("prefectures", "code, name, short", keys: 1, ref.prefectures.map { [t($0.code), t($0.name), t($0.short)] })
        try compare("parks", "name, prefecture_code, level", keys: 1, ref.parks.map { [t($0.name), t($0.prefectureCode), t($0.level)] })
        try compare("park_aliases", "alias, park", keys: 1, ref.parks.flatMap { p in p.aliases.map { [t($0), t(p.name)] } })
        try compare("banks", "name", keys: 1, ref.banks.map { [t($0.name)] })
        try compare("bank_aliases", "alias, bank", keys: 1, ref.banks.flatMap { b in b.aliases.map { [t($0), t(b.name)] } })
        let found = try digests.finish()
        for (k, p) in pending.enumerated() where found[k] != p.expected {
            out += try p.comparison.findings(db, expected: p.sorted())
        }
        return out
    }
}

extension ExpectedValue {
    /// SQLite's order between two expected values.
    func order(_ o: ExpectedValue) -> Int {
        switch (self, o) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.integer(let a), .integer(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.integer, .text): return -1
        case (.text, .integer): return 1
        case (.text(let a), .text(let b)): return a.compareBytes(b)
        }
    }
}
