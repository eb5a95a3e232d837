import Foundation
import Hummingbird
import Mustache
import PledgeCore
import PledgeIO
import PledgeStore

/// Periods (close a month), Audit (verify the journal, the data-quality findings) and Users (admin): the CLI's
/// `period`, `audit verify`, `check` and `user` commands in the browser.
extension WebPages {
    func registerAdmin(on router: Router<PledgeRequestContext>) {
        router.get("/periods") { _, context in try await signedIn(context) { try await periods(context) } }
        router.post("/periods/close") { request, context in
            var request = request
            let form = Form(try await request.collectBody(upTo: 64 * 1024))
            return try await signedIn(context, .administer) { try await closePeriod(form, context) }
        }
        router.get("/audit") { request, context in
            try await signedIn(context, .audit) { try await audit(verify: request.uri.queryParameters["verify"] == "1", context) }
        }
        router.get("/users") { _, context in try await signedIn(context, .administer) { try await users(context) } }
        router.post("/users") { request, context in
            var request = request
            let form = Form(try await request.collectBody(upTo: 64 * 1024))
            return try await signedIn(context, .administer) { try await addUser(form, context) }
        }
        for act in ["disable", "password"] {
            router.post("/users/:name/\(act)") { request, context in
                let name = try context.pathParameter("name")
                return try await signedIn(context, .administer) { try await changeUser(name, act, context) }
            }
        }
    }

    // MARK: Periods

    private func periods(_ context: PledgeRequestContext, problem: String? = nil, done: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let l = context.language
        let table = try await PledgeServer.blocking { [ledger] in PeriodListing(periods: try ledger.closedPeriods()).table(language: l) }
        let content = Self.periodsTemplate.render([
            "title": l.pick("关账", "Periods"), "problem": problem ?? false, "done": done ?? false,
            "table": Self.table(table, id: "periods", empty: l.pick("尚无关账月份", "No closed periods")),
            "canClose": context.user?.user.role.allows(.administer) == true, "csrf": context.session?.csrf ?? "",
            "monthLabel": l.pick("关账月份（含之前所有未关账月份）", "Close the month (and every earlier open month)"),
            "close": l.pick("关账", "Close"),
            "help": l.pick("关账后该月的数字冻结；之后改动该月需要补录（late）并说明原因。", "Closing freezes the month's figures; later changes to it must be marked late, with a reason."),
        ] as [String: Any])
        return page(context, title: l.pick("关账", "Periods"), status: status, content: content)
    }

    private func closePeriod(_ form: Form, _ context: PledgeRequestContext) async throws -> Response {
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        let l = context.language, m = Messages(l, http: true)
        let ledger = ledger.acting(as: user.user.name), text = (form["month"] ?? "").trimmingSpaces
        do {
            let closes = try await PledgeServer.blocking { try ledger.closePeriod(try YearMonth.parse(text, field: "month"), today: CivilDate.today()) }
            let done = closes.map { l.pick("已关账 \($0.close.month)：\($0.close.registrations) 笔，\($0.close.amount.wanDisplay) 万元",
                                           "closed \($0.close.month): \($0.close.registrations) registrations, \($0.close.amount.wanDisplay) 万元") }
                .joined(separator: "; ") + closes.last.map { " — head \($0.entry.seq):\($0.entry.hash)" }!
            return try await periods(context, done: done)
        } catch let e as any PledgeFailure {
            return try await periods(context, problem: m.describe(e), status: ServerFailure.status(e.category))
        }
    }

    // MARK: Audit

    private func audit(verify: Bool, _ context: PledgeRequestContext) async throws -> Response {
        let l = context.language, m = Messages(l, http: true)
        let (head, verified, findings) = try await PledgeServer.blocking { [ledger] () -> (String, [String: any Sendable]?, String) in
            let head = try ledger.head().map { "\($0.seq):\($0.hash)" } ?? "-"
            var verified: [String: any Sendable]?
            if verify {
                let r = try ledger.verify()
                verified = ["ok": r.isClean, "entries": String(r.entries), "findings": r.findings.map { m.describe($0) },
                            "result": r.isClean ? l.pick("通过：日志链完整，所有统计与日志重算一致", "OK: the chain is whole and every total equals the journal replayed")
                                                : l.pick("未通过", "FAILED")]
            }
            let listing = FindingsListing(findings: try ledger.dataQualityFindings(asOf: CivilDate.today()), reviews: try ledger.findingReviews())
            return (head, verified, try listing.render(format: .table, language: l))
        }
        let content = Self.auditTemplate.render([
            "title": l.pick("审计", "Audit"), "headLabel": l.pick("日志头：", "Journal head: "), "head": head,
            "verifyLabel": l.pick("校验日志与全部统计（大台账需数十秒）", "Verify the journal and every total (tens of seconds on a large ledger)"),
            "verified": verified.map { $0 as [String: Any] } ?? false, "entriesLabel": l.pick("条日志", "entries"),
            "checkTitle": l.pick("数据质量检查（pledge check）", "Data-quality findings (pledge check)"), "findings": findings,
        ] as [String: Any])
        return page(context, title: l.pick("审计", "Audit"), content: content)
    }

    // MARK: Users

