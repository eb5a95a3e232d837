import Foundation
import Testing

/// `pledge copy`: a ledger's journal replayed into a new one, through the built `pledge`; the plain `sqlite3` tool dumps
/// the copy as it dumps the source, and every refusal writes nothing.
@Suite("copy through the CLI")
struct CopyCommandTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../SampleData/registrations.csv").standardizedFileURL.path

    /// Every kind of entry: an import, a lifecycle change, a closed period, a subsidy policy and payment, a pool with a
    /// contribution, a user with a password, and a change proposed and approved under the approval setting.
    static func richLedger(postgres: Bool = false) throws -> CLISandbox {
        let s = try CLISandbox(postgres: postgres)
        var proposed = s.registerArgs(replacing: "--reg-no", with: "Y2024620000002")
        proposed[proposed.firstIndex(of: "--date")! + 1] = "2024-07-05"
        let steps: [[String]] = [
            ["import", Self.sample], s.registerArgs, ["default", "Y2024620000001", "--date", "2024-09-30"],
            ["period", "close", "2024-06"],
            ["subsidy", "policy", "set", "2025贴息", "--share", "50%", "--cap", "5", "--unit", "wan", "--year", "2025"],
            ["pool", "set", "高新区风险池", "--fund", "40%", "--bank", "60%", "--park", "兰州高新区"],
            ["pool", "contribute", "高新区风险池", "--amount", "300", "--unit", "wan", "--date", "2024-01-15", "--from", "兰州高新区财政局"],
            ["settings", "set", "approval", "required"], proposed,
        ]
        for args in steps {
            let out = try s.run(args)
            #expect(out.code == 0, "\(args): \(out.stderr)")
        }
        let user = try s.execute("/bin/sh", ["-c", "printf 'long-enough-secret\\n' | '\(CLISandbox.binary.path)' --db '\(s.db)' user add 李复核 --role checker --password-stdin"])
        #expect(user.code == 0, "\(user.stderr)")
        let listing = try JSONSerialization.jsonObject(with: Data(try s.run(["proposals", "--format", "json"]).stdout.utf8)) as? [String: Any]
        let proposal = ((listing?["proposals"] as? [[String: Any]])?.first?["proposal"] as? NSNumber)?.stringValue ?? "?"
        let approve = try s.run(["--operator", "李复核", "approve", proposal])
        #expect(approve.code == 0, "\(approve.stderr)")
        return s
    }

    @Test("the copy ends at the source's head, and sqlite3 dumps both ledgers the same (credentials included)")
    func sameLedger() throws {
        let s = try Self.richLedger()
        let copy = s.directory.appendingPathComponent("copy.sqlite").path
        let out = try s.run(["copy", "--from", s.db, "--to", copy], withDB: false)
        #expect(out.code == 0, "\(out.stderr)")
        let head = try s.sqlite("SELECT seq || ':' || hash FROM entries ORDER BY seq DESC LIMIT 1")
        #expect(out.stdout.contains("head \(head)"), "\(out.stdout)")
        #expect(try s.sqlite("SELECT count(*) FROM user_credentials WHERE password_hash LIKE '$2%'", file: copy) == "1")
        // Line for line; a first load rebuilds indexes and the chain trigger, which moves them in sqlite_schema.
        func dump(_ file: String) throws -> [Substring] { try s.sqlite(".dump", file: file).split(separator: "\n").sorted() }
        #expect(try dump(copy) == dump(s.db))
        let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // The copy is a ledger like any: it reports, verifies and takes writes.
        #expect(try s.run(["--db", copy, "audit", "verify"], withDB: false).code == 0)
        #expect(try s.run(["--db", copy, "report", "progress"], withDB: false).stdout == s.run(["report", "progress"]).stdout)
    }

    @Test("refusals in both languages, with nothing written: an existing target, a missing source, a source that does not verify, read-only")
    func refusals() throws {
        let s = try CLISandbox()
        let other = try CLISandbox()
        let before = try other.snapshot()
        let missing = s.directory.appendingPathComponent("none.sqlite").path
        let fresh = s.directory.appendingPathComponent("fresh.sqlite").path
        let cases: [([String], [String: String], Int32, String, String)] = [
            (["copy", "--from", s.db, "--to", other.db], [:], 73, "already holds a ledger", "已有台账"),
            (["copy", "--from", missing, "--to", fresh], [:], 66, "no ledger at", "没有台账"),
            (["copy", "--from", s.db, "--to", fresh], ["PLEDGE_READ_ONLY": "1"], 74, "read-only", "只读"),
        ]
        for (args, env, code, en, zh) in cases {
            for (lang, words) in [("en", en), ("zh", zh)] {
                let out = try s.run(["--lang", lang] + args, withDB: false, env: env)
                #expect(out.code == code && out.stderr.contains(words), "\(args) \(lang): \(out.code) \(out.stderr)")
                #expect(out.stderr.split(separator: "\n").count == 1, "\(out.stderr)")
            }
        }
        #expect(try other.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: fresh) && !FileManager.default.fileExists(atPath: missing))

        // A projection altered outside pledge: the source does not verify, and nothing is copied.
        _ = try s.sqlite("UPDATE targets SET amount_fen = amount_fen + 1")
        for (lang, words) in [("en", "does not verify; nothing was copied"), ("zh", "校验未通过；未复制任何内容")] {
            let out = try s.run(["--lang", lang, "copy", "--from", s.db, "--to", fresh], withDB: false)
            #expect(out.code == 1 && out.stderr.contains(words), "\(lang): \(out.code) \(out.stderr)")
            #expect(!FileManager.default.fileExists(atPath: fresh))
        }
    }
}
