#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One CSV record: its fields as text and the spreadsheet row it starts on (header = row 1;
/// a quoted field spanning lines adds no row).
public struct CSVRecord: Sendable, Equatable {
    public var row: Int
    public var fields: [String]
}

/// What went wrong while reading CSV bytes. `column` is the 0-based field index.
public enum CSVReadError: Error, Equatable, Sendable {
    case unterminatedQuote(row: Int, column: Int)
    case characterAfterQuote(row: Int, column: Int)
    case invalidUTF8(row: Int, column: Int)
    /// A field longer than `CSVReader.maxFieldBytes`.
    case fieldTooLarge(row: Int, column: Int)
    /// A record longer than `CSVReader.maxRecordBytes` (thousands of columns, say).
    case recordTooLarge(row: Int, column: Int)
    case read(errno: Int32)

    /// The row and the 0-based column where the reading stopped; nil for a failed read.
    var place: (row: Int, column: Int)? {
        switch self {
        case .unterminatedQuote(let r, let c), .characterAfterQuote(let r, let c), .invalidUTF8(let r, let c), .fieldTooLarge(let r, let c),
             .recordTooLarge(let r, let c): (r, c)
        case .read: nil
        }
    }
}

/// A streaming RFC 4180 reader over a file descriptor: quoted fields with embedded commas, doubled
/// quotes and newlines; CRLF or LF line ends. Reads fixed-size chunks, so memory does not grow with the
/// file. Works on bytes and makes a `String` only for each finished field (validated as UTF-8).
/// (DESIGN.md "Measured facts": the CSV libraries available were too slow or not streaming.)
public final class CSVReader {
    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0          // first unconsumed byte
    private var end = 0            // one past the last valid byte
    private var eof = false
    private var nextRow = 1
    public private(set) var bytesConsumed: Int64 = 0

    /// The largest field (64 KiB) and record (1 MiB) read: a real row is a few hundred bytes, and the limits bound the
    /// memory a file can make the reader take, whatever its size.
    public static let maxFieldBytes = 64 << 10, maxRecordBytes = 1 << 20

    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// Reads from `fd` (not closed by the reader). A leading UTF-8 BOM is skipped.
    public init(fileDescriptor fd: Int32, chunkSize: Int = 1 << 20) {
        self.fd = fd
        buffer = [UInt8](repeating: 0, count: max(chunkSize, 64))
        skipBOM = true
    }

    private var skipBOM: Bool

