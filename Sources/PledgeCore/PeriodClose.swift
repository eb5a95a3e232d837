/// A closed month: what `period close` records. The month's figures are frozen; later changes dated
/// in it need `--late` and show as late adjustments.
public struct PeriodClose: Sendable, Equatable, Codable {
    /// One row of the month's aggregate at closing (the `monthly_totals` key and figures).
    public struct Total: Sendable, Equatable, Codable {
        public var ipType: String
        public var prefectureCode: String
        public var park: String
        public var bank: String
        public var rywq: Bool
        public var firstLoan: Bool
        public var registrations: Int
        public var amountFen: Int64

        public init(ipType: String, prefectureCode: String, park: String, bank: String, rywq: Bool, firstLoan: Bool,
                    registrations: Int, amountFen: Int64) {
            self.ipType = ipType
            self.prefectureCode = prefectureCode
            self.park = park
            self.bank = bank
            self.rywq = rywq
            self.firstLoan = firstLoan
            self.registrations = registrations
            self.amountFen = amountFen
        }
    }

    public var month: String
    /// The journal head when the month was closed: `headSeq:headHash` proves what the figures were drawn from.
    public var headSeq: Int64
    public var headHash: String
    public var totals: [Total]

    public init(month: YearMonth, headSeq: Int64, headHash: String, totals: [Total]) {
        self.month = month.description
        self.headSeq = headSeq
        self.headHash = headHash
        self.totals = totals
    }

    public var registrations: Int { totals.reduce(0) { $0 + $1.registrations } }
    public var amount: Fen { Fen(totals.reduce(0) { $0 + $1.amountFen }) }
}
