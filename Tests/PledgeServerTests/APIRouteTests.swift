import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeIO
import PledgeServer
import PledgeStore
import Testing

/// A ledger with the shipped reference lists and one user of each role, each with an API token.
final class ServerLedger: @unchecked Sendable {
    let directory: URL
    let ledger: Ledger
    var tokens: [Role: String] = [:]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ledger = try Ledger.create(at: directory.appendingPathComponent("ledger.sqlite").path, operatorName: "admin")
        _ = try ledger.initialize(reference: .shipped())
        for role in Role.allCases {
            _ = try ledger.addUser(UserRecord(name: "\(role.rawValue)-用户", role: role), passwordHash: Credentials.hash(password: "password-\(role)"))
            let (token, hash) = Credentials.newToken()
            try ledger.setTokenHash("\(role.rawValue)-用户", hash)
            tokens[role] = token
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func headers(_ role: Role?, language: String? = nil) -> HTTPFields {
        var h = HTTPFields()
        if let role { h[.authorization] = "Bearer \(tokens[role]!)" }
        if let language { h[.acceptLanguage] = language }
        h[.contentType] = "application/json"
        return h
    }

    func head() throws -> String { try ledger.head().map { "\($0.seq):\($0.hash)" } ?? "" }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: PledgeServer.router(ledger: ledger, log: { _ in }))
        try await app.test(.router, body)
    }
}

func json(_ buffer: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]) ?? [:]
}

let validBody = """
    {"reg_no": "API-1", "reg_date": "2024-03-05", "uscc": "914403001922038216", "enterprise": "甘肃陇原新材料科技有限公司",
     "bank": "兰州银行城关支行", "amount_wan": 2000, "ip_numbers": ["97101765.4"], "park": "兰州高新", "rywq": true}
    """

