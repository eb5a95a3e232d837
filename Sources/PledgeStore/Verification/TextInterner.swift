#if canImport(Glibc)
import Glibc
#endif

/// One `String` for each distinct text read: the enterprise, bank or park of a million registrations is stored once,
/// and equal texts compare by their storage address (`String.sameBytes`). Looked up by bytes, so a text already seen
/// costs no allocation. The many USCCs and names have tables of their own, so that the few banks, parks and rates
/// stay in a small one.
struct TextInterner {
    enum Kind { case common, uscc, name }
    private var common = Table(), usccs = Table(), names = Table()

    mutating func text(_ bytes: UnsafeRawBufferPointer, _ kind: Kind) -> String? {
        switch kind {
        case .common: common.text(bytes)
        case .uscc: usccs.text(bytes)
        case .name: names.text(bytes)
        }
    }

    private struct Table {
        var texts: [String] = []
        /// Open addressing: 0 is empty, otherwise the text's hash << 32 | its index in `texts` plus one.
        var slots: [UInt64] = []

        mutating func text(_ bytes: UnsafeRawBufferPointer) -> String? {
            if slots.isEmpty { slots = [UInt64](repeating: 0, count: 256) }
            let h = Self.hash(bytes)
            let mask = slots.count - 1
            var i = Int(h) & mask
            while slots[i] != 0 {
                let slot = slots[i]
                if UInt32(slot >> 32) == h {
                    let t = texts[Int(UInt32(truncatingIfNeeded: slot)) - 1]
                    if t.sameBytes(bytes) { return t }
                }
                i = (i + 1) & mask
            }
            guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
            texts.append(s)
            slots[i] = UInt64(h) << 32 | UInt64(texts.count)
            if texts.count * 2 > slots.count { grow() }
            return s
        }

        private mutating func grow() {
            let old = slots
            slots = [UInt64](repeating: 0, count: old.count * 2)
            let mask = slots.count - 1
            for slot in old where slot != 0 {
                var i = Int(slot >> 32) & mask
                while slots[i] != 0 { i = (i + 1) & mask }
                slots[i] = slot
            }
        }

        /// FNV-1a over the bytes: short texts, no seed needed (a collision costs a comparison, never a wrong answer).
        private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
            var h: UInt32 = 2_166_136_261
            for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
            return h
        }
    }
}
