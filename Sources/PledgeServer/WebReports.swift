import Foundation
import Hummingbird
import Mustache
import PledgeCore
import PledgeIO
import PledgeStore

/// The pages that read: the dashboard, the monthly rollup, the registrations with the auditor's filters, and one
/// registration with its history and (for clerks) the forms that change it.
extension WebPages {

    func dashboard(_ request: Request, _ context: PledgeRequestContext) async throws -> Response {
        let l = context.language
        let q = request.uri.queryParameters
        let asOfText = q["asOf"].map(String.init)
        do {
            let content = try await PledgeServer.blocking { [ledger] in
                let asOf = try asOfText.map { try CivilDate.parse($0, field: "asOf") } ?? CivilDate.today()
                let t = try ledger.target(named: nil)
                let progress = try ledger.progress(target: t, asOf: asOf)
                let details = try ledger.progressDetails(target: t, asOf: asOf)
                let months = try ledger.monthlyTotals(from: t.from.yearMonth, to: min(t.to, asOf).yearMonth, by: nil, ipType: t.ipType)
                let options = ReportOptions(language: l, format: .html, asOf: asOf, journalHead: try ledger.head().map { "\($0.seq):\($0.hash)" })
                var report = ProgressReport(progress: progress, details: details, months: months)
                report.setPending(try ledger.pendingRegistrations())
                return Self.asOfForm(l, asOf) + report.page(options).renderContent()
            }
            return page(context, title: l.pick("控制台", "Dashboard"), content: content)
        } catch let e as FieldError {
            return page(context, title: l.pick("控制台", "Dashboard"), status: .unprocessableContent,
                        content: Self.asOfForm(l, nil) + "<p class=\"error\">" + escape(Messages(l, http: true).describe(e)) + "</p>")
        }
    }

    func monthly(_ request: Request, _ context: PledgeRequestContext) async throws -> Response {
        let l = context.language, m = Messages(l, http: true)
        let q = request.uri.queryParameters
        var values: [String: String] = [:]
        for k in ["from", "to", "by"] { if let v = q[Substring(k)].map(String.init), !v.isEmpty { values[k] = v } }
        let groupings: [(String, String)] = [("", l.pick("不拆分", "none")), ("prefecture", l.pick("市州", "prefecture")), ("park", l.pick("园区", "park")),
                                             ("bank", l.pick("银行", "bank")), ("ip-type", l.pick("质押物类型", "IP type")), ("rywq", "入园惠企")]
        var query = URLComponents()
        query.queryItems = values.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let suffix = query.percentEncodedQuery.map { "&" + $0 } ?? ""
        let form = Self.monthlyTemplate.render([
            "from": values["from"] ?? "", "to": values["to"] ?? "", "fromLabel": l.pick("起始月份", "From month"), "toLabel": l.pick("截止月份", "To month"),
            "byLabel": l.pick("拆分", "Split by"), "show": l.pick("显示", "Show"),
            "groupings": groupings.map { ["value": $0.0, "label": $0.1, "selected": (values["by"] ?? "") == $0.0] },
            "downloads": [("xlsx", l.pick("下载 Excel 工作簿", "Download Excel workbook")), ("csv", l.pick("下载 CSV", "Download CSV")), ("html", l.pick("下载网页", "Download HTML")), ("json", "JSON")]
                .map { ["href": "/api/v1/monthly?format=\($0.0)" + suffix, "label": $0.1] },
        ] as [String: Any])
        do {
            let content = try await PledgeServer.blocking { [ledger, values] in
                let by = try values["by"].map { text -> MonthlyGrouping in
                    guard let g = MonthlyGrouping(rawValue: text) else { throw FieldError(field: "by", value: text, rule: .grouping) }
                    return g
                }
                let report = try MonthlyReport.make(ledger, target: nil, from: values["from"], to: values["to"], by: by, asClosed: false) { $0 }
                let options = ReportOptions(language: l, format: .html, asOf: CivilDate.today(), journalHead: try ledger.head().map { "\($0.seq):\($0.hash)" })
                return report.page(options).renderContent()
            }
            return page(context, title: l.pick("按月统计", "Monthly rollup"), content: form + content)
        } catch let e as FieldError {
            return page(context, title: l.pick("按月统计", "Monthly rollup"), status: .unprocessableContent,
                        content: form + "<p class=\"error\">" + escape(m.describe(e)) + "</p>")
        }
    }

    static func asOfForm(_ l: Language, _ asOf: CivilDate?) -> String {
        """
        <form method="get" action="/" class="filters"><label>\(escape(l.pick("截至", "As of"))) <input name="asOf" placeholder="2025-06-30" value="\(escape(asOf?.description ?? ""))"></label> \
        <button>\(escape(l.pick("更新", "Update")))</button></form>
        """
    }

