/// What a load is doing once its rows are read, in this order (a terminal shows the step instead of a bar at 100 %).
public enum LoadStep: Sendable, Equatable, CustomStringConvertible {
    /// The projection deltas still held in memory.
    case writingProjections
    /// A secondary index a first load dropped, built again.
    case buildingIndex(number: Int, count: Int)
    /// A first load's foreign keys and journal links, each checked once (`FirstLoadChecks`).
    case checkingForeignKeys, checkingChain
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
