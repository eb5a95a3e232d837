import Foundation
import Hummingbird
import PledgeCore
import PledgeIO
import PledgeStore

/// *To approve* (checkers and admins: the pending proposals, each shown as the registration would look after it, with
/// approve and reject) and *My proposals* (a clerk's own); the approval setting for an admin.
extension WebPages {
    func registerApprovalPages(on router: Router<PledgeRequestContext>) {
        router.get("/proposals") { request, context in try await signedIn(context) { try await proposals(request, context) } }
        router.get("/proposals/:n") { _, context in
            let n = try APIRoutes.number(context)
            return try await signedIn(context) { try await proposal(n, context) }
        }
        for approve in [true, false] {
            router.post("/proposals/:n/\(approve ? "approve" : "reject")") { request, context in
                let n = try APIRoutes.number(context)
                var request = request
                let form = Form(try await request.collectBody(upTo: 64 * 1024))
                return try await signedIn(context, .approve) { try await decide(n, approve: approve, reason: form["reason"] ?? "", context) }
            }
        }
        router.post("/settings/approval") { request, context in
            var request = request
            let form = Form(try await request.collectBody(upTo: 64 * 1024))
            return try await signedIn(context, .administer) { try await setApproval(form["value"] ?? "", context) }
        }
    }

    private func proposals(_ request: Request, _ context: PledgeRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        return try await proposals(mine: q["mine"] == "1", status: q["status"].map(String.init), context)
    }

    /// `?status=pending|approved|rejected|all` (pending by default), `?mine=1`: the user's own proposals (all by default).
    private func proposals(mine: Bool, status chosenStatus: String?, _ context: PledgeRequestContext, problem: String? = nil, done: String? = nil,
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let l = context.language, me = context.user?.user.name
        let chosen = chosenStatus ?? (mine ? "all" : "pending")
        let filter = ProposalStatus(rawValue: chosen)
        let (records, required) = try await PledgeServer.blocking { [ledger] in
            (try ledger.proposals(status: filter, proposer: mine ? me : nil), try ledger.approvalRequired())
        }
        let title = mine ? l.pick("我的提案", "My proposals") : l.pick("待审批", "To approve")
        var html = "<h1>\(escape(title))</h1>"
        if let problem { html += "<p class=\"error\" id=\"problem\">\(escape(problem))</p>" }
        if let done { html += "<p class=\"done\" id=\"done\">\(escape(done))</p>" }
        html += "<p id=\"approval-setting\">" + escape(required ? l.pick("审批：需要——录入、更正、导入等须经另一人批准后才计入统计。", "Approval: required — every registration change counts only once another person approves it.")
                                                          : l.pick("审批：不需要——变更直接计入。", "Approval: off — changes count at once.")) + "</p>"
        if context.user?.user.role.allows(.administer) == true {
            let next = required ? ApprovalSetting.off : .required
            html += "<form method=\"post\" action=\"/settings/approval\" class=\"filters\"><input type=\"hidden\" name=\"csrf\" value=\"\(escape(context.session?.csrf ?? ""))\">"
                + "<input type=\"hidden\" name=\"value\" value=\"\(next.rawValue)\"><button type=\"submit\" id=\"toggle-approval\">"
                + escape(required ? l.pick("关闭审批", "Turn approval off") : l.pick("开启审批", "Require approval")) + "</button></form>"
        }
        let m = Messages(l)
        let base = mine ? "/proposals?mine=1&amp;status=" : "/proposals?status="
        html += "<p class=\"tabs\">" + (["pending", "approved", "rejected", "all"].map { s in
            let label = ProposalStatus(rawValue: s).map(m.proposalStatus) ?? l.pick("全部", "all")
            return s == chosen ? "<strong>\(escape(label))</strong>" : "<a href=\"\(base)\(s)\">\(escape(label))</a>"
        }.joined(separator: " · ")) + "</p>"
        let t = ProposalListing(proposals: records).table(language: l)
        if records.isEmpty {
            html += "<p id=\"no-proposals\">" + escape(l.pick("没有提案", "No proposals")) + "</p>"
        } else {
            html += "<table id=\"proposals\"><thead><tr>" + t.headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            for (record, row) in zip(records, t.rows) {
                html += "<tr><td><a href=\"/proposals/\(record.seq)\">\(record.seq)</a></td>" + row.dropFirst().map { "<td>\(escape($0))</td>" }.joined() + "</tr>"
            }
            html += "</tbody></table>"
        }
        return page(context, title: title, status: status, content: html)
    }

