import Foundation

/// Strings as SQLite sees them: UTF-8 bytes, without Swift's Unicode-normalizing hash and comparison, which the
/// aggregates' keys (Chinese names) made slow.
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
}
