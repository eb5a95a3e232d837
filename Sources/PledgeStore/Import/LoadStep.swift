/// What a bulk load is doing once its rows are written: a first load of a million rows spends about as long on these
/// steps (BENCHMARKS.md: 23 s of 48 s) as on the rows themselves, so a terminal says which one runs instead of a bar that
/// stands at 100 %. Reported in this order; a step that has nothing to do is not reported.
public enum LoadStep: Sendable, Equatable, CustomStringConvertible {
    /// The aggregates kept in memory, and a first load's rights, enterprise names and served pairs (`DerivedProjections`).
    case writingProjections
    /// A secondary index that a first load dropped, built again (`number` of `count`).
    case buildingIndex(number: Int, count: Int)
    /// A first load's foreign keys, checked once (`FirstLoadChecks.checkForeignKeys`).
    case checkingForeignKeys
    /// A first load's links of the journal's chain, checked once (`FirstLoadChecks.checkChain`).
    case checkingChain
    /// Everything is written and checked; the transaction commits (the file is synced).
    case committing

    public var description: String {
        switch self {
        case .writingProjections: "writing projections"
        case .buildingIndex(let n, let count): "building index \(n) of \(count)"
        case .checkingForeignKeys: "checking foreign keys"
        case .checkingChain: "checking the journal's chain"
        case .committing: "committing"
        }
    }
}
