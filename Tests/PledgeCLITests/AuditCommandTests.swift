import Foundation
import Testing

@Suite("The auditor's tools: verify, tampering, check, backup, query, read-only — end to end")
struct AuditCommandTests {
    func demo(loans: Int = 300) throws -> CLISandbox {
        let s = try CLISandbox(initialize: false)
        #expect(try s.run(["demo", "--loans", "\(loans)", "--seed", "4"]).code == 0)
        return s
    }

    /// Runs SQL with the plain sqlite3 tool, returning its exit code (tampering as an attacker would).
    func tamper(_ s: CLISandbox, _ sql: String) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [s.db, sql]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test("audit verify passes on an intact ledger and prints the head; --expect-head proves an earlier head")
    func verifyClean() throws {
        let s = try demo()
        let head = try s.sqlite("SELECT seq || ':' || hash FROM entries ORDER BY seq DESC LIMIT 1")
        let earlier = try s.sqlite("SELECT seq || ':' || hash FROM entries WHERE seq = 100")
        let out = try s.run(["--read-only", "audit", "verify", "--expect-head", earlier])
        #expect(out.code == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("verified: \(head.split(separator: ":")[0]) entries"))
        #expect(out.stdout.contains("head \(head)"))
        let wrong = try s.run(["audit", "verify", "--expect-head", "100:" + String(repeating: "a", count: 64)])
        #expect(wrong.code == 1)
        #expect(wrong.stdout.contains("entry 100: hash"))
        let gone = try s.run(["audit", "verify", "--expect-head", "999999:" + String(repeating: "a", count: 64)])
        #expect(gone.code == 1)
        #expect(out.stdout.contains("head matches: the journal still holds \(earlier) (seq 100) unchanged"), "\(out.stdout)")

        // The short form an auditor copies: 8 or more hex digits, either case.
        let short = String(earlier.prefix(while: { $0 != ":" })) + ":" + earlier.split(separator: ":")[1].prefix(8).uppercased()
        let matched = try s.run(["--lang", "zh", "--read-only", "audit", "verify", "--expect-head", short])
        #expect(matched.code == 0, "\(matched.stdout)")
        #expect(matched.stdout.contains("head matches：日志仍包含 \(short)（seq 100），未被改动"), "\(matched.stdout)")
        let otherPrefix = String(earlier.prefix(while: { $0 != ":" })) + ":" + (earlier.split(separator: ":")[1].hasPrefix("0") ? "11111111" : "00000000")
        let mismatch = try s.run(["audit", "verify", "--expect-head", otherPrefix])
        #expect(mismatch.code == 1)
        #expect(!mismatch.stdout.contains("head matches"))
        for bad in ["12:xyz", "12:abcdef1", "12:" + String(repeating: "a", count: 65), "0:abcdef12", "abc"] {
            let refused = try s.run(["audit", "verify", "--expect-head", bad])
            #expect(refused.code == 64, "\(bad)")
            #expect(refused.stderr.contains("at least 8 hex digits"), "\(refused.stderr)")
            let zh = try s.run(["--lang", "zh", "audit", "verify", "--expect-head", bad])
            #expect(zh.stderr.contains("HASH 至少 8 位十六进制数字"), "\(zh.stderr)")
        }
    }

    @Test("the triggers refuse UPDATE and DELETE on the journal from plain sqlite3")
    func triggers() throws {
        let s = try demo()
        let before = try s.snapshot()
        #expect(try tamper(s, "UPDATE entries SET payload = payload || ' ' WHERE seq = 5") != 0)
        #expect(try tamper(s, "DELETE FROM entries WHERE seq = (SELECT max(seq) FROM entries)") != 0)
        #expect(try s.snapshot() == before)
    }

