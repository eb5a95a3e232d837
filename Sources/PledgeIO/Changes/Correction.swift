import PledgeCore
import PledgeStore

extension RegistrationField {
    /// The command line's name of the field (`--reg-no`, `correct --field reg-no`).
    public var argument: String {
        switch self {
        case .regNo: "reg-no"
        case .regDate: "date"
        case .amount: "amount"
        case .ipType: "ip-type"
        case .ipNumbers: "ip"
        case .firstLoan: "first-loan"
        case .appraisedValue: "appraised-value"
        case .insuredAmount: "insured-amount"
        default: journalKey
        }
    }

    /// A field by the flag's name (`amount`), the name clerks use (`金额`) or an import column's header (`登记金额(万元)`,
    /// `amount_wan`).
    public init?(named name: String) {
        let zh = Messages(.zh)
        if let f = Self.allCases.first(where: { $0.argument == name || zh.label($0) == name }) { self = f; return }
        let synonyms: [String: RegistrationField] = ["日期": .regDate, "登记金额": .amount, "贷款金额": .amount, "利率": .rate, "专利号": .ipNumbers,
                                                     "企业": .enterprise, "质权人": .bank, "贷款银行": .bank, "代码": .uscc, "信用代码": .uscc]
        if let f = synonyms[name] ?? ImportColumn(header: name)?.field { self = f; return }
        return nil
    }
}

/// A clerical correction of one field, by the same validation as registering: `pledge correct`, the API's `correct` and
/// the registration page's form.
public struct Correction: Sendable {
    public var field: RegistrationField
    public var value: String
    /// The unit of a corrected amount, unless the value says it (`2,100万`).
    public var unit: MoneyUnit?
    public var allowBadUSCC = false
    public var reason: String
    public var late = false
    /// An amount above the ledger's limit for unusual amounts is taken only with this.
    public var confirmAmount = false
    public var allowDoublePledge = false

    public init(field: RegistrationField, value: String, reason: String) {
        (self.field, self.value, self.reason) = (field, value, reason)
    }

    /// Corrects `regNo` on `ledger`. Messages name the fields by `fieldName` and the corrected value by `valueName`
    /// (`--value (amount)` on the command line, `value` in the API).
    public func apply(to regNo: String, on ledger: any LedgerStore, today: CivilDate, fieldName: @escaping @Sendable (RegistrationField) -> String,
                      valueName: String) throws -> (AppendedEntry, [FieldChange]) {
        guard field != .regNo else { throw LifecycleError(regNo: regNo, rule: .regNoIsPermanent) }
        guard !reason.trimmingSpaces.isEmpty else { throw FieldError(field: "reason", value: "", rule: .reasonRequired) }
        let validator = RegistrationValidator(reference: try ledger.reference(), today: today, fieldName: fieldName)
        func corrected(_ current: RegistrationState) throws -> Registration {
            var input = RegistrationInput(current.registration)
            input[field] = value
            if field == .amount { input.amountUnit = unit }
            // The other amounts are read in the input's unit (元, as the current amount is written): given in `unit`,
            // they are written in 元 first.
            if [.appraisedValue, .insuredAmount].contains(field), let unit, !value.trimmingSpaces.isEmpty {
                input[field] = try Fen.parse(amount: value, unit: unit, field: valueName).formatted(.yuan)
            }
            if field == .uscc { input.allowBadUSCC = allowBadUSCC }
            // A new park decides the prefecture.
            if field == .park { input[.prefecture] = nil }
            return try validator.validate(input).mapError { e in
                InvalidRegistration(errors: e.errors.map { $0.field == fieldName(field) ? $0.renamed(valueName) : $0 })
            }.get()
        }
        // An amount far out of range needs the same confirmation as at registration.
        if field == .amount, !confirmAmount, let current = try ledger.registration(regNo),
           let unusual = try ledger.warnings(for: corrected(current)).first(where: \.isAmount) {
            throw FieldError(field: valueName, value: value, rule: .unusualAmount(unusual))
        }
        return try ledger.correct(regNo, reason: reason.trimmingSpaces, late: late, allowDoublePledge: allowDoublePledge, corrected)
    }
}
