import Foundation
import Testing

@Suite("Reliability: concurrency, locks, resource faults, hostile names — end to end")
struct ReliabilityTests {
    /// Starts `pledge` without waiting; the caller waits.
    func start(_ s: CLISandbox, _ args: [String], env: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = CLISandbox.binary
        p.arguments = ["--db", s.db] + args
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func importFile(_ s: CLISandbox, prefix: String, rows: Int) throws -> String {
        var text = "reg_no,reg_date,uscc,enterprise,bank,amount_wan,ip_numbers\n"
        for i in 0..<rows { text += "\(prefix)-\(i),2024-0\(1 + i % 9)-15,\(CLISandbox.validUSCC),并发企业\(i),兰州银行,\(10 + i),\(CLISandbox.patent(prefix, row: i))\n" }
        let path = s.directory.appendingPathComponent("\(prefix).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("8 processes registering and importing at once: no entry lost, seq gapless, chain valid; readers see consistent states")
    func concurrentWriters() throws {
        let s = try CLISandbox()
        var processes: [Process] = []
        let perWriter = 6
        for w in 0..<8 {
            if w % 2 == 0 {
                processes.append(try start(s, ["--operator", "w\(w)", "import", try importFile(s, prefix: "IMP\(w)", rows: 40)]))
            }
            // Registering writers: a shell loop of separate `pledge register` processes.
            let script = (0..<perWriter).map { i in
                "'\(CLISandbox.binary.path)' --db '\(s.db)' --operator w\(w) register --reg-no REG\(w)-\(i) --date 2024-05-0\(1 + i) --uscc \(CLISandbox.validUSCC) --enterprise 企业 --bank 甘肃银行 --amount 1 --unit wan --ip \(CLISandbox.patent("REG\(w)-\(i)")) || exit 1"
            }.joined(separator: "\n")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", script]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            processes.append(p)
        }
        // Readers during the writes: every report succeeds and parses.
        for _ in 0..<5 {
            let out = try s.run(["--read-only", "report", "progress", "--format", "json", "--as-of", "2025-12-31"])
            #expect(out.code == 0, "\(out.stderr)")
            #expect((try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8))) != nil)
        }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        #expect(try s.sqlite("SELECT count(*) FROM registrations") == "\(8 * perWriter + 4 * 40)")
        #expect(try s.sqlite("SELECT count(*) = max(seq) AND min(seq) = 1 FROM entries") == "1")
        let verify = try s.run(["audit", "verify"])
        #expect(verify.code == 0, "\(verify.stdout)")
    }

    @Test("a writer that cannot get the lock within the busy timeout exits 75 and writes nothing")
    func busy() throws {
        let s = try CLISandbox()
        // sqlite3 holds the write lock for two seconds.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [s.db, "BEGIN IMMEDIATE; INSERT INTO enterprises(uscc, name) VALUES ('x', 'lock'); SELECT 1 FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000000) SELECT count(*) FROM c); ROLLBACK;"]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        Thread.sleep(forTimeInterval: 0.3)
        let out = try s.run(s.registerArgs, env: ["PLEDGE_BUSY_TIMEOUT": "0.2"])
        holder.waitUntilExit()
        #expect(out.code == 75, "\(out.stderr)")
        #expect(out.stderr.contains("locked by another writer; nothing was written"))
        #expect(try s.sqlite("SELECT count(*) FROM registrations") == "0")
        #expect(try s.run(s.registerArgs).code == 0, "works once the lock is gone")
    }

    @Test("a first load killed mid-write: read-only opens say how to recover (74), a writable open rolls it back to the empty ledger")
    func killedFirstLoad() throws {
        let s = try CLISandbox()
        // A first load of more than 4 MB (smaller ones keep the WAL): 9,000 rows with long notes.
        let csv = try s.historyFile("kill.csv", prefix: "KILL", rows: 9000, noteRepeats: 80)
        #expect(((try FileManager.default.attributesOfItem(atPath: csv)[.size]) as? NSNumber)?.intValue ?? 0 > 4 << 20)
        let importer = try start(s, ["import", csv])
        // The first load writes with a rollback journal: kill the importer while it exists.
        let journal = s.db + "-journal"
        let deadline = Date().addingTimeInterval(60)
        while importer.isRunning && !FileManager.default.fileExists(atPath: journal) && Date() < deadline { usleep(1000) }
        usleep(50_000)
        kill(importer.processIdentifier, SIGKILL)
        importer.waitUntilExit()
        try #require(FileManager.default.fileExists(atPath: journal), "the import finished before it could be killed")

        // Before its first spill the journal is not yet "hot" (SQLite writes its header at the first sync) and
        // readers see the untouched empty ledger; after it, only a writable open may roll it back.
        let readOnly = try s.run(["--read-only", "report", "progress", "--format", "json"])
        if readOnly.code == 0 {
            #expect(readOnly.stdout.contains("\"registrations\":0") || readOnly.stdout.contains("\"registrations\" : 0"), "\(readOnly.stdout)")
        } else {
            #expect(readOnly.code == 74, "\(readOnly.stderr)")
            #expect(readOnly.stderr.contains("interrupted write"), "\(readOnly.stderr)")
        }

        let head = try s.run(["audit", "head"])
        #expect(head.code == 0, "\(head.stderr)")
        // Killed while switching from WAL, the journal may remain without SQLite's header (not hot: nothing to roll
        // back, and SQLite ignores it); a hot one must be gone.
        let hot: [UInt8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]
        #expect(FileManager.default.contents(atPath: journal).map { !$0.starts(with: hot) } ?? true)
        #expect(try s.sqlite("SELECT count(*) FROM registrations") == "0")
        #expect(try s.sqlite("SELECT count(*) FROM entries") == "2")
        #expect(try s.sqlite("PRAGMA journal_mode") == "wal")
        #expect(try s.sqlite("PRAGMA integrity_check") == "ok")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("a write interrupted after its journal was synced: read-only commands exit 74 saying how to recover; a writable open recovers")
    func hotJournal() throws {
        let s = try CLISandbox()
        try s.run(s.registerArgs)
        let before = try s.snapshot()
        // sqlite3 in rollback-journal mode, a tiny cache (pages spill to the file, so the journal is synced and
        // hot), then busy until killed: what a process dying in the middle of a first load leaves behind.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        writer.arguments = [s.db, """
            PRAGMA journal_mode = DELETE; PRAGMA cache_size = 4; BEGIN IMMEDIATE;
            INSERT INTO enterprises(uscc, name) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
              SELECT 'U' || x, printf('%.400c', 'n') FROM c;
            SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT x FROM c);
            """]
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        let journal = s.db + "-journal"
        func hot() -> Bool {   // the journal's header carries SQLite's magic once synced
            guard let h = FileManager.default.contents(atPath: journal), h.count >= 8 else { return false }
            return Array(h.prefix(8)) == [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]
        }
        let deadline = Date().addingTimeInterval(30)
        while writer.isRunning && !hot() && Date() < deadline { usleep(2000) }
        usleep(200_000)
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        try #require(hot(), "no hot journal was left behind")

        for args in [["report", "progress"], ["audit", "verify"], ["query"]] {
            let out = try s.run(["--read-only"] + args)
            #expect(out.code == 74, "\(args): \(out.stderr)")
            #expect(out.stderr.contains("interrupted write") && out.stderr.contains("without --read-only"), "\(out.stderr)")
            #expect(out.stderr.split(separator: "\n").count == 1 && !out.stderr.contains("Fatal error"), "\(out.stderr)")
        }
        let head = try s.run(["audit", "head"])
        #expect(head.code == 0, "\(head.stderr)")
        #expect(!FileManager.default.fileExists(atPath: journal))
        #expect(try s.snapshot().journal == before.journal && s.snapshot().registrations == before.registrations)
        #expect(try s.sqlite("SELECT count(*) FROM enterprises WHERE uscc LIKE 'U%'") == "0")
        #expect(try s.sqlite("PRAGMA journal_mode") == "wal")
        #expect(try s.run(["--read-only", "audit", "verify"]).code == 0)
    }

    @Test("a ledger directory that is not writable: init exits 74 with the path")
    func unwritableDirectory() throws {
        let s = try CLISandbox(initialize: false)
        let out = try s.run(["--db", "/proc/pledge-ledger.sqlite", "init"], withDB: false)
        #expect(out.code == 74)
        #expect(out.stderr.contains("/proc/pledge-ledger.sqlite"))
    }

    @Test("a file-size limit (a full disk) during an import: exit 74, the ledger intact and unchanged")
    func diskFull() throws {
        let s = try CLISandbox()
        try s.run(s.registerArgs)
        let csv = try importFile(s, prefix: "BIG", rows: 4000)
        let before = try s.sqlite("SELECT count(*), max(seq) FROM entries")
        let size = (try FileManager.default.attributesOfItem(atPath: s.db)[.size] as? Int) ?? 0
        // ulimit -f counts 1024-byte blocks here; allow a little more than the ledger holds now.
        let result = try s.execute("/bin/sh", ["-c", "ulimit -f \(size / 1024 + 200); exec '\(CLISandbox.binary.path)' --db '\(s.db)' import '\(csv)'"])
        let message = result.stderr
        #expect(result.code == 74, "\(message)")
        #expect(message.contains("nothing was written") || message.contains("cannot read or write"), "\(message)")
        #expect(try s.sqlite("PRAGMA integrity_check") == "ok")
        #expect(try s.sqlite("SELECT count(*), max(seq) FROM entries") == before)
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("a file that is not a ledger, a newer schema, a truncated ledger: clear errors, no crash", arguments: ["text", "newer", "truncated", "directory"])
    func badLedgers(kind: String) throws {
        let s = try CLISandbox()
        try s.run(s.registerArgs)
        switch kind {
        case "text":
            try Data("登记号,金额\nY1,100\n".utf8).write(to: URL(fileURLWithPath: s.db))
            try? FileManager.default.removeItem(atPath: s.db + "-wal")
            try? FileManager.default.removeItem(atPath: s.db + "-shm")
        case "newer":
            _ = try s.sqlite("INSERT INTO grdb_migrations(identifier) VALUES ('999_from_the_future')")
        case "truncated":
            let data = try Data(contentsOf: URL(fileURLWithPath: s.db))
            try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: s.db))
        default:
            try FileManager.default.removeItem(atPath: s.db)
            try FileManager.default.createDirectory(atPath: s.db, withIntermediateDirectories: false)
        }
        let bytes = FileManager.default.contents(atPath: s.db)
        for args in [["report", "progress"], s.registerArgs, ["audit", "verify"]] {
            let out = try s.run(args)
            #expect([74, 70, 1].contains(out.code), "\(kind) \(args.first!): \(out.code) \(out.stderr)")
            #expect(!out.stderr.contains("Fatal error") && !out.stderr.contains("Program crashed"), "\(out.stderr)")
            if kind == "newer" { #expect(out.stderr.contains("newer version of pledge")) }
        }
        #expect(FileManager.default.contents(atPath: s.db) == bytes, "the file is left as it was")
    }

    @Test("a ledger from before 002_group_totals: read-only is refused with the upgrade hint (74), a writable open upgrades it")
    func olderSchema() throws {
        let s = try CLISandbox()
        #expect(try s.run(s.registerArgs).code == 0)
        _ = try s.sqlite("""
            DROP TABLE group_totals; DROP TABLE target_enterprises; ALTER TABLE targets DROP COLUMN enterprises; ALTER TABLE targets DROP COLUMN park; ALTER TABLE targets DROP COLUMN prefecture_code;
            DROP TABLE ledger_settings; DROP TABLE finding_reviews; DROP INDEX registrations_active_by_maturity;
            DROP TABLE status_totals; CREATE TABLE status_totals (ip_type TEXT NOT NULL, status TEXT NOT NULL, registrations INTEGER NOT NULL, amount_fen INTEGER NOT NULL, PRIMARY KEY (ip_type, status)) WITHOUT ROWID;
            INSERT INTO status_totals SELECT ip_type, status, count(*), sum(amount_fen) FROM registrations GROUP BY 1, 2;
            DROP TABLE user_credentials; DROP TABLE users; DROP TABLE proposals; DROP TABLE balance_days; DROP TABLE subsidy_lines; DROP TABLE subsidy_policies; DROP TABLE subsidy_payments; DROP TABLE pool_losses; DROP TABLE disposals; DROP TABLE pool_contributions; DROP TABLE pools; ALTER TABLE registrations DROP COLUMN appraised_value_fen; ALTER TABLE registrations DROP COLUMN appraiser; ALTER TABLE registrations DROP COLUMN insurer; ALTER TABLE registrations DROP COLUMN insured_amount_fen; ALTER TABLE registrations DROP COLUMN defaulted_on; 
            DELETE FROM grdb_migrations WHERE identifier IN ('002_group_totals', '003_check_lists', '004_entry_kinds', '005_settings_reviews',
                                                             '006_status_by_maturity', '007_users', '008_approvals', '009_balance_days', '010_subsidies', '011_pools', '012_puhui_dimension', '013_puhui_totals', '014_appraisal', '015_subsidy_lines')
            """)
        let bytes = FileManager.default.contents(atPath: s.db)
        let refused = try s.run(["--read-only", "report", "progress"])
        #expect(refused.code == 74)
        #expect(refused.stderr.contains("older version of pledge") && refused.stderr.contains("without --read-only"), "\(refused.stderr)")
        #expect(FileManager.default.contents(atPath: s.db) == bytes, "a read-only open leaves the file as it was")
        let upgraded = try s.run(["audit", "verify"])
        #expect(upgraded.code == 0, "\(upgraded.stdout)\(upgraded.stderr)")
        #expect(try s.sqlite("SELECT enterprises FROM targets") == "1")
        #expect(try s.run(["--read-only", "report", "progress"]).code == 0)
    }

    @Test("names and notes cannot inject SQL; they are stored verbatim")
    func sqlInjection() throws {
        let s = try CLISandbox()
        let evil = "x'); DROP TABLE entries; --"
        let out = try s.run(["--operator", evil] + s.registerArgs + ["--notes", evil, "--branch", "\"; DELETE FROM registrations; --"])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(try s.sqlite("SELECT operator FROM entries WHERE seq = 3") == evil)
        #expect(try s.sqlite("SELECT notes FROM registrations") == evil)
        #expect(try s.sqlite("SELECT count(*) FROM entries") == "3")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("CSV exports and reports neutralise cells that start with = + - @")
    func formulaInjection() throws {
        let s = try CLISandbox()
        let args = s.registerArgs.map { $0 == "甘肃陇原新材料科技有限公司" ? "=HYPERLINK(\"http://x\")" : $0 } + ["--branch", "@SUM(1)", "--notes", "+1-2"]
        #expect(try s.run(args).code == 0)
        for command in [["export"], ["query", "--format", "csv"]] {
            let out = try s.run(command).stdout
            #expect(out.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "\(command)")
            #expect(!out.contains(",=") && !out.contains(",@") && !out.contains(",+"), "\(command): \(out)")
        }
    }
}
