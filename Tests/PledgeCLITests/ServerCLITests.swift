import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `pledge user …` and `pledge serve` as an office's IT would run them.
@Suite("users and the server from the command line")
struct ServerCLITests {
    func shell(_ s: CLISandbox, _ script: String) throws -> CLISandbox.Output {
        try s.execute("/bin/sh", ["-c", script], env: ["PLEDGE": CLISandbox.binary.path, "LEDGER": s.db])
    }

    @Test("user add prints a generated password once and keeps only its bcrypt hash, outside the journal; list, token, disable",
          arguments: ["zh", "en"])
    func users(_ lang: String) throws {
        let s = try CLISandbox()
        let added = try s.run(["--lang", lang, "user", "add", "王会计", "--role", "clerk"])
        #expect(added.code == 0, "\(added.stderr)")
        let password = try #require(added.stdout.split(separator: "\n").last.map { String($0.split(separator: lang == "zh" ? "：" : ": ").last!) })
        #expect(password.count == 16)
        #expect(added.stdout.contains(lang == "zh" ? "已添加用户 王会计（clerk）" : "added user 王会计 (clerk)"), "\(added.stdout)")
        let hash = try s.sqlite("SELECT password_hash FROM user_credentials WHERE name = '王会计'")
        #expect(hash.hasPrefix("$2"), "\(hash)")
        #expect(try s.sqlite("SELECT count(*) FROM entries WHERE payload LIKE '%\(password)%' OR payload LIKE '%$2%'") == "0")
        #expect(try s.sqlite("SELECT json_extract(payload, '$.data.role') FROM entries WHERE kind = 'user'") == "clerk")

        let piped = try shell(s, "echo 'auditor-secret' | \"$PLEDGE\" --db \"$LEDGER\" --lang \(lang) user add 审计 --role 审计员 --password-stdin")
        #expect(piped.code == 0, "\(piped.stderr)")
        #expect(!piped.stdout.contains("auditor-secret"))
        let token = try s.run(["user", "token", "审计"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("plg_") && token.count == 68, "\(token)")
        #expect(try s.sqlite("SELECT count(*) FROM user_credentials WHERE token_hash = '\(token)'") == "0", "the token is stored hashed")
        let list = try s.run(["--lang", lang, "user", "list"]).stdout
        #expect(list.contains("审计") && list.contains("auditor") && list.contains(lang == "zh" ? "有" : "yes"), "\(list)")
        let entries = try s.sqlite("SELECT count(*) FROM entries")
        let passwd = try shell(s, "echo 'a-new-password' | \"$PLEDGE\" --db \"$LEDGER\" user passwd 王会计 --password-stdin")
        #expect(passwd.code == 0, "\(passwd.stderr)")
        #expect(try s.sqlite("SELECT password_hash FROM user_credentials WHERE name = '王会计'") != hash)
        #expect(try s.sqlite("SELECT count(*) FROM entries") == entries, "a password is not history")
        let disabled = try s.run(["--lang", lang, "user", "disable", "审计"])
        #expect(disabled.code == 0)
        #expect(try s.sqlite("SELECT disabled, token_hash IS NULL FROM users JOIN user_credentials USING (name) WHERE name = '审计'") == "1|1")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("bad user input: exit 65 or 73 with the rule in zh and en, nothing written", arguments: [
        (["user", "add", "x", "--role", "boss"], Int32(65), "应为 admin（管理员）", "expected admin, clerk, checker or auditor"),
        (["user", "add", "", "--role", "clerk"], 65, "操作人名称为 1 到", "an operator name is 1 to"),
        (["user", "disable", "nobody"], 65, "没有名为 nobody 的用户", "no user named nobody"),
        (["user", "token", "nobody"], 65, "没有名为 nobody 的用户", "no user named nobody"),
        (["user", "add", "taken", "--role", "clerk"], 73, "已有名为 taken 的用户", "a user named taken exists already"),
    ])
    func badInput(args: [String], code: Int32, zh: String, en: String) throws {
        let s = try CLISandbox()
        #expect(try s.run(["user", "add", "taken", "--role", "auditor"]).code == 0)
        let before = try s.snapshot()
        for (lang, message) in [("zh", zh), ("en", en)] {
            let out = try s.run(["--lang", lang] + args)
            #expect(out.code == code, "\(args): \(out.stderr)")
            #expect(out.stderr.contains(message), "\(out.stderr)")
        }
        let short = try shell(s, "echo short | \"$PLEDGE\" --db \"$LEDGER\" user add y --role clerk --password-stdin")
        #expect(short.code == 65 && short.stderr.contains("at least 8 characters"), "\(short.stderr)")
        #expect(try s.snapshot() == before)
    }

