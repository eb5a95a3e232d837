#if canImport(Glibc)
import Glibc
#endif

/// Gives each distinct byte string a small dense integer without building a String: the keys of the
/// quick pass's aggregates (months, banks, parks, USCCs, names) are looked up once per row.
struct ByteInterner {
    private var arena: [UInt8] = []
    /// Start and end in `arena` of each id.
    private var spans: [(start: Int, end: Int)] = []
    /// Open addressing, at most half full. A slot holds the key's hash (high 24 bits), its length (8 bits,
    /// 255 when longer than `inlineBytes`) and id + 1 (0 for an empty slot), then a key of up to 24 bytes
    /// itself, zero-padded: a USCC is found or placed by visiting one slot, without reading `spans` or
    /// `arena` (on a million-row ledger those three reads were three cache misses per row).
    private var slots = [Slot](repeating: Slot(), count: 1024)

    struct Slot {
        var word: UInt64 = 0
        var key: (UInt64, UInt64, UInt64) = (0, 0, 0)
    }

    static let inlineBytes = 24

    /// SipHash with the process's random seed (Hasher) unless `trustedKeys`: then a multiply-xorshift over
    /// eight bytes at a time, several times faster on the 60–80-byte group keys. Only for keys that nobody can multiply at will to force collisions (values from the
    /// reference lists, months, IP types); enterprise names and USCCs come from registrations.
    private let trustedKeys: Bool
    /// A fresh `Hasher` (the process's random seed), copied for each key rather than made anew.
    private let seeded = Hasher()

    /// `expected`: how many keys to make room for at once (a hint; more still fit). Growing rehashes every key.
    init(trustedKeys: Bool = false, expected: Int = 0) {
        self.trustedKeys = trustedKeys
        guard expected > 512 else { return }
        var size = 1024
        while size < expected * 2 + 2 { size *= 2 }
        slots = [Slot](repeating: Slot(), count: size)
        spans.reserveCapacity(expected)
        arena.reserveCapacity(expected * 18)   // a USCC's length
    }

    var count: Int { spans.count }

    mutating func id(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        switch find(bytes) {
        case .found(let id): return id
        case .absent(let slot, let word, let key):
            let id = spans.count
            spans.append((arena.count, arena.count + bytes.count))
            arena.append(contentsOf: bytes)
            slots[slot] = Slot(word: word | UInt64(id + 1), key: key)
            if spans.count * 2 > slots.count { grow() }
            return Int32(id)
        }
    }

    /// The id of `bytes` if they have one (nothing is added).
    func existingID(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        if case .found(let id) = find(bytes) { return id }
        return nil
    }

    private enum Lookup { case found(Int32), absent(slot: Int, word: UInt64, key: (UInt64, UInt64, UInt64)) }

    private func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Lookup {
        let hash = hash(bytes)
        let length: UInt64 = bytes.count <= Self.inlineBytes ? UInt64(bytes.count) : 255
        let tag = hash & 0xFFFF_FF00_0000_0000 | length << 32
        let key = length == 255 ? (0, 0, 0) : Self.padded(bytes)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        let found: Int32? = slots.withUnsafeBufferPointer { slots in
            while slots[i].word != 0 {
                let slot = slots[i]
                if slot.word & 0xFFFF_FFFF_0000_0000 == tag {
                    let id = Int(slot.word & 0xFFFF_FFFF) - 1
                    if length == 255 ? same(id, bytes) : slot.key == key { return Int32(id) }
                }
                i = (i + 1) & mask
            }
            return nil
        }
        if let found { return .found(found) }
        return .absent(slot: i, word: tag, key: key)
    }

    /// The first 24 bytes, zero-padded, as three words (the length is kept beside them).
    private static func padded(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64) {
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { w in
            if bytes.count > 0 { w.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
        }
        return words
    }

    func withBytes<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let span = spans[Int(id)]
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[span.start..<span.end])) }
    }

    private func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if trustedKeys {
            // Eight bytes per step (multiply-xorshift), the last word padded with zeros; the length goes in first.
            let raw = UnsafeRawBufferPointer(bytes)
            var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(raw.count)
            var i = 0
            while i + 8 <= raw.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xbf58_476d_1ce4_e5b9
                h ^= h >> 31
                i += 8
            }
            if i < raw.count {
                var last: UInt64 = 0
                for (shift, b) in raw[i...].enumerated() { last |= UInt64(b) << (8 * UInt64(shift)) }
                h = (h ^ last) &* 0xbf58_476d_1ce4_e5b9
            }
            // Spread into both the slot index (low bits) and the tag (high bits).
            h ^= h >> 29
            return h &* 0x94d0_49bb_1331_11eb ^ (h >> 32)
        }
        var hasher = seeded
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        return UInt64(UInt(bitPattern: hasher.finalize()))
    }

    mutating func id(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { id($0) }
    }

    private func same(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let span = spans[id]
        guard span.end - span.start == bytes.count else { return false }
        return bytes.count == 0 || arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + span.start, bytes.baseAddress!, bytes.count) == 0 }
    }

    func string(_ id: Int32) -> String {
        let span = spans[Int(id)]
        return String(decoding: arena[span.start..<span.end], as: UTF8.self)
    }

    private mutating func grow() {
        var bigger = [Slot](repeating: Slot(), count: slots.count * 2)
        let mask = bigger.count - 1
        for slot in slots where slot.word != 0 {
            let span = spans[Int(slot.word & 0xFFFF_FFFF) - 1]
            let h = arena.withUnsafeBufferPointer { hash(UnsafeBufferPointer(rebasing: $0[span.start..<span.end])) }
            var i = Int(truncatingIfNeeded: h) & mask
            while bigger[i].word != 0 { i = (i + 1) & mask }
            bigger[i] = slot
        }
        slots = bigger
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Byte equality through memcmp (the generic `elementsEqual` compares one byte at a time).
    func same(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        count == other.count && (count == 0 || memcmp(baseAddress!, other.baseAddress!, count) == 0)
    }

    func same(_ other: [UInt8]) -> Bool { other.withUnsafeBufferPointer { same($0) } }
}
