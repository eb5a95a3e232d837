import Foundation
import Hummingbird
import PledgeCore
import PledgeIO
import PledgeStore

/// The bureau's own money, read: each subsidy policy's due, paid and outstanding per park, and every risk pool. The
/// figures are `report subsidy --by park` and `report pool`; writes stay with the CLI.
extension WebPages {
    func money(_ context: PledgeRequestContext) async throws -> Response {
        let l = context.language
        let content = try await PledgeServer.blocking { [ledger] in
            let head = try ledger.head().map { "\($0.seq):\($0.hash)" } ?? "—"
            var tables: [HTMLPage.Table] = []
            for (policy, _) in try ledger.subsidyPolicies() {
                let r = SubsidyGroupReport(totals: try ledger.subsidyTotals(policy: policy.name, by: .park), head: head)
                tables += r.page(language: l).tables
            }
            let pools = PoolReport(pools: try ledger.poolStatuses(), detailed: false, head: head)
            if !pools.pools.isEmpty { tables += pools.page(language: l).tables.prefix(1) }
            let none = tables.isEmpty ? "<p>" + escape(l.pick("尚未设置贴息政策或风险补偿资金池（pledge subsidy policy set、pledge pool set）。",
                                                               "No subsidy policy or risk pool yet (pledge subsidy policy set, pledge pool set).")) + "</p>" : ""
            return none + HTMLPage(language: l, title: l.pick("贴息与风险补偿", "Subsidies and risk pools"), subtitle: "", summary: [], chartSVG: nil,
                                   tables: tables, footer: l.pick("数据截至日志 ", "Journal head ") + head).renderContent()
        }
        return page(context, title: l.pick("贴息与风险池", "Subsidies and pools"), content: content)
    }
}