    private static let filterKeys = ["park", "bank", "prefecture", "enterprise", "enterpriseName", "from", "to", "status", "rywq"]

    func registrations(_ request: Request, _ context: PledgeRequestContext) async throws -> Response {
        let l = context.language, m = Messages(l, http: true)
        let q = request.uri.queryParameters
        var values: [String: String] = [:]
        for k in Self.filterKeys { if let v = q[Substring(k)].map(String.init), !v.isEmpty { values[k] = v } }
        let offset = max(0, Int(q["offset"].map(String.init) ?? "") ?? 0), pageSize = 50
        var f = QueryFilters()
        (f.park, f.bank, f.prefecture, f.enterprise, f.enterpriseName) = (values["park"], values["bank"], values["prefecture"], values["enterprise"], values["enterpriseName"])
        (f.from, f.to, f.rywq, f.limit, f.offset) = (values["from"], values["to"], values["rywq"] != nil, pageSize, offset)
        var problem: String?
        if let s = values["status"] {
            if let status = RegistrationStatus(rawValue: s) { f.status = status } else { problem = m.describe(FieldError(field: "status", value: s, rule: .status)) }
        }
        var rows: [[String: String]] = []
        var totals = QueryTotals()
        if problem == nil {
            do {
                (rows, totals) = try await PledgeServer.blocking { [ledger, f] in
                    let query = try f.query(try ledger.reference()) { $0 }
                    var rows: [[String: String]] = []
                    let totals = try ledger.query(query) { s in
                        let r = s.registration
                        rows.append(["regNo": r.regNo, "date": r.regDate.description, "enterprise": r.enterprise, "bank": r.bank,
                                     "amount": r.amount.wanDisplay, "park": r.park ?? "", "status": l.pick(s.status.chineseName, s.status.rawValue)])
                    }
                    return (rows, totals)
                }
            } catch let e as FieldError {
                problem = m.describe(e)
            }
        }
        func link(_ newOffset: Int) -> String {
            var items = values.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            items.append(URLQueryItem(name: "offset", value: String(newOffset)))
            var c = URLComponents()
            c.path = "/registrations"
            c.queryItems = items
            return c.string ?? "/registrations"
        }
        let statuses = RegistrationStatus.allCases.map { ["value": $0.rawValue, "label": l.pick($0.chineseName, $0.rawValue), "selected": values["status"] == $0.rawValue] }
        let content = Self.listTemplate.render([
            "t": labels(l), "values": values, "rywq": values["rywq"] != nil, "statuses": statuses, "problem": problem ?? false, "rows": rows,
            "total": l.pick("共 \(totals.registrations) 笔，\(totals.amount.wanDisplay) 万元（不含作废）", "\(totals.registrations) registrations, \(totals.amount.wanDisplay) 万元 (void excluded)"),
            "shown": rows.isEmpty ? "" : l.pick("第 \(offset + 1)–\(offset + rows.count) 笔", "rows \(offset + 1)–\(offset + rows.count)"),
            "previous": offset > 0 ? link(max(0, offset - pageSize)) : false,
            "next": offset + rows.count < totals.registrations ? link(offset + pageSize) : false,
        ] as [String: Any])
        return page(context, title: l.pick("登记", "Registrations"), status: problem == nil ? .ok : .unprocessableContent, content: content)
    }

    /// A lifecycle form on a registration's page: back to the page, or the page again with the refusal at its top.
    func change(_ act: LifecycleRequest, _ regNo: String, _ form: Form, _ context: PledgeRequestContext) async throws -> Response {
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        let ledger = ledger.acting(as: user.user.name), m = Messages(context.language, http: true)
        var fields: [String: String] = [:]
        for k in act.keys { if let v = form[k] { fields[k] = v } }
        do {
            let entry = try await PledgeServer.blocking { [fields] in try act.apply(to: regNo, fields, on: ledger) }
            if entry.isProposal { return Response(status: .seeOther, headers: [.location: "/proposals/\(entry.seq)"]) }
            let path = "/registrations/" + (regNo.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? regNo)
            return Response(status: .seeOther, headers: [.location: path])
        } catch {
            // Each broken rule beside its field, what was typed kept; a rule of no field of the form at the top.
            var (errors, general, status) = try Self.formRefusal(error, m)
            for (field, rules) in errors where !act.keys.contains(field) { general += rules.map { "\(field): \($0)" } }
            return try await registration(regNo, context, problem: general.isEmpty ? nil : general.joined(separator: "; "), status: status,
                                          failed: (act, fields, errors))
        }
    }

