import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeIO
import PledgeServer
import PledgeStore
import Testing

/// `GET /api/v1/subsidy` and `GET /api/v1/pools` on the demo data: the figures the store computes, 401 without a token,
/// 422 with the CLI's words for an unknown policy.
@Suite("subsidies and pools over HTTP and on the money page")
struct MoneyRouteTests {
    @Test("the subsidy owed per enterprise and per park, and a pool's losses, as the CLI's JSON; refusals")
    func money() async throws {
        let s = try ServerLedger()
        try DemoData(reference: .shipped(), today: CivilDate.today()).fill(s.ledger, count: 400, seed: 3)
        let statement = try s.ledger.subsidyStatement(policy: "2025年贴息", uscc: nil)
        let pool = try s.ledger.poolStatus("全省风险补偿资金池")
        #expect(statement.totalDue.value > 0 && !pool.losses.isEmpty)
        try await s.test { client in
            let policy = "2025%E5%B9%B4%E8%B4%B4%E6%81%AF"
            try await client.execute(uri: "/api/v1/subsidy?policy=\(policy)", method: .get, headers: [:]) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/subsidy?policy=\(policy)", method: .get, headers: s.headers(.auditor)) { r in
                #expect(r.status == .ok)
                #expect((json(r.body)["totalDueFen"] as? NSNumber)?.int64Value == statement.totalDue.value)
                #expect((json(r.body)["enterprises"] as? [[String: Any]])?.count == statement.enterprises.count)
            }
            try await client.execute(uri: "/api/v1/subsidy?policy=\(policy)&by=park", method: .get, headers: s.headers(.clerk)) { r in
                let rows = json(r.body)["rows"] as? [[String: Any]] ?? []
                #expect(rows.reduce(Int64(0)) { $0 + (($1["dueFen"] as? NSNumber)?.int64Value ?? 0) } == statement.totalDue.value)
            }
            try await client.execute(uri: "/api/v1/subsidy?policy=nope", method: .get, headers: s.headers(.auditor, language: "zh-CN")) { r in
                #expect(r.status == .unprocessableContent && String(buffer: r.body).contains("没有名为 nope 的贴息政策"), "\(String(buffer: r.body))")
            }
            let b = try await Browser.signIn(client, "auditor-用户", "password-auditor")
            try await client.execute(uri: "/money?lang=zh", method: .get, headers: b.headers()) { r in
                let page = String(buffer: r.body)
                #expect(r.status == .ok)
                #expect(page.contains("贴息政策 2025年贴息") && page.contains("全省风险补偿资金池"), "\(page.prefix(2000))")
                #expect(page.contains(SubsidyReport.shown(statement.totalDue)) && page.contains(SubsidyReport.shown(pool.payouts)))
            }
            try await client.execute(uri: "/api/v1/pools?pool=%E5%85%A8%E7%9C%81%E9%A3%8E%E9%99%A9%E8%A1%A5%E5%81%BF%E8%B5%84%E9%87%91%E6%B1%A0", method: .get,
                                     headers: s.headers(.auditor)) { r in
                #expect(r.status == .ok)
                #expect((json(r.body)["payoutsFen"] as? NSNumber)?.int64Value == pool.payouts.value)
                #expect((json(r.body)["losses"] as? [[String: Any]])?.count == pool.losses.count)
            }
        }
    }
}
