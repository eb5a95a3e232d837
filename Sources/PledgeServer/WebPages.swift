import Foundation
import Hummingbird
import Mustache
import PledgeCore
import PledgeIO
import PledgeStore

/// The pages clerks, auditors and the office head use in a browser: sign-in, the dashboard, the registrations with
/// the auditor's filters, one registration with its history, and the register form. Server-rendered, no script; every
/// value escaped by the templates; every POST but the sign-in carries the session's CSRF token.
struct WebPages: Sendable {
    let ledger: Ledger
    let sessions: SessionStore

    func register(on router: Router<PledgeRequestContext>) {
        router.get("/login") { request, context in page(context, title: context.language.pick("登录", "Sign in"), status: .ok, content: loginForm(context.language, error: nil)) }
        router.post("/login") { request, context in try await signIn(request, context) }
        router.post("/logout") { request, context in
            if let session = context.session { await sessions.close(cookie: session.cookie) }
            var r = Response(status: .seeOther, headers: [.location: "/login"])
            r.headers[.setCookie] = "\(SessionStore.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
            return r
        }
        router.get("/") { request, context in try await signedIn(context) { try await dashboard(request, context) } }
        router.get("/registrations") { request, context in try await signedIn(context) { try await registrations(request, context) } }
        router.get("/monthly") { request, context in try await signedIn(context) { try await monthly(request, context) } }
        router.get("/registrations/:regNo") { request, context in
            let regNo = try context.parameters.require("regNo")
            return try await signedIn(context) { try await registration(regNo, context) }
        }
        for act in LifecycleRequest.allCases {
            router.post("/registrations/:regNo/\(act.rawValue)") { request, context in
                let regNo = try context.parameters.require("regNo")
                var request = request
                let form = Form(try await request.collectBody(upTo: 1 << 20))
                return try await signedIn(context, .writeRegistrations) { try await change(act, regNo, form, context) }
            }
        }
        router.get("/register") { request, context in
            try await signedIn(context, .writeRegistrations) { page(context, title: context.language.pick("新登记", "New registration"), content: registerForm(context, values: [:], errors: [:])) }
        }
        router.post("/register") { request, context in
            var request = request
            let form = Form(try await request.collectBody(upTo: context.maxUploadSize))
            return try await signedIn(context, .writeRegistrations) { try await submit(form, context) }
        }
    }

    // MARK: Signing in

    private func signIn(_ request: Request, _ context: PledgeRequestContext) async throws -> Response {
        var request = request
        let form = Form(try await request.collectBody(upTo: 64 * 1024))
        let l = context.language
        let name = (form["user"] ?? "").trimmingSpaces, password = form["password"] ?? ""
        if await sessions.isLocked(name) {
            return page(context, title: l.pick("登录", "Sign in"), status: .tooManyRequests,
                        content: loginForm(l, error: l.pick("登录失败次数过多，请 15 分钟后再试", "Too many failed sign-ins; try again in 15 minutes")))
        }
        let account = try await PledgeServer.blocking { [ledger] in try ledger.user(named: name) }
        let verified = await Task.detached { () -> Bool in
            guard let account, !account.account.user.disabled, let hash = account.passwordHash else {
                // The same work for an unknown name, so that timing does not tell which names exist.
                _ = Credentials.verify(password: password, hash: Credentials.dummyHash)
                return false
            }
            return Credentials.verify(password: password, hash: hash)
        }.value
        guard verified else {
            await sessions.failed(name)
            return page(context, title: l.pick("登录", "Sign in"), status: .unauthorized,
                        content: loginForm(l, error: l.pick("用户名或密码不正确", "Wrong user name or password")))
        }
        await sessions.succeeded(name)
        let (cookie, _) = await sessions.open(user: name)
        var r = Response(status: .seeOther, headers: [.location: "/"])
        r.headers[.setCookie] = "\(SessionStore.cookieName)=\(cookie); Path=/; HttpOnly; SameSite=Strict"
        return r
    }

