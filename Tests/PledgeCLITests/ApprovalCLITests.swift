import Foundation
import Testing

/// Maker-checker through the built `pledge` (CONTRACT "Approvals"): a clerk's write is a proposal that counts nowhere
/// until a different person approves it; the approval is checked against the ledger as it then is.
@Suite("approvals: proposals, approve, reject")
struct ApprovalCLITests {
    /// A ledger that requires approval.
    func ledger() throws -> CLISandbox {
        let s = try CLISandbox()
        let on = try s.run(["settings", "set", "approval", "required"])
        #expect(on.code == 0, "\(on.stderr)")
        return s
    }

    func proposalNumber(_ out: CLISandbox.Output) -> String? {
        out.stdout.split(separator: "\n").first { $0.hasPrefix("proposal ") }.map { String($0.split(separator: " ")[1]) }
    }

    @Test("a clerk's registration is a proposal in no total; another person approves it and history names both")
    func makerAndChecker() throws {
        let s = try ledger()
        let proposed = try s.run(["--operator", "张录入"] + s.registerArgs)
        #expect(proposed.code == 0, "\(proposed.stderr)")
        let n = try #require(proposalNumber(proposed), "\(proposed.stdout)")
        #expect(try s.sqlite("SELECT count(*) FROM registrations") == "0")
        #expect(try s.sqlite("SELECT coalesce(sum(amount_fen), 0) FROM monthly_totals") == "0")
        #expect(try s.sqlite("SELECT status, proposer FROM proposals WHERE seq = \(n)") == "pending|张录入")
        let progress = try s.run(["report", "progress", "--as-of", "2024-12-31", "--format", "json"])
        #expect(progress.stdout.contains("\"achievedFen\" : 0"))
        #expect(progress.stdout.contains("\"pendingFen\" : 2000000000"))
        #expect(progress.stdout.contains("\"pendingRegistrations\" : 1"))
        let monthly = try s.run(["report", "monthly", "--from", "2024-01", "--to", "2024-12", "--format", "json"])
        #expect(monthly.stdout.contains("\"totalFen\" : 0") && monthly.stdout.contains("\"pendingFen\" : 2000000000"), "\(monthly.stdout)")
        #expect(try s.run(["--lang", "zh", "report", "monthly", "--from", "2024-01", "--to", "2024-12"]).stdout.contains("待审批（未计入下表）：1 笔，2,000.00 万元"))

        let approved = try s.run(["--operator", "李复核", "approve", n])
        #expect(approved.code == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains("approved proposal \(n): 1 entries written"))
        #expect(try s.sqlite("SELECT amount_fen, updated_seq FROM registrations") == "2000000000|\(Int(n)! + 2)")
        #expect(try s.sqlite("SELECT operator FROM entries WHERE kind = 'register'") == "李复核")
        let history = try s.run(["history", "Y2024620000001", "--format", "json"])
        #expect(history.stdout.contains("\"proposer\" : \"张录入\""))
        #expect(history.stdout.contains("\"approver\" : \"李复核\""))
        #expect(history.stdout.contains("\"proposal\" : \(n)"))
        let zh = try s.run(["--lang", "zh", "history", "Y2024620000001"])
        #expect(zh.stdout.contains("由 张录入 于") && zh.stdout.contains("由 李复核 于") && zh.stdout.contains("批准"))
        let after = try s.run(["report", "progress", "--as-of", "2024-12-31", "--format", "json"])
        #expect(!after.stdout.contains("pending"))
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("the maker deciding their own proposal: exit 77 in zh and en, nothing written")
    func sameUserRefused() throws {
        let s = try ledger()
        let n = try #require(proposalNumber(try s.run(["--operator", "王"] + s.registerArgs)))
        let before = try s.snapshot()
        for (lang, words) in [("en", "another person must decide it; nothing was written"), ("zh", "须由另一人审批；未写入任何内容")] {
            let out = try s.run(["--lang", lang, "--operator", "王", "approve", n])
            #expect(out.code == 77)
            #expect(out.stderr.contains(words), "\(out.stderr)")
            #expect(out.stderr.split(separator: "\n").count == 1)
            #expect(try s.run(["--lang", lang, "--operator", "王", "reject", n, "--reason", "x"]).code == 77)
        }
        #expect(try s.snapshot() == before)
        #expect(try s.sqlite("SELECT status FROM proposals") == "pending")
    }

    @Test("a proposal that conflicts at approval stays pending and says why (73); a stale correction too")
    func conflictAtApproval() throws {
        let s = try ledger()
        let first = try #require(proposalNumber(try s.run(["--operator", "a"] + s.registerArgs)))
        let second = try #require(proposalNumber(try s.run(["--operator", "b"] + s.registerArgs(replacing: "--amount", with: "2,100"))))
        #expect(try s.run(["--operator", "c", "approve", first]).code == 0)
        let before = try s.snapshot()
        let refused = try s.run(["--operator", "c", "approve", second])
        #expect(refused.code == 73)
        #expect(refused.stderr.contains("Y2024620000001 is already registered"), "\(refused.stderr)")
        #expect(try s.snapshot() == before)
        #expect(try s.sqlite("SELECT status FROM proposals WHERE seq = \(second)") == "pending")

        // Two corrections proposed from the same amount: once one is approved, the other no longer starts from it.
        let c1 = try #require(proposalNumber(try s.run(["--operator", "a", "correct", "Y2024620000001", "--field", "amount", "--value", "2,200", "--unit", "wan", "--reason", "银行更正"])))
        let c2 = try #require(proposalNumber(try s.run(["--operator", "a", "correct", "Y2024620000001", "--field", "amount", "--value", "2,300", "--unit", "wan", "--reason", "银行更正"])))
        #expect(try s.run(["--operator", "c", "approve", c1]).code == 0)
        let stale = try s.run(["--lang", "zh", "--operator", "c", "approve", c2])
        #expect(stale.code == 73)
        #expect(stale.stderr.contains("提案 \(c2) 提交后登记号 Y2024620000001 已被变更"), "\(stale.stderr)")
        #expect(try s.sqlite("SELECT amount_fen FROM registrations") == "2200000000")
        #expect(try s.run(["--operator", "c", "reject", c2, "--reason", "已被另一更正取代"]).code == 0)
        let decided = try s.run(["--operator", "c", "approve", c2])
        #expect(decided.code == 73 && decided.stderr.contains("is rejected already"))
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("a month closed between proposal and approval: the approval is refused (73), the proposal stays pending")
    func closedAtApproval() throws {
        let s = try ledger()
        let n = try #require(proposalNumber(try s.run(["--operator", "a"] + s.registerArgs)))
        #expect(try s.run(["period", "close", "2024-03"]).code == 0)
        let before = try s.snapshot()
        let refused = try s.run(["--operator", "b", "approve", n])
        #expect(refused.code == 73)
        #expect(refused.stderr.contains("in the closed period 2024-03"), "\(refused.stderr)")
        #expect(try s.snapshot() == before)
        #expect(try s.sqlite("SELECT status FROM proposals WHERE seq = \(n)") == "pending")
    }

    @Test("an import of the GB18030 sample is one proposal, approved in one step into the same ledger as a direct import")
    func importProposal() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../SampleData/registrations-gb18030.csv").standardized.path
        let s = try ledger()
        let proposed = try s.run(["--operator", "clerk", "import", sample])
        #expect(proposed.code == 0, "\(proposed.stderr)")
        let n = try #require(proposalNumber(proposed))
        #expect(try s.sqlite("SELECT count(*) FROM registrations") == "0")
        #expect(try s.sqlite("SELECT count(*) FROM proposals") == "1")
        #expect(try s.run(["--operator", "checker", "approve", n]).code == 0)
        let direct = try CLISandbox()
        #expect(try direct.run(["import", sample]).code == 0)
        let columns = "reg_no, reg_date, uscc, enterprise, bank, amount_fen, ip_numbers, park, status, status_date, maturity"
        let query = "SELECT count(*), sum(amount_fen), group_concat(x) FROM (SELECT \(columns.replacingOccurrences(of: ", ", with: " || '|' || ")) AS x FROM registrations ORDER BY reg_no)"
        #expect(try s.sqlite(query) == (try direct.sqlite(query)))
        #expect(try s.run(["report", "monthly", "--format", "csv"]).stdout == (try direct.run(["report", "monthly", "--format", "csv"]).stdout))
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("turning approval off leaves pending proposals pending; writes count at once again")
    func turningOff() throws {
        let s = try ledger()
        let n = try #require(proposalNumber(try s.run(["--operator", "a"] + s.registerArgs)))
        #expect(try s.run(["settings", "set", "approval", "off"]).code == 0)
        #expect(try s.sqlite("SELECT status FROM proposals") == "pending")
        let direct = try s.run(s.registerArgs(replacing: "--reg-no", with: "Y2"))
        #expect(direct.code == 0 && direct.stdout.contains("registered Y2"))
        #expect(try s.run(["proposals", "--status", "pending", "--format", "json"]).stdout.contains("\"proposal\" : \(n)"))
        #expect(try s.run(["--operator", "b", "approve", n]).code == 0)
        #expect(try s.sqlite("SELECT count(*) FROM registrations") == "2")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("bad input: a setting value, a missing reason, an unknown proposal; each clear in zh and en, nothing written", arguments: [
        (["settings", "set", "approval", "maybe"], Int32(65), "expected required or off", "应为 required（需要审批）或 off（不需要）"),
        (["settings", "set", "colour", "on"], Int32(64), "colour", "colour"),
        (["reject", "4"], Int32(64), "--reason", "--reason"),
        (["approve", "999"], Int32(65), "no proposal 999", "没有编号为 999 的提案"),
        (["proposals", "--status", "maybe"], Int32(64), "maybe", "maybe"),
    ])
    func badInput(args: [String], code: Int32, en: String, zh: String) throws {
        let s = try ledger()
        let before = try s.snapshot()
        for (lang, words) in [("en", en), ("zh", zh)] {
            let out = try s.run(["--lang", lang] + args)
            #expect(out.code == code, "\(args) \(out.stderr)")
            #expect(out.stderr.contains(words), "\(out.stderr)")
        }
        #expect(try s.snapshot() == before)
    }
}
