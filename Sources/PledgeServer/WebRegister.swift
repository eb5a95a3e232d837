import Foundation
import Hummingbird
import Mustache
import PledgeCore
import PledgeIO
import PledgeStore

/// The register form: a rejected form keeps what was typed and shows each broken rule beside its field.
extension WebPages {
    static let formFields: [(key: String, zh: String, en: String, type: String)] = [
        ("reg_no", "登记号", "Registration no.", "text"), ("reg_date", "登记日期", "Registration date", "text"),
        ("uscc", "统一社会信用代码", "USCC", "text"), ("enterprise", "企业名称", "Enterprise", "text"),
        ("bank", "贷款银行（可含支行）", "Bank (may include the branch)", "text"), ("amount", "登记金额", "Amount", "text"),
        ("ip_type", "质押物类型", "IP type", "text"), ("ip_numbers", "知识产权号（以 ; 分隔）", "IP numbers (separated by ;)", "text"),
        ("park", "园区", "Park", "text"), ("prefecture", "市州", "Prefecture", "text"), ("maturity", "到期日", "Maturity", "text"),
        ("rate", "年利率(%)", "Rate (%)", "text"), ("notes", "备注", "Notes", "text"),
        ("appraised_value", "评估价值（单位同登记金额）", "Appraised value (in the amount's unit)", "text"), ("appraiser", "评估机构", "Appraiser", "text"),
        ("insurer", "保险公司", "Insurer", "text"), ("insured_amount", "保险金额（单位同登记金额）", "Insured amount (in the amount's unit)", "text"),
    ]

    static let placeholders = ["reg_date": "2024-03-05", "maturity": "2026-03-04", "amount": "2,000", "uscc": "914403001922038216",
                               "ip_numbers": "201710601862.3; 97101765.4", "rate": "3.85"]

    func registerForm(_ context: PledgeRequestContext, values: [String: String], errors: [String: [String]]) -> String {
        let l = context.language
        let fields = Self.formFields.map { f -> [String: Any] in
            ["key": f.key, "label": l.pick(f.zh, f.en), "type": f.type, "value": values[f.key] ?? "", "errors": errors[f.key] ?? [], "invalid": errors[f.key] != nil,
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

    func submit(_ form: Form, _ context: PledgeRequestContext) async throws -> Response {
        let l = context.language, m = Messages(l, http: true)
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
            let (registration, entry, _) = try await PledgeServer.blocking { try submission.register(on: ledger) }
            if entry.isProposal { return Response(status: .seeOther, headers: [.location: "/proposals/\(entry.seq)"]) }
            let path = "/registrations/" + (registration.regNo.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? registration.regNo)
            return Response(status: .seeOther, headers: [.location: path])
        } catch {
            var (errors, general, status) = try Self.formRefusal(error, m)
            if !general.isEmpty { errors["", default: []] += general }
            return page(context, title: l.pick("新登记", "New registration"), status: status, content: registerForm(context, values: values, errors: errors))
        }
    }
}