@Suite("the HTTP API: roles, statuses, the CLI's rules and words, nothing written on a refusal")
struct APIRouteTests {
    @Test("healthz needs no sign-in; every API route needs one (401 JSON), a wrong token is 401 too")
    func authentication() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body) == "ok")
            }
            for uri in ["/api/v1/progress", "/api/v1/registrations", "/api/v1/registrations/X", "/api/v1/audit/verify"] {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .unauthorized, "\(uri)")
                    #expect(json(r.body)["error"] != nil)
                }
            }
            var wrong = HTTPFields()
            wrong[.authorization] = "Bearer plg_0000"
            try await client.execute(uri: "/api/v1/progress", method: .get, headers: wrong) { r in #expect(r.status == .unauthorized) }
        }
    }

    @Test("security headers on every answer; an unknown path is 404 JSON")
    func headersAndNotFound() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/nowhere", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(json(r.body)["error"] as? String == "not found")
                #expect(r.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test("a clerk registers (201, the clerk is the entry's operator); progress shows it; the same 登记号 again is 409")
    func register() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
                #expect(json(r.body)["regNo"] as? String == "API-1")
            }
            let before = try s.head()
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { r in
                #expect(r.status == .conflict)
            }
            #expect(try s.head() == before)
            try await client.execute(uri: "/api/v1/progress?asOf=2024-12-31", method: .get, headers: s.headers(.auditor)) { r in
                #expect(r.status == .ok)
                #expect((json(r.body)["achievedFen"] as? NSNumber)?.int64Value == 2_000_000_000)
            }
            try await client.execute(uri: "/api/v1/registrations/API-1", method: .get, headers: s.headers(.auditor)) { r in
                #expect(json(r.body)["bank"] as? String == "兰州银行")
                #expect(json(r.body)["branch"] as? String == "城关支行")
            }
        }
        let entry = try #require(try s.ledger.history("API-1").first)
        #expect(entry.operator == "clerk-用户")
    }

    @Test("every role but clerk is refused a registration (403) and nothing is written", arguments: [Role.admin, .checker, .auditor])
    func forbidden(_ role: Role) async throws {
        let s = try ServerLedger()
        let before = try s.head()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(role), body: ByteBuffer(string: validBody)) { r in
                #expect(r.status == .forbidden)
            }
        }
        #expect(try s.head() == before)
    }

    @Test("a body that breaks rules: 422 listing every broken rule with the CLI's words, in the client's language; nothing written")
    func invalid() async throws {
        let s = try ServerLedger()
        let before = try s.head()
        let bad = validBody.replacingOccurrences(of: "914403001922038216", with: "914403001922038215")
            .replacingOccurrences(of: "2024-03-05", with: "2024-13-05")
        for (language, messages) in [("zh-CN,zh;q=0.9", Messages(.zh, http: true)), ("en", Messages(.en, http: true))] {
            try await s.test { client in
                try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk, language: language), body: ByteBuffer(string: bad)) { r in
                    #expect(r.status == .unprocessableContent)
                    let errors = json(r.body)["errors"] as? [[String: String]] ?? []
                    #expect(Set(errors.map { $0["field"] ?? "" }) == ["uscc", "reg_date"], "\(errors)")
                    #expect(errors.contains { $0["rule"] == messages.rule(.usccCheck(expected: "6")) }, "\(errors)")
                    #expect(errors.contains { $0["rule"] == messages.rule(.notADate) }, "\(errors)")
                }
                for body in ["not json", "[1, 2]", #"{"reg_no": {"x": 1}}"#, #"{"colour": "red"}"#] {
                    try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: body)) { r in
                        #expect(r.status == .unprocessableContent, "\(body)")
                        #expect((json(r.body)["errors"] as? [[String: String]])?.isEmpty == false, "\(body)")
                    }
                }
            }
        }
        #expect(try s.head() == before)
    }

    @Test("an amount far outside the ledger's range needs confirm_amount; a right still held needs allow_double_pledge with a reason")
    func costlyMistakes() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { r in
                #expect(r.status == .created)
            }
            let before = try s.head()
            let big = validBody.replacingOccurrences(of: "API-1", with: "API-2").replacingOccurrences(of: "2000", with: "60000")
                .replacingOccurrences(of: "97101765.4", with: "201710601862.3")
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: big)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(String(buffer: r.body).contains("amount_wan"))
            }
            let double = validBody.replacingOccurrences(of: "API-1", with: "API-3")
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: double)) { r in
                #expect(r.status == .conflict)
            }
            #expect(try s.head() == before)
            let confirmed = big.replacingOccurrences(of: "\"rywq\": true", with: "\"rywq\": true, \"confirm_amount\": true")
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: confirmed)) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
            }
        }
    }

    @Test("the listing takes the auditor's filters and pages; history and show answer 404 for an unknown 登记号")
    func listing() async throws {
        let s = try ServerLedger()
        for i in 1...3 {
            var r = try RegistrationValidator(reference: s.ledger.reference(), today: CivilDate.today()).validate(RegistrationInput(values: [
                .regNo: "L-\(i)", .regDate: "2024-0\(i)-05", .uscc: "914403001922038216", .enterprise: "甲", .bank: "兰州银行",
                .amount: "\(i)00", .ipNumbers: ["97101765.4", "201710601862.3", "201410362077.3"][i - 1], .park: i == 2 ? "兰州新区" : "",
            ], amountUnit: .wan)).get()
            r.notes = nil
            _ = try s.ledger.register(r)
        }
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations?limit=1&offset=1", method: .get, headers: s.headers(.auditor)) { r in
                let doc = json(r.body)
                #expect((doc["registrations"] as? [[String: Any]])?.map { $0["regNo"] as? String } == ["L-2"])
                #expect(((doc["totals"] as? [String: Any])?["registrations"] as? NSNumber)?.intValue == 3)
            }
            let park = "兰州新区".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            try await client.execute(uri: "/api/v1/registrations?park=\(park)", method: .get, headers: s.headers(.auditor)) { r in
                #expect((json(r.body)["registrations"] as? [[String: Any]])?.map { $0["regNo"] as? String } == ["L-2"])
            }
            try await client.execute(uri: "/api/v1/registrations?status=lost", method: .get, headers: s.headers(.auditor)) { r in
                #expect(r.status == .unprocessableContent)
            }
            for uri in ["/api/v1/registrations/NONE", "/api/v1/registrations/NONE/history"] {
                try await client.execute(uri: uri, method: .get, headers: s.headers(.auditor)) { r in #expect(r.status == .notFound, "\(uri)") }
            }
            try await client.execute(uri: "/api/v1/registrations/L-1/history", method: .get, headers: s.headers(.clerk)) { r in
                #expect((json(r.body)["entries"] as? [Any])?.count == 1)
            }
        }
    }

    @Test("audit verify: auditors and admins only; a disabled user's token stops working")
    func verifyAndDisabled() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            for (role, status) in [(Role.auditor, HTTPResponse.Status.ok), (.admin, .ok), (.clerk, .forbidden), (.checker, .forbidden)] {
                try await client.execute(uri: "/api/v1/audit/verify", method: .get, headers: s.headers(role)) { r in
                    #expect(r.status == status, "\(role)")
                    if status == .ok { #expect(json(r.body)["ok"] as? Bool == true) }
                }
            }
            _ = try s.ledger.updateUser("auditor-用户") { $0.disabled = true }
            try await client.execute(uri: "/api/v1/progress", method: .get, headers: s.headers(.auditor)) { r in #expect(r.status == .unauthorized) }
        }
        #expect(try s.ledger.verify().isClean)
    }

    @Test("monthly: the CLI's JSON by park, a CSV with a BOM for Excel; a bad grouping or month is 422")
    func monthly() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { r in
                #expect(r.status == .created)
            }
            try await client.execute(uri: "/api/v1/monthly?from=2024-01&to=2024-12&by=park", method: .get, headers: s.headers(.auditor)) { r in
                #expect(r.status == .ok)
                let rows = json(r.body)["rows"] as? [[String: Any]] ?? []
                let march = rows.first { $0["month"] as? String == "2024-03" }
                #expect(march?["group"] as? String == "兰州高新技术产业开发区", "\(rows)")
                #expect((march?["amountFen"] as? NSNumber)?.int64Value == 2_000_000_000, "\(String(buffer: r.body).prefix(600))")
            }
            try await client.execute(uri: "/api/v1/monthly?from=2024-01&to=2024-12&format=csv", method: .get, headers: s.headers(.auditor)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(Array(r.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            }
            for uri in ["/api/v1/monthly?by=city", "/api/v1/monthly?from=2024-13", "/api/v1/monthly?from=2025-01&to=2024-01"] {
                try await client.execute(uri: uri, method: .get, headers: s.headers(.auditor)) { r in #expect(r.status == .unprocessableContent, "\(uri)") }
            }
        }
    }

    @Test("lifecycle over the API: release (200 with seq and hash), a second release 409, void without a reason 422, an auditor 403")
    func lifecycle() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { r in
                #expect(r.status == .created)
            }
            try await client.execute(uri: "/api/v1/registrations/API-1/release", method: .post, headers: s.headers(.auditor),
                                     body: ByteBuffer(string: #"{"date": "2024-06-01"}"#)) { r in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/api/v1/registrations/API-1/release", method: .post, headers: s.headers(.clerk),
                                     body: ByteBuffer(string: #"{"date": "2024-06-01", "reason": "已还款"}"#)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                #expect((json(r.body)["seq"] as? NSNumber) != nil && json(r.body)["hash"] is String)
            }
            let before = try s.head()
            try await client.execute(uri: "/api/v1/registrations/API-1/release", method: .post, headers: s.headers(.clerk),
                                     body: ByteBuffer(string: #"{"date": "2024-06-02"}"#)) { r in #expect(r.status == .conflict) }
            try await client.execute(uri: "/api/v1/registrations/API-1/void", method: .post, headers: s.headers(.clerk),
                                     body: ByteBuffer(string: "{}")) { r in #expect(r.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/registrations/NONE/extend", method: .post, headers: s.headers(.clerk),
                                     body: ByteBuffer(string: #"{"maturity": "2030-01-01"}"#)) { r in #expect(r.status == .notFound) }
            #expect(try s.head() == before)
        }
        #expect(try s.ledger.registration("API-1")?.status == .released)
        #expect(try s.ledger.verify().isClean)
    }

    @Test("a report answered again for the same journal head is the same; a write by another process (the CLI) changes the next answer")
    func answersFollowTheJournal() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            func achieved() async throws -> Int64? {
                var fen: Int64?
                try await client.execute(uri: "/api/v1/progress?asOf=2024-12-31", method: .get, headers: s.headers(.auditor)) { r in
                    fen = (json(r.body)["achievedFen"] as? NSNumber)?.int64Value
                }
                return fen
            }
            #expect(try await achieved() == 0)
            #expect(try await achieved() == 0)
            var r = try RegistrationValidator(reference: s.ledger.reference(), today: CivilDate.today()).validate(RegistrationInput(values: [
                .regNo: "CLI-1", .regDate: "2024-03-05", .uscc: "914403001922038216", .enterprise: "甲", .bank: "兰州银行",
                .amount: "300", .ipNumbers: "97101765.4",
            ], amountUnit: .wan)).get()
            r.notes = nil
            _ = try Ledger.open(at: s.ledger.path, readOnly: false, operatorName: "另一进程").register(r)
            #expect(try await achieved() == 300_000_000)
        }
    }
}
