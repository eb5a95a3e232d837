import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeIO
import PledgeServer
import PledgeStore
import Testing

@Suite("corrections, periods, audit and users in the browser and the API: the CLI's rules, roles enforced, nothing written on a refusal")
struct AdminPageTests {
    @Test("correct over the API: the amount in 万 (200, history shows before → after); without a reason 422; the 登记号 cannot change (409); an auditor 403")
    func correctAPI() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { r in
                #expect(r.status == .created)
            }
            let before = try s.head()
            let refusals: [(Role, String, HTTPResponse.Status, String?)] = [
                (.clerk, #"{"field": "amount", "value": "2,100", "unit": "万"}"#, .unprocessableContent, "reason"),
                (.clerk, #"{"field": "reg_no", "value": "API-2", "reason": "typo"}"#, .conflict, nil),
                (.clerk, #"{"field": "colour", "value": "red", "reason": "typo"}"#, .unprocessableContent, "field"),
                (.clerk, #"{"field": "uscc", "value": "914403001922038215", "reason": "typo"}"#, .unprocessableContent, "value"),
                (.clerk, #"{"field": "amount", "value": "90,000", "unit": "万", "reason": "typo"}"#, .unprocessableContent, "value"),
                (.auditor, #"{"field": "amount", "value": "2,100", "unit": "万", "reason": "typo"}"#, .forbidden, nil),
            ]
            for (role, body, status, field) in refusals {
                try await client.execute(uri: "/api/v1/registrations/API-1/correct", method: .post, headers: s.headers(role), body: ByteBuffer(string: body)) { r in
                    #expect(r.status == status, "\(body): \(String(buffer: r.body))")
                    if let field { #expect(((json(r.body)["errors"] as? [[String: Any]])?.first?["field"] as? String) == field, "\(body)") }
                    #expect(!String(buffer: r.body).contains("--"), "\(String(buffer: r.body))")
                }
            }
            #expect(try s.head() == before)
            try await client.execute(uri: "/api/v1/registrations/API-1/correct", method: .post, headers: s.headers(.clerk),
                                     body: ByteBuffer(string: #"{"field": "金额", "value": "2,100", "unit": "万", "reason": "银行更正金额"}"#)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
            }
            #expect(try s.ledger.registration("API-1")?.registration.amount.wanDisplay == "2,100.00")
            #expect(try s.ledger.history("API-1").last?.operator == "clerk-用户")
        }
    }

    @Test("the correct and void forms on a registration's page: a broken rule beside its field, what was typed kept (422), nothing written; a good one applies")
    func correctForm() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { _ in }
            let b = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            try await client.execute(uri: "/registrations/API-1", method: .get, headers: b.headers()) { r in
                #expect(String(buffer: r.body).contains("action=\"/registrations/API-1/correct\""))
            }
            let before = try s.head()
            try await client.execute(uri: "/registrations/API-1/correct", method: .post, headers: b.headers(Browser.formType.merging([.acceptLanguage: "zh-CN"])),
                                     body: Browser.form([("csrf", b.csrf!), ("field", "date"), ("value", "2024-02-30"), ("reason", "录错")])) { r in
                #expect(r.status == .unprocessableContent)
                let page = String(buffer: r.body)
                #expect(page.contains("value=\"2024-02-30\" aria-invalid=\"true\"") && page.contains("data-field=\"value\">"), "\(page)")
                #expect(page.contains("<option value=\"date\" selected>") && page.contains("value=\"录错\""))
            }
            try await client.execute(uri: "/registrations/API-1/void", method: .post, headers: b.headers(Browser.formType),
                                     body: Browser.form([("csrf", b.csrf!), ("reason", " ")])) { r in
                #expect(r.status == .unprocessableContent)
                #expect(String(buffer: r.body).contains("<span class=\"error\" data-field=\"reason\">"))
            }
            #expect(try s.head() == before)
            try await client.execute(uri: "/registrations/API-1/correct", method: .post, headers: b.headers(Browser.formType),
                                     body: Browser.form([("csrf", b.csrf!), ("field", "date"), ("value", "2024-02-29"), ("reason", "录错"), ("unit", "万")])) { r in
                #expect(r.status == .seeOther)
            }
            #expect(try s.ledger.registration("API-1")?.registration.regDate.description == "2024-02-29")
        }
    }

    @Test("periods: an admin closes a month from the page (the head shown); a clerk's POST is 403 and closes nothing; everyone sees the list")
    func periods() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { _ in }
            let clerk = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            try await client.execute(uri: "/periods/close", method: .post, headers: clerk.headers(Browser.formType),
                                     body: Browser.form([("csrf", clerk.csrf!), ("month", "2024-03")])) { r in #expect(r.status == .forbidden) }
            #expect(try s.ledger.closedPeriods().isEmpty)
            let admin = try await Browser.signIn(client, "admin-用户", "password-admin")
            try await client.execute(uri: "/periods/close", method: .post, headers: admin.headers(Browser.formType),
                                     body: Browser.form([("csrf", admin.csrf!), ("month", "2024-13")])) { r in #expect(r.status == .unprocessableContent) }
            var page = ""
            try await client.execute(uri: "/periods/close", method: .post, headers: admin.headers(Browser.formType),
                                     body: Browser.form([("csrf", admin.csrf!), ("month", "2024-03")])) { r in
                #expect(r.status == .ok)
                page = String(buffer: r.body)
            }
            #expect(page.contains("head \(try s.head())"))
            #expect(try s.ledger.closedPeriods().map(\.month.description) == ["2024-03"])
            try await client.execute(uri: "/periods", method: .get, headers: clerk.headers()) { r in
                let page = String(buffer: r.body)
                #expect(page.contains("<td>2024-03</td><td>1</td><td>2,000.00</td>") && !page.contains("/periods/close"), "\(page)")
            }
        }
    }

    @Test("audit: the auditor verifies from the page (OK and the head) and sees the findings; a clerk gets 403")
    func audit() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            let auditor = try await Browser.signIn(client, "auditor-用户", "password-auditor")
            let head = try s.head()
            try await client.execute(uri: "/audit?verify=1", method: .get, headers: auditor.headers()) { r in
                let page = String(buffer: r.body)
                #expect(r.status == .ok)
                #expect(page.contains("id=\"verify-result\" class=\"done\"") && page.contains(head), "\(page)")
            }
            let clerk = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            try await client.execute(uri: "/audit", method: .get, headers: clerk.headers()) { r in #expect(r.status == .forbidden) }
        }
    }

    @Test("users: an admin adds a user (the password shown once signs in), resets and disables; a clerk gets 403 and adds no one")
    func users() async throws {
        let s = try ServerLedger()
        try await s.test { client in
            let clerk = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            try await client.execute(uri: "/users", method: .post, headers: clerk.headers(Browser.formType),
                                     body: Browser.form([("csrf", clerk.csrf!), ("name", "新人"), ("role", "clerk")])) { r in #expect(r.status == .forbidden) }
            #expect(try s.ledger.user(named: "新人") == nil)
            let admin = try await Browser.signIn(client, "admin-用户", "password-admin")
            try await client.execute(uri: "/users", method: .post, headers: admin.headers(Browser.formType),
                                     body: Browser.form([("csrf", admin.csrf!), ("name", "新人"), ("role", "boss")])) { r in #expect(r.status == .unprocessableContent) }
            var password = ""
            try await client.execute(uri: "/users", method: .post, headers: admin.headers(Browser.formType),
                                     body: Browser.form([("csrf", admin.csrf!), ("name", "新人"), ("role", "checker")])) { r in
                let page = String(buffer: r.body)
                password = page.range(of: #"password \(shown this once\): [A-Za-z0-9]{16}"#, options: .regularExpression).map { String(page[$0].suffix(16)) } ?? ""
            }
            #expect(password.count == 16)
            _ = try await Browser.signIn(client, "新人", password)
            let path = "新人".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
            try await client.execute(uri: "/users/\(path)/password", method: .post, headers: admin.headers(Browser.formType),
                                     body: Browser.form([("csrf", admin.csrf!)])) { r in
                let page = String(buffer: r.body)
                password = page.range(of: #"\(shown this once\): [A-Za-z0-9]{16}"#, options: .regularExpression).map { String(page[$0].suffix(16)) } ?? ""
            }
            #expect(password.count == 16)
            _ = try await Browser.signIn(client, "新人", password)
            try await client.execute(uri: "/users/\(path)/disable", method: .post, headers: admin.headers(Browser.formType),
                                     body: Browser.form([("csrf", admin.csrf!)])) { r in #expect(r.status == .ok) }
            #expect(try s.ledger.user(named: "新人")?.account.user.disabled == true)
            try await client.execute(uri: "/login", method: .post, headers: Browser.formType, body: Browser.form([("user", "新人"), ("password", password)])) { r in
                #expect(r.status == .unauthorized)
            }
        }
    }
}
