import Foundation
import Hummingbird
import Mustache
import PledgeCore
import PledgeIO
import PledgeStore

/// The import page: upload a bank's file, see the dry run (counts and the first problems by row and column), then
/// confirm. The confirmed import is the CLI's all-or-nothing operation on the same bytes, re-checked against the
/// ledger as it is then.
extension WebPages {
    func registerImport(on router: Router<PledgeRequestContext>) {
        router.get("/import") { _, context in
            try await signedIn(context, .writeRegistrations) { importPage(context, content: Self.uploadForm(context)) }
        }
        router.post("/import") { request, context in
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            return try await signedIn(context, .writeRegistrations) { try await dryRun(request, body, context) }
        }
        router.post("/import/confirm") { request, context in
            var request = request
            let form = Form(try await request.collectBody(upTo: 64 * 1024))
            return try await signedIn(context, .writeRegistrations) { try await confirm(form, context) }
        }
    }

    private func importPage(_ context: PledgeRequestContext, status: HTTPResponse.Status = .ok, content: String) -> Response {
        page(context, title: context.language.pick("导入银行文件", "Import a bank's file"), status: status, content: content)
    }

    static func uploadForm(_ context: PledgeRequestContext, problem: String? = nil) -> String {
        let l = context.language
        return uploadTemplate.render([
            "title": l.pick("导入银行文件", "Import a bank's file"), "csrf": context.session?.csrf ?? "", "problem": problem ?? false,
            "fileLabel": l.pick("文件（CSV，UTF-8 或 GB18030）", "File (CSV, UTF-8 or GB18030)"),
            "encodingLabel": l.pick("编码", "Encoding"),
            "encodings": [("auto", l.pick("自动识别", "detect")), ("utf8", "UTF-8"), ("gb18030", "GB18030")].map { ["value": $0.0, "label": $0.1] },
            "strict": l.pick("拒绝有警告的行", "Refuse rows with warnings"),
            "late": l.pick("接受已关账月份的行并标为补录", "Accept rows in closed months as late"),
            "reasonLabel": l.pick("补录原因", "Why (for late rows)"),
            "submit": l.pick("预检（不写入）", "Check (writes nothing)"),
            "help": l.pick("先预检：显示将新增、未变、冲突和无效的行数以及前几个问题；确认后才写入，全部成功或全部不写。",
                           "First a check: the rows that would be new, unchanged, conflicting and invalid, and the first problems; nothing is written until you confirm, and then all rows or none."),
        ] as [String: Any])
    }

    private func dryRun(_ request: Request, _ body: ByteBuffer, _ context: PledgeRequestContext) async throws -> Response {
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        let l = context.language
        guard let form = try? MultipartForm(contentType: request.headers[.contentType], body: body), let file = form.files["file"],
              file.bytes.readableBytes > 0 else {
            return importPage(context, status: .unprocessableContent,
                              content: Self.uploadForm(context, problem: l.pick("请选择要导入的文件", "Choose a file to import")))
        }
        var options: [String: String] = [:]
        for k in ServerImport.optionKeys { if let v = form.fields[k], !v.isEmpty { options[k] = v } }
        let name = file.filename.isEmpty ? "upload.csv" : (file.filename as NSString).lastPathComponent
        let id = try await uploads.save(file.bytes, name: name, user: user.user.name, options: options).id
        let outcome = try await run(id, context, dryRun: true)
        if !outcome.ok { await uploads.remove(id) }
        return importPage(context, status: outcome.status, content: outcome.html)
    }

    private func confirm(_ form: Form, _ context: PledgeRequestContext) async throws -> Response {
        let l = context.language
        guard let id = form["upload"] else { throw ServerFailure(.unprocessableContent, body: ["errors": [["field": "upload", "value": "", "rule": "required"]]]) }
        guard let user = context.user, await uploads.upload(id, user: user.user.name) != nil else {
            return importPage(context, status: .notFound,
                              content: Self.uploadForm(context, problem: l.pick("上传的文件已过期或不存在；请重新上传", "The upload expired or is unknown; upload the file again")))
        }
        let outcome = try await run(id, context, dryRun: false)
        await uploads.remove(id)
        return importPage(context, status: outcome.status, content: outcome.html + (outcome.ok ? "" : "<p><a href=\"/import\">" + escape(l.pick("重新上传", "Upload again")) + "</a></p>"))
    }

