import Foundation
import Hummingbird
import PledgeCore
import PledgeIO
import PledgeStore

/// The JSON API (CONTRACT "HTTP API"): the same keys as the CLI's `--format json`, the same rules and messages.
struct APIRoutes: Sendable {
    let ledger: Ledger
    let uploads: UploadStore
    let answers: AnswerCache

    func register(on api: RouterGroup<PledgeRequestContext>) {
        api.get("progress") { request, context in try await respond(request, context, .read, cached: true) { l, m in try progress(request, l, m) } }
        api.get("monthly") { request, context in
            let format = request.uri.queryParameters["format"].map(String.init) ?? "json"
            if format == "xlsx" { return try await workbook(context, name: "monthly.xlsx") { l, m, options in try monthlyReport(request, l).workbook(options) } }
            let reportFormat: ReportFormat = switch format { case "csv": .csv; case "html": .html; default: .json }
            let response = try await respond(request, context, .read, cached: true) { l, m in try monthly(request, reportFormat, l, m) }
            guard reportFormat != .json else { return response }
            var r = Response(status: response.status, headers: response.headers, body: response.body)
            r.headers[.contentType] = reportFormat == .csv ? "text/csv; charset=utf-8" : "text/html; charset=utf-8"
            r.headers[.contentDisposition] = "attachment; filename=\"monthly.\(format == "csv" ? "csv" : "html")\""
            return r
        }
        for act in LifecycleRequest.allCases {
            api.post("registrations/:regNo/\(act.rawValue)") { request, context in
                let regNo = try context.pathParameter("regNo")
                let body = try await request.body.collect(upTo: 1 << 20)
                return try await answer(request, context, .writeRegistrations) { l, m in try lifecycle(act, regNo, Data(buffer: body), l) }
            }
        }
        api.get("registrations") { request, context in try await respond(request, context, .read) { l, m in try registrations(request, l, m) } }
        api.get("registrations/:regNo") { request, context in
            let regNo = try context.pathParameter("regNo")
            return try await respond(request, context, .read) { l, m in
                guard let s = try l.registration(regNo) else { throw StoreError.registrationMissing(regNo: regNo) }
                return try RegistrationView(stored: s, reference: l.reference()).render(format: .json, language: m.language)
            }
        }
        api.get("registrations/:regNo/history") { request, context in
            let regNo = try context.pathParameter("regNo")
            return try await respond(request, context, .read) { l, m in
                let entries = try l.history(regNo)
                guard !entries.isEmpty else { throw StoreError.registrationMissing(regNo: regNo) }
                return try HistoryView(entries: entries).render(format: .json, language: m.language)
            }
        }
        api.post("registrations") { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return try await answer(request, context, .writeRegistrations) { l, m in try register(Data(buffer: body), l, m) }
        }
        registerImports(on: api, uploads: uploads)
        registerApprovals(on: api)
        registerMoney(on: api)
        api.get("audit/verify") { request, context in
            try await respond(request, context, .audit) { l, m in try verify(l, m) }
        }
    }

    /// Checks who asks, runs `body` on the ledger as that user off the event loop, and answers its JSON (201 for a
    /// creation). Library failures become their statuses with the CLI's words. A `cached` report is answered from
    /// `answers` when the journal head (read with the user), the request, the language and the day are unchanged.
    private func respond(_ request: Request, _ context: PledgeRequestContext, _ act: Role.Act, created: Bool = false, cached: Bool = false,
                         _ body: @escaping @Sendable (Ledger, Messages) throws -> String) async throws -> Response {
        try await answer(request, context, act, cached: cached) { l, m in (try body(l, m), created ? .created : .ok) }
    }

