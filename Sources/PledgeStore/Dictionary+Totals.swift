extension Dictionary {
    /// Adds `count` and `amount` to the pair at `key` (zero when absent) with one hash lookup:
    /// `d[k, default: (0, 0)].0 += …` followed by `.1 += …` hashes the key twice.
    mutating func add(_ key: Key, _ count: Int64, _ amount: Int64) where Value == (registrations: Int64, amount: Int64) {
        Self.bump(&self[key, default: (0, 0)], count, amount)
    }

    mutating func add(_ key: Key, _ count: Int64, _ amount: Int64) where Value == (Int64, Int64) {
        Self.bump(&self[key, default: (0, 0)], count, amount)
    }

    private static func bump(_ pair: inout (Int64, Int64), _ count: Int64, _ amount: Int64) {
        pair.0 += count
        pair.1 += amount
    }

    private static func bump(_ pair: inout (registrations: Int64, amount: Int64), _ count: Int64, _ amount: Int64) {
        pair.registrations += count
        pair.amount += amount
    }
}
