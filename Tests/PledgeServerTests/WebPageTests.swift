import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeIO
import PledgeServer
import PledgeStore
import Testing

/// What a browser does: form posts with cookies, redirects, pages.
struct Browser {
    var cookie: String?
    var csrf: String?

    func headers(_ extra: HTTPFields = [:]) -> HTTPFields {
        var h = extra
        if let cookie { h[.cookie] = cookie }
        return h
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    static let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Signs in as `user` with `password`; the session cookie and the CSRF token of the first page.
    static func signIn(_ client: some TestClientProtocol, _ user: String, _ password: String) async throws -> Browser {
        var b = Browser()
        try await client.execute(uri: "/login", method: .post, headers: formType, body: form([("user", user), ("password", password)])) { r in
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/")
            let setCookie = r.headers[.setCookie] ?? ""
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), "\(setCookie)")
            b.cookie = setCookie.split(separator: ";").first.map(String.init)
        }
        try await client.execute(uri: "/", method: .get, headers: b.headers()) { r in
            let page = String(buffer: r.body)
            b.csrf = page.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression)
                .map { String(page[$0].dropFirst(19).dropLast()) }
        }
        return b
    }
}

@Suite("the web pages: sign-in, sessions, CSRF, roles, the register form")
struct WebPageTests {
    @Test("a page without a session goes to the sign-in page; a wrong password is 401 and sets no cookie")
    func signIn() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/registrations", method: .get) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/login")
            }
            try await client.execute(uri: "/login", method: .post, headers: Browser.formType,
                                     body: Browser.form([("user", "clerk-用户"), ("password", "wrong")])) { r in
                #expect(r.status == .unauthorized)
                #expect(r.headers[.setCookie]?.contains("pledge_session=") != true)
                #expect(String(buffer: r.body).contains("login-error"))
            }
            let b = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            #expect(b.csrf?.count == 64)
            try await client.execute(uri: "/", method: .get, headers: b.headers([.acceptLanguage: "zh-CN"])) { r in
                #expect(r.status == .ok)
                let page = String(buffer: r.body)
                #expect(page.contains("甘肃省知识产权质押融资进度报告") && page.contains("class=\"headline\""), "\(page.prefix(300))")
                // A page names no command-line command: the loans past maturity are counted, the CLI's hint is not shown.
                #expect(page.contains("已到期未注销") && !page.contains("pledge check"))
                #expect(r.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            }
        }
    }

    @Test("after 5 failed sign-ins within 15 minutes a name is refused with 429, even with the right password")
    func throttled() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            for _ in 0..<5 {
                try await client.execute(uri: "/login", method: .post, headers: Browser.formType,
                                         body: Browser.form([("user", "auditor-用户"), ("password", "nope")])) { r in #expect(r.status == .unauthorized) }
            }
            try await client.execute(uri: "/login", method: .post, headers: Browser.formType,
                                     body: Browser.form([("user", "auditor-用户"), ("password", "password-auditor")])) { r in
                #expect(r.status == .tooManyRequests)
            }
            // Another name is not affected.
            _ = try await Browser.signIn(client, "clerk-用户", "password-clerk")
        }
    }

    @Test("the register form: without the CSRF token 403; a wrong USCC shown beside its field with what was typed, nothing written; fixed, it is registered")
    func registerForm() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            let b = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            var fields = [("reg_no", "WEB-1"), ("reg_date", "2024-03-05"), ("uscc", "914403001922038215"), ("enterprise", "甘肃陇原新材料科技有限公司"),
                          ("bank", "兰州银行城关支行"), ("amount", "2,000"), ("unit", "万"), ("ip_numbers", "97101765.4")]
            let before = try s.head()
            try await client.execute(uri: "/register", method: .post, headers: b.headers(Browser.formType), body: Browser.form(fields)) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(uri: "/register", method: .post, headers: b.headers(Browser.formType),
                                     body: Browser.form([("csrf", (b.csrf!.hasPrefix("0") ? "1" : "0") + String(b.csrf!.dropFirst()))] + fields)) { r in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/register", method: .post, headers: b.headers(Browser.formType.merging([.acceptLanguage: "zh-CN"])),
                                     body: Browser.form([("csrf", b.csrf!)] + fields)) { r in
                #expect(r.status == .unprocessableContent)
                let page = String(buffer: r.body)
                #expect(page.contains("data-field=\"uscc\">" + Messages(.zh, http: true).rule(.usccCheck(expected: "6"))), "\(page)")
                #expect(page.contains("value=\"914403001922038215\"") && page.contains("value=\"甘肃陇原新材料科技有限公司\""))
                #expect(page.contains("value=\"914403001922038215\" placeholder=\"914403001922038216\" aria-invalid=\"true\""), "the field is marked")
            }
            #expect(try s.head() == before)
            fields[2] = ("uscc", "914403001922038216")
            try await client.execute(uri: "/register", method: .post, headers: b.headers(Browser.formType), body: Browser.form([("csrf", b.csrf!)] + fields)) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/registrations/WEB-1")
            }
            try await client.execute(uri: "/registrations/WEB-1", method: .get, headers: b.headers()) { r in
                let page = String(buffer: r.body)
                #expect(page.contains("2,000.00 万元") && page.contains("clerk-用户"), "\(page)")
            }
        }
        #expect(try s.ledger.registration("WEB-1")?.registration.amount.value == 2_000_000_000)
        #expect(try s.ledger.history("WEB-1").first?.operator == "clerk-用户")
    }

    @Test("an auditor sees no write control, and a forged registration with the auditor's own valid CSRF token is 403")
    func auditor() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            let b = try await Browser.signIn(client, "auditor-用户", "password-auditor")
            for uri in ["/", "/registrations"] {
                try await client.execute(uri: uri, method: .get, headers: b.headers()) { r in
                    let page = String(buffer: r.body)
                    #expect(r.status == .ok)
                    #expect(!page.contains("href=\"/register\"") && !page.contains("action=\"/register\""), "\(uri)")
                }
            }
            let before = try s.head()
            try await client.execute(uri: "/register", method: .post, headers: b.headers(Browser.formType),
                                     body: Browser.form([("csrf", b.csrf!), ("reg_no", "X-1"), ("reg_date", "2024-03-05"), ("uscc", "914403001922038216"),
                                                         ("enterprise", "甲"), ("bank", "兰州银行"), ("amount", "1"), ("ip_numbers", "97101765.4")])) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(uri: "/register", method: .get, headers: b.headers()) { r in #expect(r.status == .forbidden) }
            #expect(try s.head() == before)
        }
    }

    @Test("the registrations page filters by park name or prefix and pages; signing out ends the session")
    func listingAndSignOut() async throws {
        let s = try ServerLedger()
        for (i, park) in ["兰州新区", "", "兰州新区"].enumerated() {
            let r = try RegistrationValidator(reference: s.ledger.reference(), today: CivilDate.today()).validate(RegistrationInput(values: [
                .regNo: "P-\(i)", .regDate: "2024-0\(i + 1)-05", .uscc: "914403001922038216", .enterprise: "甲", .bank: "兰州银行",
                .amount: "10", .ipNumbers: ["97101765.4", "201710601862.3", "201410362077.3"][i], .park: park,
            ], amountUnit: .wan)).get()
            _ = try s.ledger.register(r)
        }
        try await s.test { client in
            let b = try await Browser.signIn(client, "auditor-用户", "password-auditor")
            let park = "兰州新区".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            try await client.execute(uri: "/registrations?park=\(park)", method: .get, headers: b.headers([.acceptLanguage: "en"])) { r in
                let page = String(buffer: r.body)
                #expect(page.contains("/registrations/P-0") && page.contains("/registrations/P-2") && !page.contains("/registrations/P-1"))
                #expect(page.contains("2 registrations, 20.00 万元"), "\(page)")
            }
            try await client.execute(uri: "/registrations?park=zz", method: .get, headers: b.headers()) { r in
                #expect(r.status == .unprocessableContent)
            }
            try await client.execute(uri: "/logout", method: .post, headers: b.headers(Browser.formType), body: Browser.form([("csrf", b.csrf!)])) { r in
                #expect(r.status == .seeOther)
            }
            try await client.execute(uri: "/registrations", method: .get, headers: b.headers()) { r in #expect(r.status == .seeOther) }
        }
    }

    @Test("a clerk releases a registration from its page; a second release is refused at the top of the page (409); auditors get no such form")
    func lifecycleForms() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { r in
                #expect(r.status == .created)
            }
            let clerk = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            try await client.execute(uri: "/registrations/API-1", method: .get, headers: clerk.headers()) { r in
                #expect(String(buffer: r.body).contains("action=\"/registrations/API-1/release\""))
            }
            try await client.execute(uri: "/registrations/API-1/release", method: .post, headers: clerk.headers(Browser.formType),
                                     body: Browser.form([("csrf", clerk.csrf!), ("date", "2024-06-01"), ("reason", "已还款")])) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/registrations/API-1")
            }
            let before = try s.head()
            try await client.execute(uri: "/registrations/API-1/release", method: .post, headers: clerk.headers(Browser.formType.merging([.acceptLanguage: "zh-CN"])),
                                     body: Browser.form([("csrf", clerk.csrf!), ("date", "2024-06-02")])) { r in
                #expect(r.status == .conflict)
                #expect(String(buffer: r.body).contains("id=\"problem\""))
            }
            try await client.execute(uri: "/registrations/API-1/void", method: .post, headers: clerk.headers(Browser.formType),
                                     body: Browser.form([("csrf", clerk.csrf!), ("reason", "")])) { r in #expect(r.status == .unprocessableContent) }
            #expect(try s.head() == before)

            let auditor = try await Browser.signIn(client, "auditor-用户", "password-auditor")
            try await client.execute(uri: "/registrations/API-1", method: .get, headers: auditor.headers()) { r in
                #expect(!String(buffer: r.body).contains("/registrations/API-1/"))
            }
            try await client.execute(uri: "/registrations/API-1/extend", method: .post, headers: auditor.headers(Browser.formType),
                                     body: Browser.form([("csrf", auditor.csrf!), ("maturity", "2030-01-01")])) { r in #expect(r.status == .forbidden) }
            #expect(try s.head() == before)
        }
        #expect(try s.ledger.registration("API-1")?.status == .released)
        #expect(try s.ledger.history("API-1").last?.operator == "clerk-用户")
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var h = self
        for f in other { h.append(f) }
        return h
    }
}