    @Test("audit verify refuses a role edited with sqlite3")
    func tamperedRole() throws {
        let s = try CLISandbox()
        #expect(try s.run(["user", "add", "审计", "--role", "auditor"]).code == 0)
        _ = try s.sqlite("UPDATE users SET role = 'admin' WHERE name = '审计'")
        let out = try s.run(["audit", "verify"])
        #expect(out.code == 1)
        #expect(out.stdout.contains("users 审计"), "\(out.stdout)")
    }

    /// `pledge serve` on a free port: its first line, and the process.
    func serve(_ s: CLISandbox, _ extra: [String] = [], scheme: String = "http") throws -> (Process, Int, FileHandle) {
        let process = Process()
        process.executableURL = CLISandbox.binary
        process.arguments = ["--db", s.db, "serve", "--listen", "127.0.0.1:0"] + extra
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix("listening on \(scheme)://127.0.0.1:"), "\(text)")
        let port = Int(text.split(separator: ":").last!.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        return (process, port, err.fileHandleForReading)
    }

    func request(_ url: String, method: String = "GET", token: String? = nil, body: String? = nil) throws -> (Int, String) {
        var r = URLRequest(url: URL(string: url)!)
        r.httpMethod = method
        if let token { r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        r.httpBody = body.map { Data($0.utf8) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, String) = (0, "")
        URLSession.shared.dataTask(with: r) { data, response, _ in
            result = ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self))
            done.signal()
        }.resume()
        done.wait()
        return result
    }

    @Test("serve: the first line names the port; the server and the CLI write the same ledger; SIGTERM exits 0; one log line per request",
          arguments: ["sqlite", "postgres"])
    func serveAndStop(_ backend: String) throws {
        let s = try CLISandbox(postgres: backend == "postgres")
        #expect(try s.run(["user", "add", "王会计", "--role", "clerk"]).code == 0)
        let token = try s.run(["user", "token", "王会计"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (process, port, log) = try serve(s)
        let base = "http://127.0.0.1:\(port)"
        #expect(try request(base + "/healthz") == (200, "ok"))
        let body = #"{"reg_no": "S-1", "reg_date": "2024-03-05", "uscc": "914403001922038216", "enterprise": "甲", "bank": "兰州银行", "amount_wan": 10, "ip_numbers": "97101765.4"}"#
        let (status, answer) = try request(base + "/api/v1/registrations", method: "POST", token: token, body: body)
        #expect(status == 201, "\(answer)")
        let cli = try s.run(["register", "--reg-no", "S-2", "--date", "2024-03-06", "--uscc", CLISandbox.validUSCC, "--enterprise", "甲",
                             "--bank", "兰州银行", "--amount", "20万", "--ip", "201710601862.3"])
        #expect(cli.code == 0, "\(cli.stderr)")
        #expect(try request(base + "/api/v1/registrations/S-2", token: token).0 == 200)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = String(decoding: log.readDataToEndOfFile(), as: UTF8.self)
        #expect(lines.contains("POST /api/v1/registrations 201") && lines.contains("王会计"), "\(lines)")
        #expect(!lines.contains(token))
        #expect(try s.query("SELECT operator FROM entries WHERE reg_no = 'S-1'") == "王会计")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("serve refuses a listen address it cannot use (65, zh and en)")
    func badListen() throws {
        let s = try CLISandbox()
        for (lang, message) in [("zh", "应为 主机:端口"), ("en", "expected HOST:PORT")] {
            let out = try s.run(["--lang", lang, "serve", "--listen", "localhost"])
            #expect(out.code == 65, "\(out.stderr)")
            #expect(out.stderr.contains(message), "\(out.stderr)")
        }
    }

    @Test("serve over TLS: the first line says https and a client gets the answer through it; half a pair or a file that is not PEM is refused in zh and en")
    func tls() throws {
        let s = try CLISandbox()
        let made = try shell(s, "cd \"$(dirname \"$LEDGER\")\" && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=127.0.0.1 2>&1")
        #expect(made.code == 0, "\(made.stdout)")
        let folder = (s.db as NSString).deletingLastPathComponent
        let (cert, key) = (folder + "/cert.pem", folder + "/key.pem")
        let (process, port, _) = try serve(s, ["--tls-cert", cert, "--tls-key", key], scheme: "https")
        let fetched = try shell(s, "curl -sk https://127.0.0.1:\(port)/healthz; echo; curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:\(port)/healthz")
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(fetched.stdout.hasPrefix("ok\n") && !fetched.stdout.hasSuffix("200"), "\(fetched.stdout)")
        for (lang, pair, notPEM) in [("zh", "--tls-cert 与 --tls-key 须同时给出", "不是可读的 PEM 证书或私钥"), ("en", "give both --tls-cert and --tls-key", "not a readable PEM certificate")] {
            let half = try s.run(["--lang", lang, "serve", "--listen", "127.0.0.1:0", "--tls-cert", cert])
            #expect(half.code == 64 && half.stderr.contains(pair), "\(half.stderr)")
            let swapped = try s.run(["--lang", lang, "serve", "--listen", "127.0.0.1:0", "--tls-cert", key, "--tls-key", cert])
            #expect(swapped.code == 65 && swapped.stderr.contains(notPEM) && swapped.stderr.contains("--tls-cert"), "\(swapped.stderr)")
        }
    }

    @Test("the CLI and the server write the same ledger at once: every accepted registration is in the journal once and the chain verifies",
          arguments: ["sqlite", "postgres"])
    func concurrentWriters(_ backend: String) throws {
        let s = try CLISandbox(postgres: backend == "postgres")
        #expect(try s.run(["user", "add", "王会计", "--role", "clerk"]).code == 0)
        let token = try s.run(["user", "token", "王会计"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (process, port, _) = try serve(s)
        let base = "http://127.0.0.1:\(port)"
        let rights = (0..<100).map { CLISandbox.patent("concurrent", row: $0) }
        nonisolated(unsafe) var created = [Int](repeating: 0, count: 4)
        let lock = NSLock()
        nonisolated(unsafe) let sandbox = s
        let cli = Thread {
            for i in 0..<8 {
                _ = try? sandbox.run(["register", "--reg-no", "C-\(i)", "--date", "2024-03-06", "--uscc", CLISandbox.validUSCC, "--enterprise", "甲",
                                "--bank", "兰州银行", "--amount", "20万", "--ip", rights[80 + i]])
            }
        }
        cli.start()
        DispatchQueue.concurrentPerform(iterations: 4) { w in
            for i in 0..<10 {
                let body = #"{"reg_no": "H-\#(w)-\#(i)", "reg_date": "2024-03-05", "uscc": "914403001922038216", "enterprise": "甲", "bank": "兰州银行", "amount_wan": 10, "ip_numbers": "\#(rights[w * 10 + i])"}"#
                if (try? request(base + "/api/v1/registrations", method: "POST", token: token, body: body).0) == 201 { lock.withLock { created[w] += 1 } }
            }
        }
        while cli.isExecuting || !cli.isFinished { Thread.sleep(forTimeInterval: 0.05) }
        process.terminate()
        process.waitUntilExit()
        #expect(created == [10, 10, 10, 10])
        #expect(try s.query("SELECT count(*) FROM entries WHERE kind = 'register' AND reg_no LIKE 'H-%'") == "40")
        #expect(try s.query("SELECT count(*) FROM entries WHERE kind = 'register' AND reg_no LIKE 'C-%'") == "8")
        #expect(try s.query("SELECT CASE WHEN count(DISTINCT seq) = count(*) AND max(seq) = count(*) THEN 1 ELSE 0 END FROM entries") == "1")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }
}