    /// One proposal: who made it, where it stands, each change (a new registration as it would be recorded, a
    /// correction before → after); approve and reject for a checker who did not make it.
    private func proposal(_ n: Int64, _ context: PledgeRequestContext, problem: String? = nil, done: String? = nil,
                          status: HTTPResponse.Status = .ok) async throws -> Response {
        let l = context.language, m = Messages(l, http: true), time = LocalTime()
        let found = try await PledgeServer.blocking { [ledger] () -> (ProposalRecord, ReferenceData, RegistrationState?)? in
            guard let record = try ledger.proposal(n) else { return nil }
            return (record, try ledger.reference(), try record.regNo.flatMap { try ledger.registration($0) })
        }
        guard let (record, reference, current) = found else {
            return page(context, title: "404", status: .notFound, content: "<h1>404</h1><p>" + escape(m.describe(StoreError.proposalMissing(seq: n))) + "</p>")
        }
        let title = l.pick("提案 \(n)", "Proposal \(n)")
        var html = "<h1>\(escape(title))</h1>"
        if let problem { html += "<p class=\"error\" id=\"problem\">\(escape(problem))</p>" }
        if let done { html += "<p class=\"done\" id=\"done\">\(escape(done))</p>" }
        var pairs: [(String, String)] = [
            (l.pick("操作", "Action"), ProposalListing.action(record.action, m) + (record.name.map { " — \($0)" } ?? "")),
            (l.pick("提交", "Proposed"), "\(record.proposer), \(time.show(record.proposedAt))"),
            (l.pick("状态", "Status"), m.proposalStatus(record.status)),
        ]
        if let decider = record.decider { pairs.append((l.pick("决定", "Decided"), "\(decider), \(time.show(record.decidedAt ?? "")) (seq \(record.decidedSeq ?? 0))")) }
        if let reason = record.reason { pairs.append((l.pick("驳回原因", "Reason"), reason)) }
        html += Self.pairs(pairs, id: "proposal")
        let changes = record.proposal?.changes ?? []
        if changes.count == 1, case .register(let r) = changes[0].event {
            html += Self.after(.registered(r, seq: 0, late: changes[0].late), reference, l)
        } else {
            // One change to a registration: the registration as the approval would leave it, then the change itself.
            if record.status == .pending, changes.count == 1, let current,
               let after = try? Lifecycle.apply(changes[0].event, to: current, seq: current.updatedSeq, late: changes[0].late) {
                html += Self.after(after, reference, l)
            }
            let t = ProposalView(record: record).table(language: l)
            html += "<h2>" + escape(l.pick("变更（前 → 后）", "Changes (before → after)")) + "</h2>"
            html += "<table id=\"changes\"><thead><tr>" + t.headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in t.rows.prefix(200) { html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }
            html += "</tbody></table>"
            if t.rows.count > 200 { html += "<p>" + escape(l.pick("另有 \(t.rows.count - 200) 条（pledge proposal \(n) 列出全部）", "\(t.rows.count - 200) more (pledge proposal \(n) lists them all)")) + "</p>" }
        }
        if record.status == .pending, let user = context.user {
            if user.user.name == record.proposer {
                html += "<p id=\"own\">" + escape(l.pick("这是您提交的提案，须由另一人审批。", "You made this proposal; another person must decide it.")) + "</p>"
            } else if user.user.role.allows(.approve) {
                let csrf = escape(context.session?.csrf ?? "")
                html += "<form method=\"post\" action=\"/proposals/\(n)/approve\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">"
                    + "<button type=\"submit\" id=\"approve\">" + escape(l.pick("批准（按提交内容写入）", "Approve (written as proposed)")) + "</button></form>"
                html += "<form method=\"post\" action=\"/proposals/\(n)/reject\" class=\"filters\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">"
                    + "<label>" + escape(l.pick("驳回原因", "Reason")) + " <input name=\"reason\" id=\"reason\" required></label>"
                    + "<button type=\"submit\" id=\"reject\">" + escape(l.pick("驳回", "Reject")) + "</button></form>"
            }
        }
        return page(context, title: title, status: status, content: html)
    }

    private func decide(_ n: Int64, approve: Bool, reason: String, _ context: PledgeRequestContext) async throws -> Response {
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        let l = context.language, m = Messages(l, http: true), ledger = ledger.acting(as: user.user.name)
        do {
            let done = try await PledgeServer.blocking { () -> String in
                if approve {
                    let (_, applied) = try ledger.approve(n)
                    return m.text(.approvedProposal, ["seq": String(n), "changes": String(applied.count)])
                        + (applied.last.map { " — head \($0.seq):\($0.hash)" } ?? "")
                }
                let why = reason.trimmingSpaces
                guard !why.isEmpty, !why.hasControlCharacters else { throw FieldError(field: "reason", value: reason, rule: .reasonRequired) }
                _ = try ledger.reject(n, reason: why)
                return m.text(.rejectedProposal, ["seq": String(n)])
            }
            return try await proposal(n, context, done: done)
        } catch let e as any PledgeFailure {
            return try await proposal(n, context, problem: m.describe(e), status: e is FieldError ? .unprocessableContent : ServerFailure.status(e.category))
        }
    }

    private func setApproval(_ value: String, _ context: PledgeRequestContext) async throws -> Response {
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        let l = context.language, m = Messages(l, http: true), ledger = ledger.acting(as: user.user.name)
        do {
            let setting = try ApprovalSetting.parse(value, field: "value")
            _ = try await PledgeServer.blocking { try ledger.setApproval(setting) }
            return try await proposals(mine: false, status: nil, context, done: m.text(.approvalNow, ["setting": setting.rawValue]))
        } catch let e as any PledgeFailure {
            return try await proposals(mine: false, status: nil, context, problem: m.describe(e), status: ServerFailure.status(e.category))
        }
    }

    /// The registration as approval would leave it (without the journal line: it has no entries yet).
    static func after(_ state: RegistrationState, _ reference: ReferenceData, _ l: Language) -> String {
        "<h2>" + escape(l.pick("批准后的登记", "The registration once approved")) + "</h2>"
            + pairs(RegistrationView(stored: state, reference: reference).pairs(language: l).filter { $0.0 != l.pick("日志", "Journal") }, id: "after")
    }

    /// Label and value pairs as a definition list.
    static func pairs(_ pairs: [(String, String)], id: String) -> String {
        "<dl class=\"summary\" id=\"\(id)\">" + pairs.map { "<dt>\(escape($0.0))</dt><dd>\(escape($0.1))</dd>" }.joined() + "</dl>"
    }

    /// A link to a proposal just made.
    static func proposalLink(_ n: Int64, _ l: Language) -> String {
        "<p><a id=\"proposal-link\" href=\"/proposals/\(n)\">" + escape(l.pick("查看提案 \(n)", "Open proposal \(n)")) + "</a></p>"
    }
}
