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
    let uploads: UploadStore

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
        router.get("/money") { request, context in try await signedIn(context) { try await money(context) } }
        router.get("/registrations/:regNo") { request, context in
            let regNo = try context.pathParameter("regNo")
            return try await signedIn(context) { try await registration(regNo, context) }
        }
        for act in LifecycleRequest.allCases {
            router.post("/registrations/:regNo/\(act.rawValue)") { request, context in
                let regNo = try context.pathParameter("regNo")
                var request = request
                let form = Form(try await request.collectBody(upTo: 1 << 20))
                return try await signedIn(context, .writeRegistrations) { try await change(act, regNo, form, context) }
            }
        }
        router.get("/register") { request, context in
            try await signedIn(context, .writeRegistrations) { page(context, title: context.language.pick("新登记", "New registration"), content: registerForm(context, values: [:], errors: [:])) }
        }
        registerImport(on: router)
        registerAdmin(on: router)
        registerApprovalPages(on: router)
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
    func signedIn(_ context: PledgeRequestContext, _ act: Role.Act = .read, _ body: () async throws -> Response) async throws -> Response {
        guard let user = context.user else { return Response(status: .seeOther, headers: [.location: "/login"]) }
        guard user.user.role.allows(act) else {
            return page(context, title: "403", status: .forbidden,
                        content: "<h1>403</h1><p>" + escape(context.language.pick("您的角色不能进行此操作；未写入任何内容", "Your role does not allow this; nothing was written")) + "</p>")
        }
        return try await body()
    }

    // MARK: Layout

    func labels(_ l: Language) -> [String: String] {
        [
            "park": l.pick("园区", "Park"), "bank": l.pick("银行", "Bank"), "prefecture": l.pick("市州", "Prefecture"),
            "enterprise": l.pick("统一社会信用代码", "USCC"), "enterpriseName": l.pick("企业名称含", "Enterprise name contains"),
            "from": l.pick("起始日期", "From"), "to": l.pick("截止日期", "To"), "status": l.pick("状态", "Status"), "any": l.pick("全部", "any"),
            "rywq": l.pick("仅入园惠企", "入园惠企 only"), "search": l.pick("查询", "Search"), "regNo": l.pick("登记号", "Reg. no."),
            "date": l.pick("登记日期", "Date"), "enterpriseCol": l.pick("企业", "Enterprise"), "amount": l.pick("金额(万元)", "Amount (万元)"),
            "previous": l.pick("上一页", "Previous"), "next": l.pick("下一页", "Next"), "title": l.pick("登记", "Registrations"),
        ]
    }

    func page(_ context: PledgeRequestContext, title: String, status: HTTPResponse.Status = .ok, content: String) -> Response {
        let l = context.language
        var nav: [[String: String]] = []
        if let user = context.user {
            nav.append(["href": "/", "label": l.pick("控制台", "Dashboard")])
            nav.append(["href": "/monthly", "label": l.pick("按月统计", "Monthly")])
            nav.append(["href": "/registrations", "label": l.pick("登记", "Registrations")])
            nav.append(["href": "/money", "label": l.pick("贴息与风险池", "Subsidies and pools")])
            if user.user.role.allows(.writeRegistrations) {
                nav.append(["href": "/register", "label": l.pick("新登记", "New registration")])
                nav.append(["href": "/import", "label": l.pick("导入", "Import")])
                nav.append(["href": "/proposals?mine=1", "label": l.pick("我的提案", "My proposals")])
            }
            if user.user.role.allows(.approve) { nav.append(["href": "/proposals", "label": l.pick("待审批", "To approve")]) }
            nav.append(["href": "/periods", "label": l.pick("关账", "Periods")])
            if user.user.role.allows(.audit) { nav.append(["href": "/audit", "label": l.pick("审计", "Audit")]) }
            if user.user.role.allows(.administer) { nav.append(["href": "/users", "label": l.pick("用户", "Users")]) }
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

extension WebPages {
    /// A refused form's rules: each broken rule under its field, a refusal of no field apart, and the status; an error
    /// that is no refusal is thrown on.
    static func formRefusal(_ error: any Error, _ m: Messages) throws -> (byField: [String: [String]], general: [String], status: HTTPResponse.Status) {
        switch error {
        case let e as InvalidRegistration:
            return (Dictionary(grouping: e.errors, by: \.field).mapValues { $0.map { m.rule($0.rule) } }, [], .unprocessableContent)
        case let e as FieldError:
            return ([e.field: [m.rule(e.rule)]], [], .unprocessableContent)
        case let e as any PledgeFailure:
            return ([:], [m.describe(e)], ServerFailure.status(e.category))
        default:
            throw error
        }
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
