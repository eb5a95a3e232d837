import Foundation
import Testing

/// Approvals tampered with the plain `sqlite3` tool, the chain re-hashed where the edit needs it: `audit verify` names
/// the entry (CONTRACT "Approvals": each applied change has exactly one approval by a different user, and nothing
/// unapproved reaches a total).
@Suite("audit verify refuses tampered approvals")
struct ApprovalAttackTests {
    let attack = VerifyAttackTests()

    /// A ledger requiring approval with one registration proposed by 张 and approved by 李: (proposal, approval) seqs.
    func ledger() throws -> (CLISandbox, proposal: Int, approval: Int) {
        let s = try CLISandbox()
        #expect(try s.run(["settings", "set", "approval", "required"]).code == 0)
        #expect(try s.run(["--operator", "张"] + s.registerArgs).code == 0)
        let proposal = Int(try s.sqlite("SELECT seq FROM entries WHERE kind = 'proposal'"))!
        #expect(try s.run(["--operator", "李", "approve", String(proposal)]).code == 0)
        #expect(try s.run(["audit", "verify"]).code == 0)
        return (s, proposal, proposal + 1)
    }

    func rehash(_ s: CLISandbox, from seq: Int) throws {
        let last = Int(try s.sqlite("SELECT max(seq) FROM entries"))!
        for n in seq...last { try attack.rehash(s, seq: n) }
    }

    @Test("an approval entry removed: the gap is named")
    func approvalRemoved() throws {
        let (s, _, approval) = try ledger()
        try attack.tamper(s, "DROP TRIGGER IF EXISTS entries_no_delete; DELETE FROM entries WHERE seq = \(approval)")
        try attack.refused(s, "entry \(approval + 1): expected seq \(approval)")
    }

    @Test("an approval turned into one of a proposal that does not exist, re-hashed: both it and the change are named")
    func approvalOfNothing() throws {
        let (s, proposal, approval) = try ledger()
        try attack.tamper(s, #"UPDATE entries SET payload = replace(payload, '"proposal":\#(proposal)', '"proposal":99') WHERE seq = \#(approval)"#)
        try rehash(s, from: approval)
        try attack.refused(s, "entry \(approval): decides proposal 99, which does not exist")
        try attack.refused(s, "entry \(approval + 1): a change written while the ledger required approval, without an approval")
    }

    @Test("a proposal's payload edited: the hash is named; re-hashed, the approved entry is not what it proposed")
    func proposalEdited() throws {
        let (s, proposal, approval) = try ledger()
        try attack.tamper(s, #"UPDATE entries SET payload = replace(payload, '"amountFen":2000000000', '"amountFen":1000') WHERE seq = \#(proposal)"#)
        try attack.refused(s, "entry \(proposal): the hash does not match")
        try rehash(s, from: proposal)
        try attack.refused(s, "entry \(approval + 1): written by the approval of proposal \(proposal) but not what it proposed")
    }

    @Test("an approval re-signed by the proposer, re-hashed: the self-approval is named")
    func selfApproval() throws {
        let (s, proposal, approval) = try ledger()
        try attack.tamper(s, """
            UPDATE entries SET operator = '张', payload = replace(payload, '"operator":"李"', '"operator":"张"') WHERE seq = \(approval);
            UPDATE proposals SET decider = '张'
            """)
        try rehash(s, from: approval)
        try attack.refused(s, "entry \(approval): proposal \(proposal) decided by 张, who proposed it")
    }

    @Test("a pending proposal's registration written into the tables: the row is extra")
    func pendingInTotals() throws {
        let s = try CLISandbox()
        #expect(try s.run(["settings", "set", "approval", "required"]).code == 0)
        #expect(try s.run(["--operator", "张"] + s.registerArgs).code == 0)
        try attack.tamper(s, """
            INSERT INTO registrations(reg_no, reg_date, ip_type, uscc, uscc_override, enterprise, bank, amount_fen, ip_numbers, rywq, first_loan,
              insured, status, late, created_seq, updated_seq) VALUES ('Y2024620000001', '2024-03-05', 'patent', '\(CLISandbox.validUSCC)', 0,
              '甘肃陇原新材料科技有限公司', '兰州银行', 2000000000, 'x', 1, 0, 0, 'active', 0, 4, 4)
            """)
        try attack.refused(s, "registrations Y2024620000001: present in the ledger but not in the journal")
    }
}