    /// Runs `body` for a signed-in user whose role allows `act`: else to the sign-in page (303), or 403.
    private func signedIn(_ context: PledgeRequestContext, _ act: Role.Act = .read, _ body: () async throws -> Response) async throws -> Response {
        guard let user = context.user else { return Response(status: .seeOther, headers: [.location: "/login"]) }
        guard user.user.role.allows(act) else {
            return page(context, title: "403", status: .forbidden,
                        content: "<h1>403</h1><p>" + escape(context.language.pick("您的角色不能进行此操作；未写入任何内容", "Your role does not allow this; nothing was written")) + "</p>")
        }
        return try await body()
    }

    // MARK: Pages

    private func dashboard(_ request: Request, _ context: PledgeRequestContext) async throws -> Response {
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
                return Self.asOfForm(l, asOf) + ProgressReport(progress: progress, details: details, months: months).page(options).renderContent()
            }
            return page(context, title: l.pick("控制台", "Dashboard"), content: content)
        } catch let e as FieldError {
            return page(context, title: l.pick("控制台", "Dashboard"), status: .unprocessableContent,
                        content: Self.asOfForm(l, nil) + "<p class=\"error\">" + escape(Messages(l).describe(e)) + "</p>")
        }
    }

    private func monthly(_ request: Request, _ context: PledgeRequestContext) async throws -> Response {
        let l = context.language, m = Messages(l)
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
            "downloads": [("csv", l.pick("下载 CSV（Excel）", "Download CSV (Excel)")), ("html", l.pick("下载网页", "Download HTML")), ("json", "JSON")]
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

    private func registrations(_ request: Request, _ context: PledgeRequestContext) async throws -> Response {
        let l = context.language, m = Messages(l)
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
    private func change(_ act: LifecycleRequest, _ regNo: String, _ form: Form, _ context: PledgeRequestContext) async throws -> Response {
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        let ledger = ledger.acting(as: user.user.name), m = Messages(context.language)
        var fields: [String: String] = [:]
        for k in ["reason", "date", "maturity"] { if let v = form[k] { fields[k] = v } }
        do {
            _ = try await PledgeServer.blocking { [fields] in try act.apply(to: regNo, fields, on: ledger) }
            let path = "/registrations/" + (regNo.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? regNo)
            return Response(status: .seeOther, headers: [.location: path])
        } catch let e as FieldError {
            return try await registration(regNo, context, problem: m.describe(e), status: .unprocessableContent)
        } catch let e as any PledgeFailure {
            return try await registration(regNo, context, problem: m.describe(e), status: ServerFailure.status(e.category))
        }
    }

    private func registration(_ regNo: String, _ context: PledgeRequestContext, problem: String? = nil,
                              status: HTTPResponse.Status = .ok) async throws -> Response {
        let l = context.language
        let found = try await PledgeServer.blocking { [ledger] () -> ([(String, String)], (headers: [String], rows: [[String]]))? in
            guard let s = try ledger.registration(regNo) else { return nil }
            return (RegistrationView(stored: s, reference: try ledger.reference()).pairs(language: l), HistoryView(entries: try ledger.history(regNo)).table(language: l))
        }
        guard let (pairs, history) = found else {
            return page(context, title: "404", status: .notFound, content: "<h1>404</h1><p>" + escape(Messages(l).describe(StoreError.registrationMissing(regNo: regNo))) + "</p>")
        }
        let canWrite = context.user?.user.role.allows(.writeRegistrations) == true
        let path = "/registrations/" + (regNo.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? regNo)
        let actions: [[String: Any]] = !canWrite ? [] : [
            ["action": path + "/release", "label": l.pick("注销（已还款）", "Release (repaid)"),
             "inputs": [["name": "date", "label": l.pick("注销日期", "Release date"), "placeholder": "2025-03-01"],
                        ["name": "reason", "label": l.pick("原因：已还款或其他", "Reason: repaid or other"), "placeholder": "已还款"]]],
            ["action": path + "/extend", "label": l.pick("展期", "Extend"),
             "inputs": [["name": "maturity", "label": l.pick("新到期日", "New maturity"), "placeholder": "2027-03-04"]]],
            ["action": path + "/default", "label": l.pick("记录违约", "Record a default"),
             "inputs": [["name": "date", "label": l.pick("违约日期", "Default date"), "placeholder": "2025-03-01"]]],
            ["action": path + "/void", "label": l.pick("作废（误录）", "Void (entered in error)"),
             "inputs": [["name": "reason", "label": l.pick("原因（必填）", "Reason (required)"), "placeholder": "重复录入"]]],
        ]
        let content = Self.registrationTemplate.render([
            "problem": problem ?? false, "actions": actions, "csrf": context.session?.csrf ?? "",
            "regNo": regNo, "pairs": pairs.map { ["label": $0.0, "value": $0.1] },
            "historyTitle": l.pick("历史（之前 → 之后，谁，何时，为何）", "History (before → after, who, when, why)"),
            "headers": history.headers, "rows": history.rows.map { ["cells": $0] },
        ] as [String: Any])
        return page(context, title: regNo, status: status, content: content)
    }

    // MARK: The register form

    static let formFields: [(key: String, zh: String, en: String, type: String)] = [
        ("reg_no", "登记号", "Registration no.", "text"), ("reg_date", "登记日期", "Registration date", "text"),
        ("uscc", "统一社会信用代码", "USCC", "text"), ("enterprise", "企业名称", "Enterprise", "text"),
        ("bank", "贷款银行（可含支行）", "Bank (may include the branch)", "text"), ("amount", "登记金额", "Amount", "text"),
        ("ip_type", "质押物类型", "IP type", "text"), ("ip_numbers", "知识产权号（以 ; 分隔）", "IP numbers (separated by ;)", "text"),
        ("park", "园区", "Park", "text"), ("prefecture", "市州", "Prefecture", "text"), ("maturity", "到期日", "Maturity", "text"),
        ("rate", "年利率(%)", "Rate (%)", "text"), ("notes", "备注", "Notes", "text"),
    ]

    static let placeholders = ["reg_date": "2024-03-05", "maturity": "2026-03-04", "amount": "2,000", "uscc": "914403001922038216",
                               "ip_numbers": "201710601862.3; 97101765.4", "rate": "3.85"]

    private func registerForm(_ context: PledgeRequestContext, values: [String: String], errors: [String: [String]]) -> String {
        let l = context.language
        let fields = Self.formFields.map { f -> [String: Any] in
            ["key": f.key, "label": l.pick(f.zh, f.en), "type": f.type, "value": values[f.key] ?? "", "errors": errors[f.key] ?? [],
             "placeholder": Self.placeholders[f.key] ?? ""]
        }
        let units = [("万", l.pick("万元", "万元 (wan)")), ("元", l.pick("元", "元 (yuan)")), ("亿", l.pick("亿元", "亿元 (yi)"))].map {
            ["value": $0.0, "label": $0.1, "selected": (values["unit"] ?? "万") == $0.0]
        }
        let flags = [("rywq", "入园惠企", "入园惠企 (RYWQ)"), ("first_loan", "首贷", "First loan"), ("insured", "保险", "Insured"),
                     ("confirm_amount", "金额确认无误（超过常见范围时需要）", "The amount is right (needed when it is far outside the usual range)")].map {
            ["key": $0.0, "label": l.pick($0.1, $0.2), "checked": values[$0.0] == "true", "errors": errors[$0.0] ?? []] as [String: Any]
        }
        let general = errors.filter { key, _ in !Self.formFields.contains { $0.key == key } && !["rywq", "first_loan", "insured", "confirm_amount"].contains(key) }
            .flatMap { $0.value }
        return Self.formTemplate.render([
            "title": l.pick("新登记", "New registration"), "csrf": context.session?.csrf ?? "", "fields": fields, "units": units,
            "unitLabel": l.pick("单位", "Unit"), "flags": flags, "general": general, "submit": l.pick("登记", "Register"),
        ] as [String: Any])
    }

    private func submit(_ form: Form, _ context: PledgeRequestContext) async throws -> Response {
        let l = context.language, m = Messages(l)
        var values: [String: String] = [:]
        for f in Self.formFields { if let v = form[f.key] { values[f.key] = v } }
        for k in ["rywq", "first_loan", "insured", "confirm_amount"] { values[k] = form[k] == nil ? "false" : "true" }
        values["unit"] = form["unit"] ?? "万"
        let unit = MoneyUnit(text: values["unit"] ?? "万") ?? .wan
        var fields = values.filter { !$0.value.isEmpty }
        fields["unit"] = nil
        let submission = Submission(fields: fields, unit: unit)
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        let ledger = ledger.acting(as: user.user.name)
        do {
            let (registration, _, _) = try await PledgeServer.blocking { try submission.register(on: ledger) }
            let path = "/registrations/" + (registration.regNo.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? registration.regNo)
            return Response(status: .seeOther, headers: [.location: path])
        } catch {
            var errors: [String: [String]] = [:]
            let status: HTTPResponse.Status
            switch error {
            case let e as InvalidRegistration:
                for fe in e.errors { errors[fe.field, default: []].append(m.rule(fe.rule)) }
                status = .unprocessableContent
            case let e as FieldError:
                errors[e.field, default: []].append(m.rule(e.rule))
                status = .unprocessableContent
            case let e as any PledgeFailure:
                errors["", default: []].append(m.describe(e))
                status = ServerFailure.status(e.category)
            default:
                throw error
            }
            return page(context, title: l.pick("新登记", "New registration"), status: status, content: registerForm(context, values: values, errors: errors))
        }
    }

    // MARK: Layout

    private func labels(_ l: Language) -> [String: String] {
        [
            "park": l.pick("园区", "Park"), "bank": l.pick("银行", "Bank"), "prefecture": l.pick("市州", "Prefecture"),
            "enterprise": l.pick("统一社会信用代码", "USCC"), "enterpriseName": l.pick("企业名称含", "Enterprise name contains"),
            "from": l.pick("起始日期", "From"), "to": l.pick("截止日期", "To"), "status": l.pick("状态", "Status"), "any": l.pick("全部", "any"),
            "rywq": l.pick("仅入园惠企", "入园惠企 only"), "search": l.pick("查询", "Search"), "regNo": l.pick("登记号", "Reg. no."),
            "date": l.pick("登记日期", "Date"), "enterpriseCol": l.pick("企业", "Enterprise"), "amount": l.pick("金额(万元)", "Amount (万元)"),
            "previous": l.pick("上一页", "Previous"), "next": l.pick("下一页", "Next"), "title": l.pick("登记", "Registrations"),
        ]
    }

    private func page(_ context: PledgeRequestContext, title: String, status: HTTPResponse.Status = .ok, content: String) -> Response {
        let l = context.language
        var nav: [[String: String]] = []
        if let user = context.user {
            nav.append(["href": "/", "label": l.pick("控制台", "Dashboard")])
            nav.append(["href": "/monthly", "label": l.pick("按月统计", "Monthly")])
            nav.append(["href": "/registrations", "label": l.pick("登记", "Registrations")])
            if user.user.role.allows(.writeRegistrations) { nav.append(["href": "/register", "label": l.pick("新登记", "New registration")]) }
        }
        let html = Self.layout.render([
            "lang": l == .zh ? "zh-CN" : "en", "title": title, "style": HTMLPage.style + "\n" + Self.style, "nav": nav, "content": content,
            "app": l.pick("甘肃省知识产权质押融资台账", "Gansu IP pledge financing ledger"),
            "user": context.user.map { ["name": $0.user.name, "role": $0.user.role.rawValue, "csrf": context.session?.csrf ?? "",
                                        "signOut": l.pick("退出", "Sign out")] } ?? false,
        ] as [String: Any])
        var r = Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        r.headers[.cacheControl] = "no-store"
        r.headers[.setCookie] = "pledge_lang=\(l.rawValue); Path=/; SameSite=Strict"
        return r
    }

    private func loginForm(_ l: Language, error: String?) -> String {
        Self.loginTemplate.render([
            "title": l.pick("登录", "Sign in"), "user": l.pick("用户名", "User name"), "password": l.pick("密码", "Password"),
            "error": error ?? false, "submit": l.pick("登录", "Sign in"),
        ] as [String: Any])
    }

}

/// An `application/x-www-form-urlencoded` body.
struct Form {
    private var values: [String: String] = [:]

    init(_ buffer: ByteBuffer) {
        let text = String(buffer: buffer)
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let key = parts.first, !key.isEmpty, values[key] == nil else { continue }
            values[key] = parts.count > 1 ? parts[1] : ""
        }
    }

    subscript(_ key: String) -> String? { values[key] }
}

/// HTML-escapes text placed outside a template.
func escape(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}
