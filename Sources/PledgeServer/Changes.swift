import Foundation
import PledgeCore
import PledgeIO
import PledgeStore

/// A registration submitted over HTTP (a JSON body or the register form): fields keyed by the import file's English
/// headers, and the options `confirm_amount`, `allow_double_pledge`, `late` (true/false) and `reason`. The same rules
/// as `pledge register`: every broken rule at once, an unusual amount to confirm, a right still held, a closed month.
struct Submission {
    var fields: [String: String]
    /// The unit of `amount` when the form chose one (`万`, `元`, `亿`); else `amount_wan` or `amount_yuan` say it.
    var unit: MoneyUnit?

    static let options: Set<String> = ["confirm_amount", "allow_double_pledge", "late", "reason", "csrf", "unit"]

    /// The registration written, its entry, and the warnings that did not stop it (a USCC's other name).
    func register(on l: Ledger) throws -> (Registration, AppendedEntry, [RegistrationWarning]) {
        var input = RegistrationInput(amountUnit: unit ?? .yuan)
        var names: [RegistrationField: String] = [:]
        for (key, text) in fields.sorted(by: { $0.key < $1.key }) where !Self.options.contains(key) {
            if key == "amount" {
                input[.amount] = text
                names[.amount] = key
                continue
            }
            guard let column = ImportColumn(header: key), let field = column.field else { throw FieldError(field: key, value: text, rule: .unknownKey) }
            if column == .amountWan { input.amountUnit = .wan }
            input[field] = text
            names[field] = key
        }
        let fieldNames = names
        let validator = RegistrationValidator(reference: try l.reference(), today: CivilDate.today()) { f in fieldNames[f] ?? ImportColumn.header(for: f) }
        let registration = try validator.validate(input).get()
        let warnings = try l.warnings(for: registration)
        if fields["confirm_amount"] != "true", let unusual = warnings.first(where: \.isAmount) {
            throw FieldError(field: names[.amount] ?? "amount_yuan", value: input[.amount] ?? "", rule: .unusualAmount(unusual))
        }
        let reason = fields["reason"]?.trimmingSpaces
        let late = fields["late"] == "true", double = fields["allow_double_pledge"] == "true"
        if late || double, reason?.isEmpty != false { throw FieldError(field: "reason", value: reason ?? "", rule: .reasonRequired) }
        let entry = try l.register(registration, late: late, reason: (reason?.isEmpty ?? true) ? nil : reason, allowDoublePledge: double)
        return (registration, entry, warnings.filter { !$0.isAmount })
    }
}

/// A change to a registration asked over HTTP (the API's JSON or a page's form), with the fields the CLI's command
/// takes: `correct {field, value, reason, unit?, late?, confirm_amount?, allow_double_pledge?, allow_bad_uscc?}`,
/// `void {reason, late?}`, `release {date, reason?}`, `default {date}`, `extend {maturity}`.
enum LifecycleRequest: String, CaseIterable, Sendable {
    case correct, void, release, `default`, extend

    /// The form fields each change reads.
    var keys: [String] {
        switch self {
        case .correct: ["field", "value", "unit", "reason", "late", "confirm_amount", "allow_double_pledge", "allow_bad_uscc"]
        case .void: ["reason", "late"]
        case .release: ["date", "reason"]
        case .default: ["date"]
        case .extend: ["maturity"]
        }
    }

    func apply(to regNo: String, _ fields: [String: String], on l: Ledger) throws -> AppendedEntry {
        func required(_ key: String) throws -> String {
            guard let v = fields[key], !v.trimmingSpaces.isEmpty else { throw FieldError(field: key, value: "", rule: .required) }
            return v
        }
        func flag(_ key: String) -> Bool { ["true", "1", "on", "yes"].contains(fields[key] ?? "") }
        let today = CivilDate.today()
        switch self {
        case .correct:
            let name = try required("field")
            guard let field = RegistrationField(named: name) else { throw FieldError(field: "field", value: name, rule: .unknownKey) }
            var c = Correction(field: field, value: fields["value"] ?? "", reason: try required("reason"))
            if let u = fields["unit"], !u.isEmpty {
                guard let unit = MoneyUnit(text: u) else { throw FieldError(field: "unit", value: u, rule: .unitMissing) }
                c.unit = unit
            }
            (c.late, c.confirmAmount, c.allowDoublePledge, c.allowBadUSCC) =
                (flag("late"), flag("confirm_amount"), flag("allow_double_pledge"), flag("allow_bad_uscc"))
            return try c.apply(to: regNo, on: l, today: today, fieldName: { ImportColumn.header(for: $0) }, valueName: "value").0
        case .void:
            return try l.void(regNo, reason: try required("reason").trimmingSpaces, late: flag("late"))
        case .release:
            let date = try CivilDate.parsePast(try required("date"), field: "date", today: today)
            let reasonText = fields["reason"].flatMap { $0.isEmpty ? nil : $0 } ?? "repaid"
            guard let reason = ReleaseReason.parse(reasonText) else { throw FieldError(field: "reason", value: reasonText, rule: .releaseReason) }
            return try l.release(regNo, date: date, reason: reason)
        case .default:
            return try l.markDefault(regNo, date: try CivilDate.parsePast(try required("date"), field: "date", today: today))
        case .extend:
            return try l.extend(regNo, maturity: try CivilDate.parse(try required("maturity"), field: "maturity"))
        }
    }
}