    private func users(_ context: PledgeRequestContext, problem: String? = nil, done: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let l = context.language
        let accounts = try await PledgeServer.blocking { [ledger] in try ledger.users() }
        let table = UserListing(users: accounts).table(language: l)
        let content = Self.usersTemplate.render([
            "title": l.pick("用户", "Users"), "problem": problem ?? false, "done": done ?? false, "csrf": context.session?.csrf ?? "",
            "table": Self.table(table, id: "users", empty: ""),
            "active": accounts.filter { !$0.user.disabled }.map { ["name": $0.user.name, "path": $0.user.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""] },
            "nameLabel": l.pick("用户名", "User name"), "roleLabel": l.pick("角色", "Role"),
            "roles": Role.allCases.map { ["value": $0.rawValue, "label": $0.rawValue] },
            "add": l.pick("添加用户（生成密码，只显示一次）", "Add the user (a password is generated and shown once)"),
            "disable": l.pick("停用", "Disable"), "password": l.pick("重设密码", "New password"),
        ] as [String: Any])
        return page(context, title: l.pick("用户", "Users"), status: status, content: content)
    }

    private func addUser(_ form: Form, _ context: PledgeRequestContext) async throws -> Response {
        guard let admin = context.user else { throw ServerFailure.unauthenticated }
        let l = context.language, m = Messages(l, http: true)
        let ledger = ledger.acting(as: admin.user.name)
        do {
            let password = Credentials.generatedPassword()
            let user = UserRecord(name: try UserRecord.validatedName(form["name"] ?? "", field: "name"), role: try Role.parse(form["role"] ?? "", field: "role"))
            let hash = await Task.detached { Credentials.hash(password: password) }.value
            _ = try await PledgeServer.blocking { try ledger.addUser(user, passwordHash: hash) }
            return try await users(context, done: l.pick("已添加用户 \(user.name)（\(user.role.rawValue)），密码（只显示这一次）：\(password)",
                                                         "added user \(user.name) (\(user.role.rawValue)); password (shown this once): \(password)"))
        } catch let e as any PledgeFailure {
            return try await users(context, problem: m.describe(e), status: ServerFailure.status(e.category))
        }
    }

    private func changeUser(_ name: String, _ act: String, _ context: PledgeRequestContext) async throws -> Response {
        guard let admin = context.user else { throw ServerFailure.unauthenticated }
        let l = context.language, m = Messages(l, http: true)
        let ledger = ledger.acting(as: admin.user.name)
        do {
            if act == "disable" {
                _ = try await PledgeServer.blocking { try ledger.updateUser(name) { $0.disabled = true } }
                return try await users(context, done: l.pick("已停用用户 \(name)", "disabled user \(name)"))
            }
            let password = Credentials.generatedPassword()
            let hash = await Task.detached { Credentials.hash(password: password) }.value
            try await PledgeServer.blocking { try ledger.setPasswordHash(name, hash) }
            return try await users(context, done: l.pick("\(name) 的新密码（只显示这一次）：\(password)", "new password of \(name) (shown this once): \(password)"))
        } catch let e as any PledgeFailure {
            return try await users(context, problem: m.describe(e), status: ServerFailure.status(e.category))
        }
    }

    /// A terminal table as an HTML table (values escaped by the template).
    static func table(_ t: TextTable, id: String, empty: String) -> String {
        tableTemplate.render(["id": id, "headers": t.headers, "rows": t.rows.map { ["cells": $0] }, "empty": t.rows.isEmpty ? empty : false] as [String: Any])
    }

    static let tableTemplate = try! MustacheTemplate(string: """
        {{#empty}}<p>{{empty}}</p>{{/empty}}{{^empty}}<table id="{{id}}"><thead><tr>{{#headers}}<th>{{.}}</th>{{/headers}}</tr></thead><tbody>
        {{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>
        {{/rows}}</tbody></table>{{/empty}}
        """)

    static let periodsTemplate = try! MustacheTemplate(string: """
        <h1>{{title}}</h1>
        {{#problem}}<p class="error" id="problem">{{problem}}</p>{{/problem}}{{#done}}<p class="done" id="done">{{done}}</p>{{/done}}
        {{{table}}}
        {{#canClose}}<p>{{help}}</p><form method="post" action="/periods/close" class="filters">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{monthLabel}} <input name="month" placeholder="2025-06"></label> <button>{{close}}</button></form>{{/canClose}}
        """)

    static let auditTemplate = try! MustacheTemplate(string: """
        <h1>{{title}}</h1>
        <p>{{headLabel}}<code id="head">{{head}}</code></p>
        {{#verified}}<p id="verify-result" class="{{#ok}}done{{/ok}}{{^ok}}error{{/ok}}">{{result}} ({{entries}} {{entriesLabel}})</p>
        <ul>{{#findings}}<li class="error">{{.}}</li>{{/findings}}</ul>{{/verified}}
        <form method="get" action="/audit" class="filters"><input type="hidden" name="verify" value="1"><button id="verify">{{verifyLabel}}</button></form>
        <h2>{{checkTitle}}</h2>
        <pre id="findings">{{findings}}</pre>
        """)

    static let usersTemplate = try! MustacheTemplate(string: """
        <h1>{{title}}</h1>
        {{#problem}}<p class="error" id="problem">{{problem}}</p>{{/problem}}{{#done}}<p class="done" id="done">{{done}}</p>{{/done}}
        {{{table}}}
        <form method="post" action="/users" class="filters">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{nameLabel}} <input name="name"></label>
        <label>{{roleLabel}} <select name="role">{{#roles}}<option value="{{value}}">{{label}}</option>{{/roles}}</select></label>
        <button>{{add}}</button></form>
        {{#active}}<form method="post" action="/users/{{path}}/disable" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{disable}} {{name}}</button></form>
        <form method="post" action="/users/{{path}}/password" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{password}} {{name}}</button></form><br>
        {{/active}}
        """)
}
