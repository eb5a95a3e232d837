import Foundation
import Hummingbird
import PledgeCore
import PledgeIO
import PledgeStore

/// A bank's file imported over HTTP: the CLI's `import` on a private copy of the uploaded bytes, with the same rules,
/// messages and all-or-nothing transaction. Options (query parameters of the API, fields of the upload form):
/// `encoding` auto|utf8|gb18030, `strict`, `late` and `allow_double_pledge` (both need `reason`), `allow_bad_uscc`.
enum ServerImport {
    static let optionKeys = ["encoding", "strict", "late", "reason", "allow_double_pledge", "allow_bad_uscc"]

    static func run(path: String, name: String, options: [String: String], dryRun: Bool, ledger: Ledger, language: Language) throws -> ImportSummary {
        func flag(_ key: String) -> Bool { ["true", "1", "on", "yes"].contains(options[key] ?? "") }
        var o = ImportOptions()
        if let e = options["encoding"], !e.isEmpty {
            guard let encoding = ImportEncoding(rawValue: e) else { throw FieldError(field: "encoding", value: e, rule: .unknownKey) }
            o.encoding = encoding
        }
        (o.dryRun, o.strict, o.late, o.allowDoublePledge, o.allowBadUSCC) = (dryRun, flag("strict"), flag("late"), flag("allow_double_pledge"), flag("allow_bad_uscc"))
        let reason = options["reason"]?.trimmingSpaces ?? ""
        if (o.late || o.allowDoublePledge), reason.isEmpty { throw FieldError(field: "reason", value: "", rule: .reasonRequired) }
        o.reason = reason.isEmpty ? nil : reason
        o.language = language
        o.http = true
        return try Importer(ledger: ledger, options: o, today: CivilDate.today()).run(path: path, name: name)
    }

    /// The API's answer to a completed import (or dry run).
    struct Done: Encodable {
        var new, unchanged, conflicting, invalid, warned: Int
        var dryRun: Bool
        /// While the ledger requires approval: the proposal holding the new rows (answered with 202).
        var proposal: Int64?
        var head: String?
        var warnings: [String]
    }

    static func done(_ s: ImportSummary, head: String?) -> Done {
        Done(new: s.new, unchanged: s.unchanged, conflicting: s.conflicting, invalid: s.invalid, warned: s.warned, dryRun: s.dryRun, proposal: s.proposal, head: head,
             warnings: s.warnings)
    }

    /// A refused import: 422 with the invalid rows' problems, or 409 when only conflicts stopped it.
    static func refusal(_ e: ImportRefused) -> ServerFailure {
        let s = e.summary
        return ServerFailure(e.category == .badInput ? .unprocessableContent : .conflict, body: [
            "problems": s.problems.map { ["row": $0.row, "column": $0.column, "value": $0.value, "rule": $0.rule] as [String: any Sendable] },
            "unlisted": s.unlisted, "new": s.new, "unchanged": s.unchanged, "conflicting": s.conflicting, "invalid": s.invalid,
        ])
    }

    /// A file refused before any row (encoding, header): its lines as problems without a row.
    static func refusal(_ e: ImportFileError) -> ServerFailure {
        ServerFailure(ServerFailure.status(e.category), body: [
            "error": e.lines.joined(separator: "\n"),
            "problems": e.lines.map { ["row": 1, "column": "", "value": "", "rule": $0] as [String: any Sendable] },
        ])
    }
}

extension APIRoutes {
    /// `POST /api/v1/imports[?dryRun=true&name=FILE&…]`: the body is the file's bytes.
    func registerImports(on api: RouterGroup<PledgeRequestContext>, uploads: UploadStore) {
        api.post("imports") { request, context in
            guard let user = context.user else { throw ServerFailure.unauthenticated }
            let q = request.uri.queryParameters
            let dryRun = q["dryRun"] == "true"
            guard user.user.role.allows(dryRun ? .read : .writeRegistrations) else { throw ServerFailure.forbidden }
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            var options: [String: String] = [:]
            for k in ServerImport.optionKeys {
                let camel = k.split(separator: "_").enumerated().map { $0 == 0 ? String($1) : $1.capitalized }.joined()
                if let v = q[Substring(camel)] ?? q[Substring(k)] { options[k] = String(v) }
            }
            let name = q["name"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? "upload.csv"
            let (id, upload) = try await uploads.save(body, name: name, user: user.user.name, options: options)
            defer { Task { await uploads.remove(id) } }
            let ledger = ledger.acting(as: user.user.name), language = context.language
            do {
                let (json, proposed) = try await PledgeServer.blocking { () -> (String, Bool) in
                    let summary = try ServerImport.run(path: upload.path, name: name, options: upload.options, dryRun: dryRun, ledger: ledger, language: language)
                    return (try JSONOutput.render(ServerImport.done(summary, head: try ledger.head().map { "\($0.seq):\($0.hash)" })), summary.proposal != nil)
                }
                return Response(status: proposed ? .accepted : .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: json)))
            } catch let e as ImportRefused {
                throw ServerImport.refusal(e)
            } catch let e as ImportFileError {
                throw ServerImport.refusal(e)
            } catch {
                throw ServerFailure.from(error, Messages(language, http: true))
            }
        }
    }
}