    /// Runs the import (or its dry run) of upload `id`; the page part that tells what happened.
    private func run(_ id: String, _ context: PledgeRequestContext, dryRun: Bool) async throws -> (ok: Bool, status: HTTPResponse.Status, html: String) {
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        let l = context.language, m = Messages(l, http: true)
        guard let upload = await uploads.upload(id, user: user.user.name) else {
            return (false, .notFound, Self.uploadForm(context, problem: l.pick("上传的文件已过期或不存在；请重新上传", "The upload expired or is unknown; upload the file again")))
        }
        let ledger = ledger.acting(as: user.user.name)
        var values: [String: Any] = [
            "csrf": context.session?.csrf ?? "", "upload": id, "file": upload.name, "dryRun": dryRun,
            "countsTitle": dryRun ? l.pick("预检结果（尚未写入）：\(upload.name)", "Check (nothing written yet): \(upload.name)")
                                  : l.pick("已导入：\(upload.name)", "Imported: \(upload.name)"),
            "problemsTitle": l.pick("问题", "Problems"), "row": l.pick("行", "Row"), "column": l.pick("列", "Column"),
            "value": l.pick("值", "Value"), "rule": l.pick("规则", "Rule"), "warningsTitle": l.pick("警告", "Warnings"),
            "confirm": l.pick("确认导入", "Confirm the import"), "headLabel": l.pick("日志头：", "Journal head: "),
        ]
        do {
            let (summary, head) = try await PledgeServer.blocking { () -> (ImportSummary, String?) in
                let s = try ServerImport.run(path: upload.path, name: upload.name, options: upload.options, dryRun: dryRun, ledger: ledger, language: l)
                return (s, try ledger.head().map { "\($0.seq):\($0.hash)" })
            }
            values["summary"] = summary.line(m)
            values["warnings"] = summary.warnings
            values["hasWarnings"] = !summary.warnings.isEmpty
            values["canConfirm"] = dryRun && summary.new > 0
            values["head"] = dryRun ? false : (head ?? "")
            if let proposal = summary.proposal {
                values["countsTitle"] = m.text(.proposed, ["seq": String(proposal)])
                values["head"] = false
                return (true, .accepted, Self.importResultTemplate.render(values) + Self.proposalLink(proposal, l))
            }
            return (true, .ok, Self.importResultTemplate.render(values))
        } catch let e as ImportRefused {
            values["summary"] = e.summary.line(m)
            values["refused"] = m.text(e.summary.invalid > 0 ? .importRefusedInvalid : .importRefusedConflict, ["file": upload.name])
            values["problems"] = e.summary.problems.map { ["row": String($0.row), "column": $0.column, "value": $0.value, "rule": $0.rule] }
            values["more"] = e.summary.unlisted > 0 ? m.text(.moreProblems, ["count": String(e.summary.unlisted)]) : false
            values["warnings"] = e.summary.warnings
            values["hasWarnings"] = !e.summary.warnings.isEmpty
            values["hasProblems"] = !e.summary.problems.isEmpty
            return (false, e.category == .badInput ? .unprocessableContent : .conflict, Self.importResultTemplate.render(values))
        } catch let e as ImportFileError {
            values["refused"] = e.lines.joined(separator: "\n")
            return (false, ServerFailure.status(e.category), Self.importResultTemplate.render(values))
        } catch let e as any PledgeFailure {
            values["refused"] = m.describe(e)
            return (false, ServerFailure.status(e.category), Self.importResultTemplate.render(values))
        }
    }

    static let uploadTemplate = try! MustacheTemplate(string: """
        <h1>{{title}}</h1>
        <p>{{help}}</p>
        {{#problem}}<p class="error" id="problem">{{problem}}</p>{{/problem}}
        <form method="post" action="/import" enctype="multipart/form-data" class="entry">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{fileLabel}} <input type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"></label>
        <label>{{encodingLabel}} <select name="encoding">{{#encodings}}<option value="{{value}}">{{label}}</option>{{/encodings}}</select></label>
        <label><span><input type="checkbox" name="strict" value="true"> {{strict}}</span></label>
        <label><span><input type="checkbox" name="late" value="true"> {{late}}</span></label>
        <label>{{reasonLabel}} <input name="reason"></label>
        <button>{{submit}}</button>
        </form>
        """)

    static let importResultTemplate = try! MustacheTemplate(string: """
        <h2>{{countsTitle}}</h2>
        {{#summary}}<p id="import-summary">{{summary}}</p>{{/summary}}
        {{#refused}}<p class="error" id="import-refused">{{refused}}</p>{{/refused}}
        {{#hasProblems}}<table id="import-problems"><caption>{{problemsTitle}}</caption>
        <thead><tr><th>{{row}}</th><th>{{column}}</th><th>{{value}}</th><th>{{rule}}</th></tr></thead><tbody>
        {{/hasProblems}}{{#problems}}<tr><td>{{row}}</td><td>{{column}}</td><td>{{value}}</td><td>{{rule}}</td></tr>
        {{/problems}}{{#hasProblems}}</tbody></table>{{/hasProblems}}
        {{#more}}<p>{{more}}</p>{{/more}}
        {{#hasWarnings}}<h3>{{warningsTitle}}</h3><ul>{{/hasWarnings}}{{#warnings}}<li>{{.}}</li>{{/warnings}}{{#hasWarnings}}</ul>{{/hasWarnings}}
        {{#head}}<p id="import-head">{{headLabel}}<code>{{head}}</code></p>{{/head}}
        {{#canConfirm}}<form method="post" action="/import/confirm" class="filters">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="upload" value="{{upload}}">
        <button id="confirm-import">{{confirm}}</button>
        </form>{{/canConfirm}}
        """)
}