    /// `respond` for a body that chooses its status (a write answers 202 when it was proposed for approval).
    func answer(_ request: Request, _ context: PledgeRequestContext, _ act: Role.Act, cached: Bool = false,
                _ body: @escaping @Sendable (Ledger, Messages) throws -> (String, HTTPResponse.Status)) async throws -> Response {
        guard let user = context.user else { throw ServerFailure.unauthenticated }
        guard user.user.role.allows(act) else { throw ServerFailure.forbidden }
        let m = Messages(context.language, http: true)
        let ledger = ledger.acting(as: user.user.name)
        let key = context.head.flatMap { cached ? "\($0) \(context.language.rawValue) \(request.uri.description)" : nil }
        do {
            let json: String, status: HTTPResponse.Status
            if let key, let answer = await answers.answer(key) {
                (json, status) = (answer, .ok)
            } else {
                (json, status) = try await PledgeServer.blocking { try body(ledger, m) }
                if let key { await answers.keep(json, for: key) }
            }
            return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: json)))
        } catch {
            throw ServerFailure.from(error, m)
        }
    }

    private func progress(_ request: Request, _ l: Ledger, _ m: Messages) throws -> String {
        let q = request.uri.queryParameters
        let asOf = try q["asOf"].map { try CivilDate.parse(String($0), field: "asOf") } ?? CivilDate.today()
        let t = try l.target(named: q["target"].map(String.init))
        var report = ProgressReport(progress: try l.progress(target: t, asOf: asOf), details: try l.progressDetails(target: t, asOf: asOf))
        report.setPending(try l.pendingRegistrations())
        return try report.render(ReportOptions(language: m.language, format: .json, asOf: asOf, journalHead: try l.head().map { "\($0.seq):\($0.hash)" }))
    }

    private func monthly(_ request: Request, _ format: ReportFormat, _ l: Ledger, _ m: Messages) throws -> String {
        let report = try monthlyReport(request, l)
        let options = ReportOptions(language: m.language, format: format, asOf: CivilDate.today(), journalHead: try l.head().map { "\($0.seq):\($0.hash)" })
        return try report.render(options, bom: format == .csv)
    }

    func monthlyReport(_ request: Request, _ l: Ledger) throws -> MonthlyReport {
        let q = request.uri.queryParameters
        let by = try q["by"].map { text -> MonthlyGrouping in
            guard let g = MonthlyGrouping(rawValue: String(text)) else { throw FieldError(field: "by", value: String(text), rule: .grouping) }
            return g
        }
        return try MonthlyReport.make(l, target: q["target"].map(String.init), from: q["from"].map(String.init), to: q["to"].map(String.init),
                                      by: by, asClosed: q["asClosed"] == "true") { $0 }
    }

    /// `void {reason}`, `release {date, reason}`, `default {date}`, `extend {maturity}`: the CLI's operations.
    /// 200 `{seq, hash}`; while the ledger requires approval, 202 `{proposal, hash}`.
    private func lifecycle(_ act: LifecycleRequest, _ regNo: String, _ body: Data, _ l: Ledger) throws -> (String, HTTPResponse.Status) {
        let entry = try act.apply(to: regNo, try Self.object(body), on: l)
        if entry.isProposal { return (try JSONOutput.render(Proposed(proposal: entry.seq, hash: entry.hash)), .accepted) }
        return (try JSONOutput.render(Appended(seq: entry.seq, hash: entry.hash)), .ok)
    }

    /// A JSON object's values as text (`JSONField`).
    static func object(_ body: Data) throws -> [String: String] {
        guard let object = try? JSONDecoder().decode([String: JSONField].self, from: body) else {
            throw FieldError(field: "body", value: String(decoding: body.prefix(80), as: UTF8.self), rule: .jsonObject)
        }
        return object.compactMapValues(\.text)
    }

    struct Appended: Encodable { var seq: Int64, hash: String }
    struct Proposed: Encodable { var proposal: Int64, hash: String, regNo: String? = nil, warnings: [String]? = nil }

    private func registrations(_ request: Request, _ l: Ledger, _ m: Messages) throws -> String {
        let q = request.uri.queryParameters
        func text(_ key: String) -> String? { q[Substring(key)].map(String.init) }
        func int(_ key: String) throws -> Int? {
            guard let t = text(key) else { return nil }
            guard let n = Int(t) else { throw FieldError(field: key, value: t, rule: .atLeast(key == "offset" ? 0 : 1)) }
            return n
        }
        var f = QueryFilters()
        (f.park, f.bank, f.prefecture, f.enterprise, f.enterpriseName, f.branch) =
            (text("park"), text("bank"), text("prefecture"), text("enterprise"), text("enterpriseName"), text("branch"))
        (f.minAmount, f.from, f.to) = (text("minAmount"), text("from"), text("to"))
        if let s = text("status") {
            guard let status = RegistrationStatus(rawValue: s) else { throw FieldError(field: "status", value: s, rule: .status) }
            f.status = status
        }
        f.rywq = ["1", "true", "yes", "是"].contains(text("rywq") ?? "")
        f.limit = try int("limit") ?? 100
        f.offset = try int("offset")
        let query = try f.query(try l.reference()) { key in
            key.split(separator: "-").enumerated().map { $0 == 0 ? String($1) : $1.capitalized }.joined()
        }
        let sink = OutputSink()
        try QueryListing(ledger: l, query: query, reference: try l.reference()).write(format: .json, language: m.language, bom: false, to: sink)
        return sink.text
    }

    /// A registration from a JSON object keyed by the import file's English headers, under the rules of `register`.
    private func register(_ body: Data, _ l: Ledger, _ m: Messages) throws -> (String, HTTPResponse.Status) {
        let (registration, entry, warnings) = try Submission(fields: try Self.object(body), unit: nil).register(on: l)
        let words = warnings.map { m.warning($0, enterprise: registration.enterprise) }
        if entry.isProposal {
            return (try JSONOutput.render(Proposed(proposal: entry.seq, hash: entry.hash, regNo: registration.regNo, warnings: words)), .accepted)
        }
        return (try JSONOutput.render(Created(regNo: registration.regNo, seq: entry.seq, hash: entry.hash, warnings: words)), .created)
    }

    struct Created: Encodable { var regNo: String, seq: Int64, hash: String, warnings: [String] }

    private func verify(_ l: Ledger, _ m: Messages) throws -> String {
        let report = try l.verify()
        return try JSONOutput.render(Verified(ok: report.isClean, entries: report.entries, head: report.head.map { "\($0.seq):\($0.hash)" },
                                              findings: report.findings.map { m.describe($0) }))
    }

    struct Verified: Encodable { var ok: Bool, entries: Int64, head: String?, findings: [String] }
}

/// A value of a JSON body as text: a string as it is, a number as written, true/false, a list joined by `;`.
enum JSONField: Decodable {
    case text(String), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .text(b ? "true" : "false") }
        else if let s = try? c.decode(String.self) { self = .text(s) }
        else if let d = try? c.decode(Decimal.self) { self = .text("\(d)") }
        else if let a = try? c.decode([String].self) { self = .text(a.joined(separator: ";")) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not text, a number, true/false or a list of text") }
    }

    var text: String? { if case .text(let t) = self { t } else { nil } }
}

