import Foundation

/// Strings as SQLite sees them: UTF-8 bytes compared with memcmp (the BINARY collation), without Swift's
/// Unicode-normalizing hash and comparison, which the aggregates' keys (Chinese names) made slow.
extension String {
    /// Feeds the UTF-8 bytes (and their count) to a hasher: no Unicode normalization.
    func hashBytes(into h: inout Hasher) {
        var s = self
        s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
        h.combine(utf8.count)
    }

    func sameBytes(_ other: String) -> Bool {
        var a = self, b = other
        return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
    }

    /// SQLite's BINARY order: negative, zero or positive as `self` sorts before, with or after `other` in a text
    /// key (bytes, then length). Writing keys in this order visits each page of the table's b-tree once.
    func bytesOrder(_ other: String) -> Int {
        var a = self, b = other
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                let c = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return c != 0 ? Int(c) : x.count - y.count
            }
        }
    }
}

/// A text key's place in SQLite's byte order, at integer speed: a group first (e.g. a target), then the first 16
/// UTF-8 bytes as two big-endian integers; keys equal here are told apart by their whole bytes (`sortedByBytes`).
struct BytesOrderKey: Comparable {
    var group: Int, high: UInt64, low: UInt64

    init(group: Int, _ s: String) {
        var s = s
        var words: (UInt64, UInt64) = (0, 0)
        s.withUTF8 { bytes in
            withUnsafeMutableBytes(of: &words) { raw in raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes).prefix(16))) }
        }
        (self.group, high, low) = (group, UInt64(bigEndian: words.0), UInt64(bigEndian: words.1))
    }

    static func < (a: Self, b: Self) -> Bool { (a.group, a.high, a.low) < (b.group, b.high, b.low) }
}

extension Array {
    /// The elements in SQLite's order of `key` (within `group`, ascending): the order to upsert them in, so that
    /// each page of a large table's b-tree is visited once. Sorts indices by integer prefixes: sorting the elements
    /// themselves with String's `<` cost more than the upserts.
    func sortedByBytes(group: (Element) -> Int = { _ in 0 }, of key: (Element) -> String) -> [Element] {
        let prefixes = map { BytesOrderKey(group: group($0), key($0)) }
        var order = Array<Int>(indices)
        order.sort { a, b in
            prefixes[a] != prefixes[b] ? prefixes[a] < prefixes[b] : key(self[a]).bytesOrder(key(self[b])) < 0
        }
        return order.map { self[$0] }
    }
}
