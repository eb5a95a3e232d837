import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeIO
import PledgeServer
import PledgeStore
import Testing

/// Approvals over HTTP and in the pages: the clerk's write is 202 `{proposal}`, a checker who did not make it approves
/// or rejects it, the maker and the wrong roles get 403, and nothing is written on a refusal.
@Suite("approvals over HTTP: 202 proposals, approve and reject, 403 for the maker and the wrong roles")
struct ApprovalRouteTests {
    func ledger() throws -> ServerLedger {
        let s = try ServerLedger()
        _ = try s.ledger.setApproval(.required)
        return s
    }

    @Test("a clerk's registration is 202 {proposal} in no total; the checker approves it; the registration's history names both")
    func makerAndChecker() async throws {
        let s = try ledger()
        try await s.test { client in
            var n: Int64 = 0
            try await client.execute(uri: "/api/v1/registrations", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: validBody)) { r in
                #expect(r.status == .accepted, "\(String(buffer: r.body))")
                n = (json(r.body)["proposal"] as? NSNumber)?.int64Value ?? 0
            }
            #expect(n > 0)
            try await client.execute(uri: "/api/v1/registrations/API-1", method: .get, headers: s.headers(.auditor)) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/api/v1/progress?asOf=2024-12-31", method: .get, headers: s.headers(.auditor)) { r in
                #expect((json(r.body)["achievedFen"] as? NSNumber)?.int64Value == 0)
                #expect((json(r.body)["pendingFen"] as? NSNumber)?.int64Value == 2_000_000_000)
            }
            for role in [Role.clerk, .auditor] {
                try await client.execute(uri: "/api/v1/proposals/\(n)/approve", method: .post, headers: s.headers(role)) { r in #expect(r.status == .forbidden) }
            }
            try await client.execute(uri: "/api/v1/proposals?status=pending", method: .get, headers: s.headers(.checker)) { r in
                let list = json(r.body)["proposals"] as? [[String: Any]] ?? []
                #expect(list.count == 1 && list.first?["proposer"] as? String == "clerk-用户")
            }
            try await client.execute(uri: "/api/v1/proposals/\(n)/approve", method: .post, headers: s.headers(.checker)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                #expect(json(r.body)["status"] as? String == "approved")
            }
            try await client.execute(uri: "/api/v1/registrations/API-1/history", method: .get, headers: s.headers(.auditor)) { r in
                let entries = json(r.body)["entries"] as? [[String: Any]] ?? []
                let register = entries.first { $0["kind"] as? String == "register" }
                #expect(register?["proposer"] as? String == "clerk-用户")
                #expect(register?["approver"] as? String == "checker-用户")
                #expect(register?["operator"] as? String == "checker-用户")
            }
        }
        #expect(try s.ledger.verify().isClean)
    }

    @Test("the maker approving: 403 with the rule in zh and en, nothing written; a second decision: 409")
    func makerRefused() async throws {
        let s = try ledger()
        let proposal = try s.ledger.acting(as: "checker-用户").register(sampleRegistration())
        #expect(proposal.isProposal)
        let before = try s.head()
        try await s.test { client in
            for (language, words) in [("en", "another person must decide it"), ("zh-CN", "须由另一人审批")] {
                try await client.execute(uri: "/api/v1/proposals/\(proposal.seq)/approve", method: .post, headers: s.headers(.checker, language: language)) { r in
                    #expect(r.status == .forbidden)
                    #expect((json(r.body)["error"] as? String)?.contains(words) == true, "\(String(buffer: r.body))")
                }
            }
            #expect(try s.head() == before)
            try await client.execute(uri: "/api/v1/proposals/\(proposal.seq)/reject", method: .post, headers: s.headers(.admin),
                                     body: ByteBuffer(string: #"{"reason": ""}"#)) { r in #expect(r.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/proposals/\(proposal.seq)/reject", method: .post, headers: s.headers(.admin),
                                     body: ByteBuffer(string: #"{"reason": "金额有误"}"#)) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/v1/proposals/\(proposal.seq)/approve", method: .post, headers: s.headers(.admin)) { r in
                #expect(r.status == .conflict)
            }
            try await client.execute(uri: "/api/v1/proposals/999/approve", method: .post, headers: s.headers(.admin)) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/api/v1/proposals/x", method: .get, headers: s.headers(.admin)) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/api/v1/proposals?status=maybe", method: .get, headers: s.headers(.admin)) { r in
                #expect(r.status == .unprocessableContent)
            }
        }
        #expect(try s.ledger.proposal(proposal.seq)?.status == .rejected)
    }

    @Test("the setting: an admin only (403 otherwise), a bad value is 422; lifecycle writes and imports are proposals too")
    func settingAndOtherWrites() async throws {
        let s = try ServerLedger()
        _ = try s.ledger.register(sampleRegistration())
        try await s.test { client in
            try await client.execute(uri: "/api/v1/settings/approval", method: .post, headers: s.headers(.clerk), body: ByteBuffer(string: #"{"value":"off"}"#)) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/settings/approval", method: .post, headers: s.headers(.admin), body: ByteBuffer(string: #"{"value":"maybe"}"#)) { r in
                #expect(r.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/settings/approval", method: .post, headers: s.headers(.admin), body: ByteBuffer(string: #"{"value":"required"}"#)) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/api/v1/registrations/Y2024620000001/void", method: .post, headers: s.headers(.clerk),
                                     body: ByteBuffer(string: #"{"reason":"误录"}"#)) { r in
                #expect(r.status == .accepted, "\(String(buffer: r.body))")
            }
            #expect(try s.ledger.registration("Y2024620000001")?.status == .active)
            // The bank's GB18030 file: one proposal for the whole file, approved in one step.
            let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../SampleData/registrations-gb18030.csv").standardized
            var proposal: Int64 = 0
            try await client.execute(uri: "/api/v1/imports?name=bank-gb18030.csv", method: .post, headers: s.headers(.clerk),
                                     body: ByteBuffer(data: try Data(contentsOf: sample))) { r in
                #expect(r.status == .accepted, "\(String(buffer: r.body))")
                #expect((json(r.body)["new"] as? NSNumber)?.intValue == 2001)
                proposal = (json(r.body)["proposal"] as? NSNumber)?.int64Value ?? 0
            }
            #expect(try s.ledger.proposals(status: .pending, proposer: "clerk-用户").map(\.action) == [.import, .void])
            #expect(try s.ledger.registration("Y2021610001735") == nil)
            try await client.execute(uri: "/api/v1/proposals/\(proposal)/approve", method: .post, headers: s.headers(.checker)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
            }
            try await client.execute(uri: "/api/v1/registrations?limit=1", method: .get, headers: s.headers(.auditor)) { r in
                #expect((json(r.body)["totals"] as? [String: Any])?["registrations"] as? Int == 2002, "\(String(buffer: r.body).prefix(300))")
            }
        }
        #expect(try s.ledger.verify().isClean)
    }

    @Test("the pages: the clerk's form lands on the proposal; the checker sees it to approve, approves it with CSRF; the maker sees no button")
    func pages() async throws {
        let s = try ledger()
        try await s.test { client in
            let clerk = try await Browser.signIn(client, "clerk-用户", "password-clerk")
            var location = ""
            try await client.execute(uri: "/register", method: .post, headers: clerk.headers(Browser.formType), body: Browser.form([
                ("csrf", clerk.csrf ?? ""), ("reg_no", "WEB-1"), ("reg_date", "2024-03-05"), ("uscc", "914403001922038216"),
                ("enterprise", "甘肃示例科技有限公司"), ("bank", "兰州银行"), ("amount", "100"), ("unit", "万"), ("ip_numbers", "97101765.4"),
            ])) { r in
                #expect(r.status == .seeOther, "\(String(buffer: r.body))")
                location = r.headers[.location] ?? ""
            }
            #expect(location.hasPrefix("/proposals/"))
            try await client.execute(uri: location, method: .get, headers: clerk.headers()) { r in
                let page = String(buffer: r.body)
                #expect(page.contains("id=\"own\"") && !page.contains("id=\"approve\""))
                #expect(page.contains("WEB-1") && page.contains("100.00 万元"))
            }
            let checker = try await Browser.signIn(client, "checker-用户", "password-checker")
            try await client.execute(uri: "/proposals", method: .get, headers: checker.headers()) { r in
                #expect(String(buffer: r.body).contains("href=\"\(location)\""))
            }
            try await client.execute(uri: location + "/approve", method: .post, headers: checker.headers(Browser.formType),
                                     body: Browser.form([("csrf", "forged")])) { r in #expect(r.status == .forbidden) }
            #expect(try s.ledger.registration("WEB-1") == nil)
            try await client.execute(uri: location + "/approve", method: .post, headers: checker.headers(Browser.formType),
                                     body: Browser.form([("csrf", checker.csrf ?? "")])) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("id=\"done\""))
            }
            #expect(try s.ledger.registration("WEB-1") != nil)
            try await client.execute(uri: "/registrations/WEB-1", method: .get, headers: clerk.headers()) { r in
                let page = String(buffer: r.body)
                #expect(page.contains("clerk-用户") && page.contains("checker-用户"))
            }
            // A correction proposed from the registration's page: its proposal shows the registration after it, and the change.
            try await client.execute(uri: "/registrations/WEB-1/correct", method: .post, headers: clerk.headers(Browser.formType), body: Browser.form([
                ("csrf", clerk.csrf ?? ""), ("field", "amount"), ("value", "120"), ("unit", "万"), ("reason", "银行更正"),
            ])) { r in
                #expect(r.status == .seeOther, "\(String(buffer: r.body))")
                location = r.headers[.location] ?? ""
            }
            try await client.execute(uri: location, method: .get, headers: checker.headers()) { r in
                let page = String(buffer: r.body)
                #expect(page.contains("id=\"after\"") && page.contains("120.00 万元"))
                #expect(page.contains("100.00 万元 → 120.00 万元"))
            }
            #expect(try s.ledger.registration("WEB-1")?.registration.amount == Fen(100 * MoneyUnit.wan.fenPerUnit))
        }
        #expect(try s.ledger.verify().isClean)
    }
}

/// A valid registration for the store, without going through HTTP.
private func sampleRegistration() -> Registration {
    Registration(regNo: "Y2024620000001", regDate: try! CivilDate.parse("2024-03-05"), uscc: "914403001922038216", enterprise: "甘肃示例科技有限公司",
                 bank: "兰州银行", amount: Fen(100 * MoneyUnit.wan.fenPerUnit), ipType: .patent, ipNumbers: ["201710601862.3"])
}
