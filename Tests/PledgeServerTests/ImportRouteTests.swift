import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeIO
import PledgeServer
import PledgeStore
import Testing

let sampleFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("SampleData")

let header = "reg_no,reg_date,uscc,enterprise,bank,amount_wan,ip_type,ip_numbers,park\n"
func csv(_ rows: String...) -> ByteBuffer { ByteBuffer(string: header + rows.joined(separator: "\n") + "\n") }
let goodRow = "IMP-1,2024-03-05,914403001922038216,甘肃陇原新材料科技有限公司,兰州银行,100,patent,97101765.4,兰州高新"

/// A browser's file upload: `multipart/form-data` with the fields and one file.
func multipart(_ fields: [(String, String)], file: (name: String, bytes: ByteBuffer)?) -> (HTTPFields, ByteBuffer) {
    let boundary = "----pledgeTestBoundary7MA4YWxkTrZu0gW"
    var body = ByteBuffer()
    for (k, v) in fields { body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n") }
    if var file {
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n")
        body.writeBuffer(&file.bytes)
        body.writeString("\r\n")
    }
    body.writeString("--\(boundary)--\r\n")
    return ([.contentType: "multipart/form-data; boundary=\(boundary)"], body)
}

@Suite("imports over HTTP: the API's dry run and import, the upload page, all or nothing")
struct ImportRouteTests {
    @Test("upload folders a killed server left are removed by the next one after an hour; a fresh one stays")
    func abandonedUploads() async throws {
        let fm = FileManager.default, tmp = NSTemporaryDirectory()
        let old = tmp + "/pledge-uploads-old-\(UUID().uuidString)", fresh = tmp + "/pledge-uploads-new-\(UUID().uuidString)"
        for dir in [old, fresh] {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            #expect(fm.createFile(atPath: dir + "/upload", contents: Data("reg_no\n".utf8), attributes: [.posixPermissions: 0o600]))
        }
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: old)
        let store = UploadStore()
        #expect(!fm.fileExists(atPath: old))
        #expect(fm.fileExists(atPath: fresh + "/upload"))
        try fm.removeItem(atPath: fresh)
        await store.removeAll()
    }

    @Test("the GB18030 sample: a dry run writes nothing; the import writes every row with the clerk as operator; again, all unchanged")
    func sample() async throws {
        let s = try ServerLedger()
        let bytes = ByteBuffer(bytes: try Data(contentsOf: sampleFolder.appendingPathComponent("registrations-gb18030.csv")))
        let before = try s.head()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/imports?dryRun=true&name=sample.csv", method: .post, headers: s.headers(.clerk), body: bytes) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                let doc = json(r.body)
                #expect((doc["new"] as? Int) == 2001 && (doc["dryRun"] as? Bool) == true)
            }
            #expect(try s.head() == before)
            try await client.execute(uri: "/api/v1/imports?name=sample.csv", method: .post, headers: s.headers(.clerk), body: bytes) { r in
                #expect(r.status == .ok)
                let doc = json(r.body)
                #expect((doc["new"] as? Int) == 2001)
                #expect((doc["head"] as? String) == (try? s.head()))
            }
            try await client.execute(uri: "/api/v1/imports", method: .post, headers: s.headers(.clerk), body: bytes) { r in
                #expect((json(r.body)["unchanged"] as? Int) == 2001 && (json(r.body)["new"] as? Int) == 0)
            }
        }
        let count = try s.ledger.query(RegistrationQuery()) { _ in }.registrations
        #expect(count == 2001)
        #expect(try s.ledger.history("Y2021610001735").first?.operator == "clerk-用户")
    }

    @Test("a bad cell: 422 with {row, column, value, rule} in the client's language, the rule naming the API's option; nothing written")
    func invalid() async throws {
        let s = try ServerLedger()
        let before = try s.head()
        try await s.test { client in
            let bad = csv(goodRow, "IMP-2,2024-03-05,914403001922038215,乙,兰州银行,100,patent,201710601862.3,")
            for (language, words) in [("en", Messages(.en, http: true)), ("zh-CN", Messages(.zh, http: true))] {
                try await client.execute(uri: "/api/v1/imports?name=bank.csv", method: .post, headers: s.headers(.clerk, language: language), body: bad) { r in
                    #expect(r.status == .unprocessableContent)
                    let doc = json(r.body)
                    let problems = doc["problems"] as? [[String: Any]] ?? []
                    #expect(problems.count == 1)
                    #expect(problems.first?["row"] as? Int == 3 && problems.first?["column"] as? String == "uscc")
                    #expect(problems.first?["value"] as? String == "914403001922038215")
                    #expect(problems.first?["rule"] as? String == words.rule(.usccCheck(expected: "6")))
                    #expect((problems.first?["rule"] as? String)?.contains("allow_bad_uscc") == true)
                    #expect((problems.first?["rule"] as? String)?.contains("--") == false)
                    #expect(doc["invalid"] as? Int == 1)
                }
            }
            // The option the rule names is taken.
            try await client.execute(uri: "/api/v1/imports?allowBadUscc=true&dryRun=true", method: .post, headers: s.headers(.clerk), body: bad) { r in
                #expect(r.status == .ok)
            }
        }
        #expect(try s.head() == before)
    }

    @Test("a conflict with the ledger is 409 naming the row and 登记号; an auditor may dry-run but not import (403); over 50 MB is 413")
    func conflictsRolesAndSize() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/imports", method: .post, headers: s.headers(.clerk), body: csv(goodRow)) { r in #expect(r.status == .ok) }
            let before = try s.head()
            let changed = goodRow.replacingOccurrences(of: ",100,", with: ",200,")
            try await client.execute(uri: "/api/v1/imports", method: .post, headers: s.headers(.clerk),
                                     body: csv("IMP-3,2024-03-06,914403001922038216,甘肃陇原新材料科技有限公司,兰州银行,5,patent,201710601862.3,", changed)) { r in
                #expect(r.status == .conflict)
                let p = (json(r.body)["problems"] as? [[String: Any]])?.first
                #expect(p?["row"] as? Int == 3 && p?["column"] as? String == "reg_no" && p?["value"] as? String == "IMP-1")
            }
            try await client.execute(uri: "/api/v1/imports?dryRun=true", method: .post, headers: s.headers(.auditor), body: csv(goodRow)) { r in
                #expect(r.status == .ok)
            }
            for role in [Role.auditor, .checker, .admin] {
                try await client.execute(uri: "/api/v1/imports", method: .post, headers: s.headers(role),
                                         body: csv(goodRow.replacingOccurrences(of: "IMP-1", with: "IMP-9"))) { r in #expect(r.status == .forbidden) }
            }
            try await client.execute(uri: "/api/v1/imports", method: .post, headers: s.headers(.clerk),
                                     body: ByteBuffer(repeating: UInt8(ascii: "a"), count: PledgeServer.maxBody + 1)) { r in
                #expect(r.status == .contentTooLarge)
            }
            try await client.execute(uri: "/api/v1/imports?late=true", method: .post, headers: s.headers(.clerk), body: csv(goodRow)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(((json(r.body)["errors"] as? [[String: Any]])?.first?["field"] as? String) == "reason")
            }
            #expect(try s.head() == before)
        }
    }

    @Test("the upload page: a file without the CSRF token is 403; with it, the dry run shows the counts and a confirm button; confirmed, the rows are in")
    func uploadPage() async throws {
        let s = try ServerLedger()
        _ = try s.ledger.addUser(UserRecord(name: "另一位录入员", role: .clerk), passwordHash: Credentials.hash(password: "password-other"))
        let before = try s.head()
        try await s.test { client in
            let b = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            let file = csv(goodRow, goodRow.replacingOccurrences(of: "IMP-1", with: "IMP-2").replacingOccurrences(of: "97101765.4", with: "201710601862.3"))
            let (forgedHeaders, forged) = multipart([], file: ("bank.csv", file))
            try await client.execute(uri: "/import", method: .post, headers: b.headers(forgedHeaders), body: forged) { r in #expect(r.status == .forbidden) }
            let (headers, body) = multipart([("csrf", b.csrf!), ("encoding", "auto")], file: ("bank.csv", file))
            var upload = ""
            try await client.execute(uri: "/import", method: .post, headers: b.headers(headers.merging([.acceptLanguage: "zh-CN"])), body: body) { r in
                #expect(r.status == .ok)
                let page = String(buffer: r.body)
                #expect(page.contains("新增 2，未变 0，冲突 0，无效 0") && page.contains("confirm-import"), "\(page)")
                upload = page.range(of: #"name="upload" value="[0-9a-f]+""#, options: .regularExpression).map { String(page[$0].dropFirst(21).dropLast()) } ?? ""
            }
            #expect(try s.head() == before)
            // Another clerk cannot confirm it: it is not theirs.
            let other = try await Browser.signIn(client, "另一位录入员", "password-other")
            try await client.execute(uri: "/import/confirm", method: .post, headers: other.headers(Browser.formType),
                                     body: Browser.form([("csrf", other.csrf!), ("upload", upload)])) { r in #expect(r.status == .notFound) }
            #expect(try s.head() == before)
            try await client.execute(uri: "/import/confirm", method: .post, headers: b.headers(Browser.formType),
                                     body: Browser.form([("csrf", b.csrf!), ("upload", upload)])) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("import-head"))
            }
            #expect(try s.ledger.registration("IMP-2") != nil)
            // Confirmed once: the upload is gone.
            try await client.execute(uri: "/import/confirm", method: .post, headers: b.headers(Browser.formType),
                                     body: Browser.form([("csrf", b.csrf!), ("upload", upload)])) { r in #expect(r.status == .notFound) }
        }
    }

    @Test("the upload page shows a refused file's problems by row and column and offers no confirmation")
    func uploadRefused() async throws {
        let s = try ServerLedger()
        let before = try s.head()
        try await s.test { client in
            let b = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            let (headers, body) = multipart([("csrf", b.csrf!)], file: ("bank.csv", csv("IMP-5,2024-13-05,914403001922038216,甲,兰州银行,100,patent,97101765.4,")))
            try await client.execute(uri: "/import", method: .post, headers: b.headers(headers), body: body) { r in
                #expect(r.status == .unprocessableContent)
                let page = String(buffer: r.body)
                #expect(page.contains("<td>2</td><td>reg_date</td><td>2024-13-05</td>") && !page.contains("confirm-import"), "\(page)")
                #expect(page.contains("<table id=\"import-problems\">"))
            }
            let (h2, empty) = multipart([("csrf", b.csrf!)], file: nil)
            try await client.execute(uri: "/import", method: .post, headers: b.headers(h2), body: empty) { r in #expect(r.status == .unprocessableContent) }
        }
        #expect(try s.head() == before)
    }
}
