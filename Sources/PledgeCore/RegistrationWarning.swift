/// What makes a valid registration worth a second look before it counts: an amount far outside the ledger's range (a
/// 万 typed as 亿), or a USCC the ledger knows under another enterprise name. The CLI asks for `--confirm-amount`; an
/// import lists them as warnings (`--strict` refuses them). The only statement of these rules.
public enum RegistrationWarning: Sendable, Equatable {
    /// Above the amount a registration takes without confirmation.
    case amountAboveLimit(limit: Fen)
    /// At least `factor` times the median of the ledger's recent registrations.
    case amountFarAboveMedian(median: Fen, factor: Int64)
    /// The USCC is recorded under another name.
    case otherEnterpriseName(uscc: String, known: String)

    /// 5 亿元: no single IP pledge in Gansu has come near it; a 万 typed as 亿 lands far above it. A ledger may set its own
    /// (`pledge setting amount-confirm`).
    public static let amountLimit = Fen(5 * 100_000_000 * 100)
    /// The ledger setting that replaces `amountLimit`: integer fen.
    public static let settingKey = "amount_confirm_fen"
    public static let medianFactor: Int64 = 100

    public var isAmount: Bool {
        if case .otherEnterpriseName = self { return false }
        return true
    }

    /// The warnings for `r`, given the median of recent amounts and the name the ledger knows for its USCC.
    public static func check(_ r: Registration, median: Fen?, knownName: String?, limit: Fen = amountLimit) -> [RegistrationWarning] {
        var out: [RegistrationWarning] = []
        if r.amount > limit {
            out.append(.amountAboveLimit(limit: limit))
        } else if let median, median.value > 0, r.amount.value / median.value >= medianFactor {
            out.append(.amountFarAboveMedian(median: median, factor: medianFactor))
        }
        if let knownName, !knownName.sameBytes(r.enterprise) {
            out.append(.otherEnterpriseName(uscc: r.uscc, known: knownName))
        }
        return out
    }
}
