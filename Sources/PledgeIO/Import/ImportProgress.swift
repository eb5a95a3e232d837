import PledgeStore

/// What an import reports while it runs (`Importer.progress`), for a terminal's progress line.
public enum ImportProgress: Sendable, Equatable {
    /// Rows read, validated and written so far: bytes of the file read, its size, rows read. Every batch of rows.
    case reading(bytes: Int64, total: Int64, rows: Int)
    /// Every row is written and none was refused; a step that completes the load starts (only a load that commits
    /// reports these).
    case finishing(LoadStep)
}