    func registration(_ regNo: String, _ context: PledgeRequestContext, problem: String? = nil, status: HTTPResponse.Status = .ok,
                      failed: (act: LifecycleRequest, fields: [String: String], errors: [String: [String]])? = nil) async throws -> Response {
        let l = context.language
        let found = try await PledgeServer.blocking { [ledger] () -> ([(String, String)], (headers: [String], rows: [[String]]))? in
            guard let s = try ledger.registration(regNo) else { return nil }
            return (RegistrationView(stored: s, reference: try ledger.reference()).pairs(language: l), HistoryView(entries: try ledger.history(regNo)).table(language: l))
        }
        guard let (pairs, history) = found else {
            return page(context, title: "404", status: .notFound, content: "<h1>404</h1><p>" + escape(Messages(l, http: true).describe(StoreError.registrationMissing(regNo: regNo))) + "</p>")
        }
        let canWrite = context.user?.user.role.allows(.writeRegistrations) == true
        let path = "/registrations/" + (regNo.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? regNo)
        var actions = canWrite ? Self.actions(l, path: path) : []
        if let failed {
            // The refused form again, as typed, each rule beside its field.
            actions = actions.map { action in
                guard (action["action"] as? String) == path + "/" + failed.act.rawValue else { return action }
                var action = action
                action["inputs"] = (action["inputs"] as? [[String: Any]] ?? []).map { input in
                    var input = input
                    let name = input["name"] as? String ?? ""
                    input["value"] = failed.fields[name] ?? ""
                    input["errors"] = failed.errors[name] ?? []
                    input["invalid"] = failed.errors[name] != nil
                    input["checked"] = failed.fields[name] == "true"
                    if var options = input["options"] as? [[String: Any]] {
                        for i in options.indices { options[i]["selected"] = (options[i]["value"] as? String) == failed.fields[name] }
                        input["options"] = options
                    }
                    return input
                }
                return action
            }
        }
        let content = Self.registrationTemplate.render([
            "problem": problem ?? false, "actions": actions, "csrf": context.session?.csrf ?? "",
            "regNo": regNo, "pairs": pairs.map { ["label": $0.0, "value": $0.1] },
            "historyTitle": l.pick("历史（之前 → 之后，谁，何时，为何）", "History (before → after, who, when, why)"),
            "headers": history.headers, "rows": history.rows.map { ["cells": $0] },
        ] as [String: Any])
        return page(context, title: regNo, status: status, content: content)
    }

    /// The forms on a registration's page for a clerk: correct, release, extend, default, void.
    static func actions(_ l: Language, path: String) -> [[String: Any]] {
        func text(_ name: String, _ label: String, _ placeholder: String) -> [String: Any] {
            ["name": name, "label": label, "placeholder": placeholder, "text": true]
        }
        func check(_ name: String, _ label: String) -> [String: Any] { ["name": name, "label": label, "checkbox": true] }
        let m = Messages(l, http: true)
        let fields = RegistrationField.allCases.filter { $0 != .regNo }.map { ["value": $0.argument, "label": m.label($0)] }
        let units = [("万", l.pick("万元", "万元 (wan)")), ("元", "元"), ("亿", l.pick("亿元", "亿元 (yi)"))].map { ["value": $0.0, "label": $0.1] }
        return [
            ["action": path + "/correct", "label": l.pick("更正", "Correct"), "inputs": [
                ["name": "field", "label": l.pick("字段", "Field"), "select": true, "options": fields],
                text("value", l.pick("更正后的值", "Corrected value"), "2,100"),
                ["name": "unit", "label": l.pick("金额单位", "Unit of an amount"), "select": true, "options": units],
                text("reason", l.pick("原因（必填）", "Reason (required)"), "银行更正金额"),
                check("late", l.pick("已关账月份的补录", "Late: the month is closed")),
                check("confirm_amount", l.pick("金额确认无误", "The amount is right")),
            ]],
            ["action": path + "/release", "label": l.pick("注销（已还款）", "Release (repaid)"),
             "inputs": [text("date", l.pick("注销日期", "Release date"), "2025-03-01"), text("reason", l.pick("原因：已还款或其他", "Reason: repaid or other"), "已还款")]],
            ["action": path + "/extend", "label": l.pick("展期", "Extend"), "inputs": [text("maturity", l.pick("新到期日", "New maturity"), "2027-03-04")]],
            ["action": path + "/default", "label": l.pick("记录违约", "Record a default"), "inputs": [text("date", l.pick("违约日期", "Default date"), "2025-03-01")]],
            ["action": path + "/void", "label": l.pick("作废（误录）", "Void (entered in error)"),
             "inputs": [text("reason", l.pick("原因（必填）", "Reason (required)"), "重复录入"), check("late", l.pick("已关账月份的补录", "Late: the month is closed"))]],
        ]
    }
}