    /// Fills the buffer after moving unconsumed bytes to its front; grows it when one record fills it.
    private func refill() throws {
        if start > 0 {
            let remaining = end - start
            if remaining > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + start, remaining)
                }
            }
            end = remaining
            start = 0
        }
        if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        let n = buffer.withUnsafeMutableBufferPointer { p in
            Glibc.read(fd, p.baseAddress! + end, p.count - end)
        }
        if n < 0 {
            if errno == EINTR { return try refill() }
            throw CSVReadError.read(errno: errno)
        }
        if n == 0 { eof = true }
        end += n
    }

    /// The next record, or nil at the end of the input. Blank lines come back as one empty field
    /// (callers skip them) so that row numbers stay those a spreadsheet shows.
    public func next() throws -> CSVRecord? {
        // Decide about a BOM before the first record, however small the chunks.
        while skipBOM {
            if eof || end - start >= 3 {
                skipBOM = false
                if end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
                    start += 3
                    bytesConsumed += 3
                }
            } else {
                try refill()
            }
        }
        while true {
            if let (record, consumed) = try parseRecord() {
                if consumed > Self.maxRecordBytes {
                    throw CSVReadError.recordTooLarge(row: record.row, column: max(0, record.fields.count - 1))
                }
                start += consumed
                bytesConsumed += Int64(consumed)
                return record
            }
            if eof {
                return nil
            }
            try refill()
        }
    }

    /// Parses one record from buffer[start..<end]. Returns nil when more bytes are needed
    /// (and the input has not ended) or when nothing is left.
    private func parseRecord() throws -> (CSVRecord, Int)? {
        if start == end { return nil }
        let row = nextRow
        return try buffer.withUnsafeBufferPointer { whole -> (CSVRecord, Int)? in
            let base = whole.baseAddress! + start
            let count = end - start
            var fields: [String] = []
            var i = 0
            /// nil (read more), or the limit this record has already passed.
            func needMore(_ fieldStart: Int, column: Int) throws -> (CSVRecord, Int)? {
                if count - fieldStart > Self.maxFieldBytes + 1 { throw CSVReadError.fieldTooLarge(row: row, column: column) }
                if count > Self.maxRecordBytes { throw CSVReadError.recordTooLarge(row: row, column: column) }
                return nil
            }
            func text(_ from: Int, _ to: Int, column: Int) throws -> String {
                guard let s = String(validating: UnsafeBufferPointer(start: base + from, count: to - from), as: UTF8.self) else {
                    throw CSVReadError.invalidUTF8(row: row, column: column)
                }
                return s
            }
            /// A quoted field's text with each doubled quote made one, on the bytes: `String.replacing` compares
            /// Characters, and a quote followed by a combining mark is another Character, so `""́` stayed doubled.
            func undoubled(_ from: Int, _ to: Int, column: Int) throws -> String {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(to - from)
                var j = from
                while j < to {
                    bytes.append(base[j])
                    j += base[j] == Self.quote ? 2 : 1   // inside the field every quote is the first of a pair
                }
                guard let s = String(validating: bytes, as: UTF8.self) else { throw CSVReadError.invalidUTF8(row: row, column: column) }
                return s
            }
            while true {
                let column = fields.count
                if i < count && base[i] == Self.quote {
                    // Quoted field: find the closing quote, skipping doubled quotes.
                    var j = i + 1
                    var hasDoubled = false
                    while true {
                        guard j < count else {
                            if eof { throw CSVReadError.unterminatedQuote(row: row, column: column) }
                            return try needMore(i, column: column)
                        }
                        guard let q = memchr(base + j, Int32(Self.quote), count - j) else {
                            if eof { throw CSVReadError.unterminatedQuote(row: row, column: column) }
                            return try needMore(i, column: column)
                        }
                        let k = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
                        if k + 1 < count && base[k + 1] == Self.quote {
                            hasDoubled = true
                            j = k + 2
                            continue
                        }
                        if k + 1 >= count && !eof { return try needMore(i, column: column) }   // cannot tell yet whether the quote is doubled
                        if k - i - 1 > Self.maxFieldBytes { throw CSVReadError.fieldTooLarge(row: row, column: column) }
                        fields.append(hasDoubled ? try undoubled(i + 1, k, column: column) : try text(i + 1, k, column: column))
                        i = k + 1
                        break
                    }
                    // After a closing quote: a comma, a line end, or the end of input.
                    if i >= count {
                        if !eof { return try needMore(i, column: column + 1) }
                        nextRow = row + 1
                        return (CSVRecord(row: row, fields: fields), i)
                    }
                    switch base[i] {
                    case Self.comma:
                        i += 1
                        continue
                    case Self.lf:
                        nextRow = row + 1
                        return (CSVRecord(row: row, fields: fields), i + 1)
                    case Self.cr:
                        if i + 1 >= count && !eof { return try needMore(i, column: column + 1) }
                        if i + 1 < count && base[i + 1] == Self.lf {
                            nextRow = row + 1
                            return (CSVRecord(row: row, fields: fields), i + 2)
                        }
                        throw CSVReadError.characterAfterQuote(row: row, column: column)
                    default:
                        throw CSVReadError.characterAfterQuote(row: row, column: column)
                    }
                } else {
                    // Unquoted field: up to the next comma or line end.
                    var j = i
                    while j < count && base[j] != Self.comma && base[j] != Self.lf { j += 1 }
                    if j >= count && !eof { return try needMore(i, column: column) }
                    if j - i > Self.maxFieldBytes + 1 { throw CSVReadError.fieldTooLarge(row: row, column: column) }
                    var fieldEnd = j
                    if (j >= count || base[j] == Self.lf) && fieldEnd > i && base[fieldEnd - 1] == Self.cr { fieldEnd -= 1 }
                    fields.append(try text(i, fieldEnd, column: column))
                    if j < count && base[j] == Self.comma {
                        i = j + 1
                        if i >= count && eof {
                            fields.append("")
                            nextRow = row + 1
                            return (CSVRecord(row: row, fields: fields), i)
                        }
                        continue
                    }
                    nextRow = row + 1
                    return (CSVRecord(row: row, fields: fields), j < count ? j + 1 : j)
                }
            }
        }
    }
}