    @Test("a journal trigger dropped, replaced or added is a finding even when every hash holds", arguments: [
        ("DROP TRIGGER entries_no_delete", "the journal's trigger entries_no_delete is missing"),
        ("DROP TRIGGER entries_append_only_seq", "the journal's trigger entries_append_only_seq is missing"),
        ("DROP TRIGGER entries_no_update; CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries WHEN 0 BEGIN SELECT 1; END",
         "the journal's trigger entries_no_update is not the schema's"),
        ("CREATE TRIGGER entries_note AFTER INSERT ON entries BEGIN SELECT 1; END", "the journal has a trigger the schema does not create: entries_note"),
    ])
    func triggerFindings(sql: String, finding: String) throws {
        let s = try demo()
        #expect(try s.run(["audit", "verify"]).code == 0)
        #expect(try tamper(s, sql) == 0)
        let before = try s.snapshot()
        let out = try s.run(["--read-only", "audit", "verify"])
        #expect(out.code == 1, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains(finding), "\(out.stdout)")
        #expect(out.stdout.contains("verification failed: 1 findings"), "\(out.stdout)")
        #expect(try s.snapshot() == before)
    }

    @Test("an amount edited in the journal (triggers dropped) is named by its seq")
    func editedPayload() throws {
        let s = try demo()
        #expect(try tamper(s, """
            DROP TRIGGER entries_no_update;
            UPDATE entries SET payload = replace(payload, '"amountFen":', '"amountFen":9') WHERE seq = 50;
            """) == 0)
        let out = try s.run(["audit", "verify"])
        #expect(out.code == 1)
        #expect(out.stdout.contains("entry 50: the hash does not match its payload"))
        #expect(out.stdout.contains("first bad entry: seq 50"))
    }

    @Test("an edited hash breaks the chain at the next entry; a deleted entry leaves a gap")
    func brokenChain() throws {
        let s = try demo()
        #expect(try tamper(s, """
            DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;
            DELETE FROM entries WHERE seq = 70;
            """) == 0)
        let out = try s.run(["audit", "verify"])
        #expect(out.code == 1)
        #expect(out.stdout.contains("entry 71: expected seq 70"))
        #expect(out.stdout.contains("entry 71: prev_hash does not match"))
    }

    @Test("a column changed beside its payload (operator) is named")
    func editedColumn() throws {
        let s = try demo()
        #expect(try tamper(s, "DROP TRIGGER entries_no_update; UPDATE entries SET operator = 'mallory' WHERE seq = 30;") == 0)
        let out = try s.run(["audit", "verify"])
        #expect(out.code == 1)
        #expect(out.stdout.contains("entry 30: the columns seq/at/operator/kind/reg_no differ from its payload"))
    }

    @Test("a projection edited directly is detected with the differing column", arguments: [
        ("UPDATE registrations SET amount_fen = amount_fen + 1 WHERE reg_no = (SELECT min(reg_no) FROM registrations)", "registrations"),
        ("UPDATE monthly_totals SET amount_fen = amount_fen * 2 WHERE month = (SELECT min(month) FROM monthly_totals)", "monthly_totals"),
        ("DELETE FROM registration_rights WHERE reg_no = (SELECT min(reg_no) FROM registrations)", "registration_rights"),
        ("UPDATE targets SET amount_fen = 1", "targets"),
        ("UPDATE targets SET enterprises = enterprises + 1", "targets"),
        ("UPDATE group_totals SET amount_fen = amount_fen + 1 WHERE dimension = 'bank'", "group_totals"),
        ("DELETE FROM target_enterprises WHERE uscc = (SELECT min(uscc) FROM target_enterprises)", "target_enterprises"),
        ("INSERT INTO banks(name) VALUES ('影子银行')", "banks"),
    ])
    func editedProjection(sql: String, table: String) throws {
        let s = try demo()
        #expect(try tamper(s, "PRAGMA foreign_keys = OFF; " + sql) == 0)
        let out = try s.run(["audit", "verify"])
        #expect(out.code == 1)
        #expect(out.stdout.split(separator: "\n").contains { $0.hasPrefix(table + " ") }, "\(out.stdout)")
    }

    /// A ledger with one finding of every rule; D-3 holds D-1's patent too (three holders, one finding).
    func findings() throws -> CLISandbox {
        let s = try CLISandbox()
        #expect(try s.run(["check"]).code == 0)
        let base = ["--uscc", CLISandbox.validUSCC, "--enterprise", "甲公司", "--bank", "兰州银行", "--unit", "wan", "--ip-type", "patent"]
        let double = ["--allow-double-pledge", "--reason", "银行确认为续贷"]
        let registrations: [[String]] = [
            ["--reg-no", "D-1", "--date", "2023-01-10", "--amount", "100", "--ip", "201710601862.3"],
            ["--reg-no", "D-2", "--date", "2023-06-10", "--amount", "200", "--ip", "CN201710601862.3"] + double,   // same patent, both active
            ["--reg-no", "D-3", "--date", "2023-07-10", "--amount", "300", "--ip", "201710601862.3"] + double,     // and a third
            ["--reg-no", "T-1", "--date", "2023-02-01", "--amount", "50", "--ip", "2014203620779", "--maturity", "2030-01-01"],
            ["--reg-no", "U-1", "--date", "2023-03-03", "--amount", "70", "--ip", "97101765.4"],
            ["--reg-no", "U-2", "--date", "2023-03-03", "--amount", "70", "--ip", "95115608.X"],                 // likely duplicate of U-1
            ["--reg-no", "M-1", "--date", "2023-04-04", "--amount", "30", "--ip", "201080063196.9", "--maturity", "2024-04-04"],
        ]
        for r in registrations {
            let out = try s.run(["register"] + r + base)
            #expect(out.code == 0, "\(r): \(out.stderr)")
        }
        #expect(try s.run(["register", "--reg-no", "O-1", "--date", "2022-01-01", "--amount", "1", "--ip", "2014103620773", "--allow-bad-uscc"]
                          + base.map { $0 == CLISandbox.validUSCC ? "914403001922038215" : $0 }).code == 0)
        return s
    }

    @Test("check: every rule found, with its id, 登记号s and an action, in both languages; exit 1; clean ledger exit 0")
    func check() throws {
        let s = try findings()
        let out = try s.run(["check"])
        #expect(out.code == 1)
        #expect(out.stdout.contains("[double-pledge:ZL201710601862.3] D-1, D-2, D-3 — ZL201710601862.3 is pledged by several registrations while each is active: D-1 (2023-01-10), D-2 (2023-06-10), D-3 (2023-07-10)"), "\(out.stdout)")
        #expect(out.stdout.components(separatedBy: "double-pledge:").count == 2, "one finding for the right held three times")
        #expect(out.stdout.contains("[maturity-past-patent-term:T-1:ZL201420362077.9] T-1 — maturity 2030-01-01 is after the legal term of ZL201420362077.9"))
        #expect(out.stdout.contains("[likely-duplicate:U-1+U-2] U-1, U-2"))
        #expect(out.stdout.contains("[matured-not-released:M-1] M-1 — matured on 2024-04-04 and is still active"))
        #expect(out.stdout.contains("[uscc-check-overridden:O-1] O-1"))
        let zh = try s.run(["--lang", "zh", "check"]).stdout
        #expect(zh.contains("ZL201710601862.3 同时被多笔有效登记质押：D-1 (2023-01-10)、D-2 (2023-06-10)、D-3 (2023-07-10)；建议：向登记机关核实"), "\(zh)")
        #expect(zh.contains("已于 2024-04-04 到期，仍为有效状态") && zh.contains("共 5 项（已复核 0 项）"), "\(zh)")
        let json = try JSONSerialization.jsonObject(with: Data(try s.run(["check", "--format", "json"]).stdout.utf8)) as! [String: [[String: Any]]]
        #expect(Set(json["findings"]!.map { $0["rule"] as! String })
                == ["double-pledge", "maturity-past-patent-term", "likely-duplicate", "matured-not-released", "uscc-check-overridden"])
        // As of a day before M-1 matured, it is no finding; releasing the first pledge before the others began leaves two holders.
        #expect(!(try s.run(["check", "--as-of", "2024-04-01"]).stdout.contains("matured-not-released")))
        #expect(try s.run(["release", "D-1", "--date", "2023-05-01"]).code == 0)
        #expect(try s.run(["check"]).stdout.contains("[double-pledge:ZL201710601862.3] D-2, D-3 —"))
    }

    @Test("check --rule filters, --format csv has headers in the label language and one row per finding")
    func checkFormats() throws {
        let s = try findings()
        let only = try s.run(["check", "--rule", "likely-duplicate", "--rule", "matured-not-released"])
        #expect(only.code == 1)
        #expect(only.stdout.contains("likely-duplicate:U-1+U-2") && only.stdout.contains("matured-not-released:M-1"))
        #expect(!only.stdout.contains("double-pledge") && !only.stdout.contains("uscc-check"))
        let csv = try s.run(["--lang", "zh", "check", "--format", "csv"]).stdout
        let lines = csv.split(separator: "\r\n")
        #expect(lines.first == "问题编号,规则,登记号,问题,建议,复核原因,复核人,复核时间")
        #expect(lines.count == 6, "\(csv)")
        let en = try s.run(["check", "--format", "csv", "--rule", "double-pledge"]).stdout
        #expect(en.hasPrefix("id,rule,reg_nos,detail,action,review_reason,reviewed_by,reviewed_at\r\ndouble-pledge:ZL201710601862.3,double-pledge,D-1;D-2;D-3,"))
        #expect(try s.run(["check", "--rule", "colour"]).code == 64)
    }

    @Test("check ack journals a review: the finding stays listed, marked reviewed; all reviewed exits 0; bad acks change nothing")
    func checkAck() throws {
        let s = try findings()
        let before = try s.snapshot()
        for (args, code, en, zh) in [
            (["check", "ack", "double-pledge:ZL201710601862.3"], Int32(64), "a reason is required", "必须填写原因"),
            (["check", "ack", "double-pledge:ZL000", "--reason", "x"], 65, "no such finding now", "当前没有这项问题"),
        ] {
            for (lang, message) in [("en", en), ("zh", zh)] {
                let out = try s.run(["--lang", lang] + args)
                #expect(out.code == code, "\(args)")
                #expect(out.stderr.contains(message), "\(out.stderr)")
            }
        }
        #expect(try s.snapshot() == before)
        let ack = try s.run(["--operator", "审计员王", "check", "ack", "double-pledge:ZL201710601862.3", "--reason", "已核实：续贷，旧笔待注销"])
        #expect(ack.code == 0, "\(ack.stderr)")
        let zh = try s.run(["--lang", "zh", "check"]).stdout
        #expect(zh.contains("[double-pledge:ZL201710601862.3]"), "a reviewed finding is still listed")
        #expect(zh.contains("已复核：已核实：续贷，旧笔待注销（审计员王，"), "\(zh)")
        #expect(zh.contains("已复核 1 项"))
        let json = try JSONSerialization.jsonObject(with: Data(try s.run(["check", "--format", "json"]).stdout.utf8)) as! [String: [[String: Any]]]
        let reviewed = json["findings"]!.first { $0["id"] as? String == "double-pledge:ZL201710601862.3" }!["review"] as! [String: Any]
        #expect(reviewed["operator"] as? String == "审计员王")
        #expect(try s.run(["audit", "verify"]).code == 0)
        // Reviewing every other finding too: exit 0, and the history of reviews is in the journal.
        for id in ["maturity-past-patent-term:T-1:ZL201420362077.9", "likely-duplicate:U-1+U-2", "matured-not-released:M-1", "uscc-check-overridden:O-1"] {
            #expect(try s.run(["check", "ack", id, "--reason", "已复核"]).code == 0)
        }
        #expect(try s.run(["check"]).code == 0)
        #expect(try s.sqlite("SELECT count(*) FROM entries WHERE kind = 'check-ack'") == "5")
    }

    @Test("backup: a 0600 copy that verifies and has the same head; never overwrites; works read-only")
    func backup() throws {
        let s = try demo()
        let copy = s.directory.appendingPathComponent("copy.sqlite").path
        let out = try s.run(["--read-only", "backup", copy])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(out.stdout.contains("verified"))
        let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let head = "SELECT seq || ':' || hash FROM entries ORDER BY seq DESC LIMIT 1"
        #expect(try s.sqlite(head, file: copy) == (try s.sqlite(head)))
        #expect(try s.sqlite("SELECT count(*) FROM registrations", file: copy) == "300")
        let bytes = FileManager.default.contents(atPath: copy)
        let again = try s.run(["backup", copy])
        #expect(again.code == 74)
        #expect(again.stderr.contains("never overwrites"))
        #expect(FileManager.default.contents(atPath: copy) == bytes)
        #expect(try s.run(["backup", "/nonexistent-dir/x.sqlite"]).code == 74)
    }

    @Test("query: filters, name resolution, totals equal sqlite3")
    func query() throws {
        let s = try demo()
        let all = try s.run(["query", "--format", "json"])
        let doc = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as! [String: Any]
        #expect((doc["registrations"] as! [Any]).count == 300)
        let totals = doc["totals"] as! [String: Any]
        #expect("\(totals["registrations"]!)|\(totals["amountFen"]!)" == (try s.sqlite("SELECT count(*), (SELECT sum(amount_fen) FROM registrations WHERE status <> 'void') FROM registrations")))
        let park = try s.run(["query", "--park", "兰州高新", "--from", "2024-01-01", "--to", "2025-12-31", "--format", "csv"])
        #expect(park.code == 0, "\(park.stderr)")
        let regs = park.stdout.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(regs.joined(separator: "\n") == (try s.sqlite("""
            SELECT reg_no FROM registrations WHERE park = '兰州高新技术产业开发区' AND reg_date BETWEEN '2024-01-01' AND '2025-12-31' ORDER BY reg_date, reg_no
            """)))
        let bank = try s.run(["query", "--bank", "工行", "--status", "active", "--ip-type", "patent", "--rywq", "--format", "json"])
        let bankDoc = try JSONSerialization.jsonObject(with: Data(bank.stdout.utf8)) as! [String: Any]
        #expect("\((bankDoc["totals"] as! [String: Any])["registrations"]!)" == (try s.sqlite("""
            SELECT count(*) FROM registrations WHERE bank = '中国工商银行甘肃省分行' AND status = 'active' AND ip_type = 'patent' AND rywq = 1
            """)))
        let uscc = try s.sqlite("SELECT uscc FROM registrations LIMIT 1")
        let ent = try s.run(["query", "--enterprise", uscc, "--prefecture", try s.sqlite("SELECT coalesce(prefecture_code, '620100') FROM registrations LIMIT 1")])
        #expect(ent.code == 0)
        let table = try s.run(["--lang", "zh", "query", "--limit", "3"])
        #expect(table.stdout.contains("仅列出前 3 笔；合计为全部 300 笔"))
    }

    @Test("query totals (read from group_totals when one group is named) equal sqlite3 over registrations, by status", arguments: [
        ([], "1"),
        (["--park", "兰州高新"], "park = '兰州高新技术产业开发区'"),
        (["--bank", "工行", "--from", "2023-02-14", "--to", "2024-11-03"],
         "bank = '中国工商银行甘肃省分行' AND reg_date BETWEEN '2023-02-14' AND '2024-11-03'"),
        (["--prefecture", "兰州市", "--status", "released"], "prefecture_code = '620100' AND status = 'released'"),
        (["--rywq", "--ip-type", "patent", "--to", "2024-06-15"], "rywq = 1 AND ip_type = 'patent' AND reg_date <= '2024-06-15'"),
        (["--from", "2024-03-10", "--to", "2024-03-20"], "reg_date BETWEEN '2024-03-10' AND '2024-03-20'"),
        (["--park", "兰州高新", "--bank", "兰州银行"], "park = '兰州高新技术产业开发区' AND bank = '兰州银行'"),
        (["--bank", "兰州银行", "--from", "2022-01-01", "--status", "void"], "bank = '兰州银行' AND reg_date >= '2022-01-01' AND status = 'void'"),
    ])
    func queryTotalsMatchSQL(args: [String], condition: String) throws {
        let s = try demo(loans: 600)
        let out = try s.run(["query", "--format", "json", "--limit", "5"] + args)
        #expect(out.code == 0, "\(out.stderr)")
        let totals = (try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any])["totals"] as! [String: Any]
        #expect("\(totals["registrations"]!)|\(totals["amountFen"]!)" == (try s.sqlite("""
            SELECT count(*) || '|' || coalesce(sum(CASE WHEN status <> 'void' THEN amount_fen END), 0) FROM registrations WHERE \(condition)
            """)))
        let byStatus = (totals["byStatus"] as! [String: [String: Int]]).map { "\($0.key)|\($0.value["registrations"]!)|\($0.value["amountFen"]!)" }
        #expect(byStatus.sorted().joined(separator: "\n") == (try s.sqlite("""
            SELECT status || '|' || count(*) || '|' || sum(amount_fen) FROM registrations WHERE \(condition) GROUP BY status ORDER BY 1
            """)))
    }

    @Test("query: ambiguous or unknown names are bad input listing the candidates", arguments: [
        (["--bank", "中国"], "matches several: 中国工商银行甘肃省分行"),
        (["--park", "火星"], "unknown park"),
        (["--park", "兰州新"], "matches several: 兰州新区"),
        (["--bank", "兰州银汗"], "Did you mean: 兰州银行?"),
        (["--prefecture", "上海"], "unknown prefecture"),
        (["--enterprise", "123"], "18 characters"),
        (["--from", "2024-02-30"], "--from"),
    ])
    func queryErrors(args: [String], message: String) throws {
        let s = try CLISandbox()
        let out = try s.run(["query"] + args)
        #expect(out.code == 65)
        #expect(out.stderr.contains(message), "\(out.stderr)")
    }

    @Test("read-only: every read works, every write exits 74, the file's bytes stay identical")
    func readOnly() throws {
        let s = try demo(loans: 50)
        let reg = try s.sqlite("SELECT reg_no FROM registrations WHERE status = 'active' LIMIT 1")
        let before = try s.snapshot()
        let reads: [[String]] = [["report", "progress"], ["report", "monthly"], ["query"], ["show", reg], ["history", reg], ["audit", "verify"],
                                 ["audit", "head"], ["check"], ["export"], ["period", "list"], ["target", "list"], ["reference", "banks"]]
        let writes: [[String]] = [
            s.registerArgs, ["correct", reg, "--field", "notes", "--value", "x", "--reason", "r"], ["void", reg, "--reason", "r"],
            ["release", reg, "--date", "2025-01-01"], ["default", reg, "--date", "2025-01-01"], ["extend", reg, "--maturity", "2099-01-01"],
            ["import", fixtureDirectory.appendingPathComponent("valid-zh-bom.csv").path],
            ["target", "set", "t", "--amount", "1", "--unit", "yi", "--from", "2024-01-01", "--to", "2024-12-31"],
            ["period", "close", "2024-01"], ["init"], ["demo"],
        ]
        for env in [["PLEDGE_READ_ONLY": "1"], [:]] {
            let flag = env.isEmpty ? ["--read-only"] : []
            for args in reads {
                let out = try s.run(flag + args, env: env)
                #expect(out.code == 0 || (args == ["check"] && out.code == 1), "\(args): \(out.stderr)")
            }
            for args in writes {
                let out = try s.run(flag + args, env: env)
                #expect(out.code == 74, "\(args): \(out.code) \(out.stderr)")
                #expect(out.stderr.contains("read-only"), "\(args)")
            }
        }
        #expect(try s.snapshot() == before)
    }
}
