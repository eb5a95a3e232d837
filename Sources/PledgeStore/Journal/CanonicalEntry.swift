import Crypto
import Foundation
import PledgeCore

/// One journal row as read back: the envelope columns, the decoded event and the chain link.
public struct JournalEntry: Sendable, Equatable {
    public var seq: Int64
    public var at: String
    public var `operator`: String
    public var kind: EntryKind
    public var regNo: String?
    public var late: Bool
    /// Why an exception was recorded (a late registration), when one was given.
    public var reason: String?
    public var event: LedgerEvent
    public var payload: String
    public var prevHash: String
    public var hash: String
    /// Who proposed and approved the change, when an approval wrote the entry.
    public var approval: EntryApproval? = nil
}

/// The canonical byte form of an entry, specified in Schema/README.md and never changed once shipped:
/// compact JSON with keys sorted by code point, no escaped slashes, UTF-8:
/// `{"at":…,"data":{…},"kind":…,"late":true?,"operator":…,"reason":…?,"regNo":…?,"seq":n}`;
/// `hash = hex(SHA-256(ASCII(prev_hash) ‖ payload))`, prev_hash of seq 1 = 64 zeros.
public enum CanonicalEntry {
    public static let genesisHash = String(repeating: "0", count: 64)

    struct AnyEncodable: Encodable {
        let value: any Encodable
        func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
    }

    struct Envelope: Encodable {
        var at: String
        var data: AnyEncodable
        var kind: String
        var late: Bool?
        var `operator`: String
        var reason: String?
        var regNo: String?
        var seq: Int64
    }

    /// The whole entry in one decoding pass, once the kind is known.
    struct Full<T: Decodable>: Decodable {
        var at: String
        var data: T
        var kind: String
        var late: Bool?
        var `operator`: String
        var reason: String?
        var regNo: String?
        var seq: Int64
    }

    /// The envelope's kind alone: it decides the type of `data`.
    struct Kind: Decodable { var kind: String }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// The payload text of an entry.
    public static func payload(seq: Int64, at: String, operator op: String, regNo: String?, late: Bool, reason: String? = nil,
                               event: LedgerEvent) throws -> String {
        let data = try event.encodeData { AnyEncodable(value: $0) }
        let env = Envelope(at: at, data: data, kind: event.kind.rawValue, late: late ? true : nil, operator: op,
                           reason: reason, regNo: regNo, seq: seq)
        return String(decoding: try encoder().encode(env), as: UTF8.self)
    }

    public static func hash(prevHash: String, payload: String) -> String {
        hash(prevHash: prevHash, payload: Array(payload.utf8))
    }

    static func hash(prevHash: String, payload: [UInt8]) -> String {
        var h = SHA256()
        h.update(data: Array(prevHash.utf8))
        h.update(data: payload)
        return hex(h.finalize())
    }

    static func hash(prevHash: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> String {
        var h = SHA256()
        h.update(bufferPointer: prevHash)
        h.update(bufferPointer: payload)
        return hex(h.finalize())
    }

    /// Decodes a payload back into its envelope and event.
    public typealias Header = (seq: Int64, at: String, operator: String, kind: EntryKind, regNo: String?, late: Bool, reason: String?)

    public static func decode(payload: String) throws -> (header: Header, event: LedgerEvent) {
        let bytes = Data(payload.utf8)
        let decoder = JSONDecoder()
        do {
            // The kind decides the data's type: the envelope's kind first, then envelope and data together.
            guard let kind = EntryKind(rawValue: try decoder.decode(Kind.self, from: bytes).kind) else {
                throw LedgerDataError("payload has no known entry kind")
            }
            var header: Header?
            func full<T: Decodable>(_ t: T.Type) throws -> Any {
                let f = try decoder.decode(Full<T>.self, from: bytes)
                header = (f.seq, f.at, f.operator, kind, f.regNo, f.late ?? false, f.reason)
                return f.data
            }
            let event = try LedgerEvent.decode(kind: kind) { try full($0) }
            return (header!, event)
        } catch let e as LedgerDataError {
            throw e
        } catch {
            throw LedgerDataError("payload is not a readable entry (\(error))")
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of a digest.
    static func hex(_ digest: SHA256.Digest) -> String {
        digest.withUnsafeBytes { d in
            String(unsafeUninitializedCapacity: d.count * 2) { out in
                for (k, b) in d.enumerated() {
                    out[2 * k] = hexDigits[Int(b >> 4)]
                    out[2 * k + 1] = hexDigits[Int(b & 0x0F)]
                }
                return d.count * 2
            }
        }
    }

    /// UTC timestamp with milliseconds, `2024-03-05T08:00:00.123Z`.
    public static func timestamp(_ date: Date = Date()) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let ms = Int((date.timeIntervalSince1970 - Double(t)) * 1000) % 1000
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
    }
}
