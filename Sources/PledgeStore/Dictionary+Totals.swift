extension Dictionary {
    /// Adds `count` and `amount` to the pair at `key` (zero when absent) with one hash lookup:
    /// `d[k, default: (0, 0)].0 += …` followed by `.1 += …` hashes the key twice. Wrapping: the writers keep the
    /// ledger's grand total within `Int64` (`Ledger.requireTotalsInRange`), and the verifier compares, never traps.
    mutating func add(_ key: Key, _ count: Int64, _ amount: Int64) where Value == (Int64, Int64) {
        change(key, from: (0, 0)) { $0.0 &+= count; $0.1 &+= amount }
    }

    mutating func add(_ key: Key, _ count: Int64, _ amount: Int64) where Value == (registrations: Int64, amount: Int64) {
        change(key, from: (0, 0)) { $0.registrations &+= count; $0.amount &+= amount }
    }

    private mutating func change(_ key: Key, from initial: Value, _ body: (inout Value) -> Void) {
        body(&self[key, default: initial])
    }
}
