import Foundation
import Hummingbird
import PledgeCore
import PledgeIO
import PledgeStore

/// Subsidies and risk pools over the JSON API (CONTRACT "Subsidies and risk pools"), read-only: the same keys as
/// `subsidy compute`, `report subsidy` and `report pool` with `--format json`; `format=xlsx` for a workbook.
extension APIRoutes {
    func registerMoney(on api: RouterGroup<PledgeRequestContext>) {
        api.get("subsidy") { request, context in
            let q = request.uri.queryParameters
            let by = try q["by"].map { text -> SubsidyReport.Grouping in
                guard let g = SubsidyReport.Grouping(rawValue: String(text)) else { throw FieldError(field: "by", value: String(text), rule: .grouping) }
                return g
            }
            let policy = q["policy"].map(String.init) ?? ""
            @Sendable func head(_ l: Ledger) throws -> String { try l.head().map { "\($0.seq):\($0.hash)" } ?? "—" }
            if q["format"] == "xlsx" {
                return try await workbook(context, name: "subsidy.xlsx") { l, m, _ in
                    if let by { return SubsidyGroupReport(totals: try l.subsidyTotals(policy: policy, by: by), head: try head(l)).workbook(language: m.language) }
                    return SubsidyReport(statement: try l.subsidyStatement(policy: policy, uscc: nil), head: try head(l)).loanWorkbook(language: m.language)
                }
            }
            return try await answer(request, context, .read, cached: true) { l, m in
                if let by {
                    return (try SubsidyGroupReport(totals: try l.subsidyTotals(policy: policy, by: by), head: try head(l)).render(format: .json, language: m.language), .ok)
                }
                return (try SubsidyReport(statement: try l.subsidyStatement(policy: policy, uscc: nil), head: try head(l)).renderLoans(format: .json, language: m.language), .ok)
            }
        }
        api.get("pools") { request, context in
            let name = request.uri.queryParameters["pool"].map(String.init)
            return try await answer(request, context, .read, cached: true) { l, m in
                let pools = try name.map { [try l.poolStatus($0)] } ?? l.poolStatuses()
                return (try PoolReport(pools: pools, detailed: name != nil, head: "").render(format: .json, language: m.language), .ok)
            }
        }
    }
}
