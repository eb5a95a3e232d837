import GRDB
import PledgeCore

/// A proposal as the `proposals` table holds it; `proposal` (the changes themselves) only when asked for one.
public struct ProposalRecord: Sendable, Equatable {
    public var seq: Int64
    public var action: Proposal.Action
    public var regNo: String?
    public var name: String?
    public var changeCount: Int
    public var proposer: String
    public var proposedAt: String
    public var status: ProposalStatus
    public var decidedSeq: Int64?
    public var decider: String?
    public var decidedAt: String?
    public var reason: String?
    public var proposal: Proposal?
}

/// Who proposed and who approved an entry written by an approval (`history`).
public struct EntryApproval: Sendable, Equatable {
    public var proposal: Int64
    public var proposer: String
    public var proposedAt: String
    public var approver: String
    public var approvedAt: String
}

extension Ledger {
    static let proposalColumns = "seq, action, reg_no, name, changes, proposer, proposed_at, status, decided_seq, decider, decided_at, reason"

    public func approvalRequired() throws -> Bool { try read(Self.approvalRequired) }

    /// The ledger requires a second person's approval of every registration change (`ApprovalSetting`).
    static func approvalRequired(_ db: any SQLSession) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT value FROM ledger_settings WHERE key = ?", arguments: [ApprovalSetting.key])
            == ApprovalSetting.required.rawValue
    }

    /// Turns approval on or off (an administrator's act). Pending proposals stay pending either way.
    public func setApproval(_ setting: ApprovalSetting) throws -> AppendedEntry {
        try write { tx in try tx.append(.setting(key: ApprovalSetting.key, value: setting.rawValue)) }
    }

    /// Records `proposal` (already checked against the ledger by its maker's dry run) for approval.
    public func propose(_ proposal: Proposal) throws -> AppendedEntry {
        try write { tx in
            var entry = try tx.append(.proposal(proposal), regNo: proposal.regNo)
            entry.isProposal = true
            return entry
        }
    }

    /// Approves proposal `seq` as this ledger's operator, who must not be its maker: checks every change against the
    /// ledger as it is now, as its own operation would, and appends the approval and the changes in one transaction.
    /// Any refusal leaves the proposal pending and writes nothing.
    public func approve(_ seq: Int64) throws -> (approval: AppendedEntry, applied: [AppendedEntry]) {
        try write { tx in
            let record = try decidable(seq, tx)
            guard let proposal = record.proposal else { throw StoreError.proposalMissing(seq: seq) }
            let approval = try tx.append(.approve(proposal: seq, entries: proposal.changes.count))
            tx.approving = true
            defer { tx.approving = false }
            let applied = try proposal.changes.map { c -> AppendedEntry in
                if case .register = c.event { return try register(c, tx) }
                let current = try existing(c.regNo, tx)
                guard c.isCurrent(on: current) else { throw StoreError.proposalStale(seq: seq, regNo: c.regNo) }
                return try change(current, c.event, late: c.late, allowDoublePledge: c.allowDoublePledge, tx)
            }
            return (approval, applied)
        }
    }

    /// Rejects proposal `seq`, and why; its maker cannot.
    public func reject(_ seq: Int64, reason: String) throws -> AppendedEntry {
        try write { tx in
            _ = try decidable(seq, tx)
            return try tx.append(.reject(proposal: seq, reason: reason))
        }
    }

    /// A pending proposal its decider did not make.
    private func decidable(_ seq: Int64, _ tx: LedgerTransaction) throws -> ProposalRecord {
        guard let record = try Self.proposal(seq, tx.db) else { throw StoreError.proposalMissing(seq: seq) }
        guard record.status == .pending else { throw StoreError.proposalDecided(seq: seq, status: record.status) }
        guard !record.proposer.sameBytes(tx.operatorName) else { throw StoreError.sameApprover(seq: seq, name: record.proposer) }
        return record
    }

    /// Proposals, newest first, without their changes; all of them, or those with `status`, or those `proposer` made.
    public func proposals(status: ProposalStatus?, proposer: String? = nil) throws -> [ProposalRecord] {
        try read { db in
            try SQLRow.fetchAll(db, sql: """
                SELECT \(Self.proposalColumns) FROM proposals WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1) AND (CAST(?2 AS TEXT) IS NULL OR proposer = ?2) ORDER BY seq DESC
                """, arguments: [status?.rawValue, proposer]).map(Self.proposalRecord)
        }
    }

    /// One proposal with its changes.
    public func proposal(_ seq: Int64) throws -> ProposalRecord? { try read { db in try Self.proposal(seq, db) } }

    static func proposal(_ seq: Int64, _ db: any SQLSession) throws -> ProposalRecord? {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT \(proposalColumns) FROM proposals WHERE seq = ?", arguments: [seq]) else { return nil }
        var record = try proposalRecord(row)
        guard let payload = try String.fetchOne(db, sql: "SELECT payload FROM entries WHERE seq = ? AND kind = 'proposal'", arguments: [seq]),
              case .proposal(let p) = try CanonicalEntry.decode(payload: payload).event else {
            throw StoreError.damagedData(detail: "proposals: \(seq) has no proposal entry")
        }
        record.proposal = p
        return record
    }

    static func proposalRecord(_ row: SQLRow) throws -> ProposalRecord {
        guard let action = Proposal.Action(rawValue: row["action"]), let status = ProposalStatus(rawValue: row["status"]) else {
            throw StoreError.damagedData(detail: "proposals: \(row["seq"] as Int64) holds an unknown action or status")
        }
        return ProposalRecord(seq: row["seq"], action: action, regNo: row["reg_no"], name: row["name"], changeCount: row["changes"],
                              proposer: row["proposer"], proposedAt: row["proposed_at"], status: status, decidedSeq: row["decided_seq"],
                              decider: row["decider"], decidedAt: row["decided_at"], reason: row["reason"])
    }

    /// The registrations pending proposals would add (for "pending" beside the approved figures; never inside them).
    public func pendingRegistrations() throws -> [Registration] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT e.payload FROM proposals p JOIN entries e ON e.seq = p.seq
                WHERE p.status = 'pending' AND (p.action = 'register' OR p.action = 'import') ORDER BY p.seq
                """).flatMap { payload -> [Registration] in
                guard case .proposal(let p) = try CanonicalEntry.decode(payload: payload).event else { return [] }
                return p.changes.compactMap { if case .register(let r) = $0.event { r } else { nil } }
            }
        }
    }

    /// The approval behind entry `seq`, when an approval wrote it.
    static func approval(ofEntry seq: Int64, _ db: any SQLSession) throws -> EntryApproval? {
        try SQLRow.fetchOne(db, sql: """
            SELECT seq, proposer, proposed_at, decider, decided_at FROM proposals
            WHERE status = 'approved' AND decided_seq < ? AND decided_seq + changes >= ? ORDER BY decided_seq DESC LIMIT 1
            """, arguments: [seq, seq]).map {
            EntryApproval(proposal: $0["seq"], proposer: $0["proposer"], proposedAt: $0["proposed_at"], approver: $0["decider"],
                          approvedAt: $0["decided_at"])
        }
    }
}
