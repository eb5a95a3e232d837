import Foundation

/// The encodings an import file may be in.
public enum ImportEncoding: String, CaseIterable, Sendable {
    case auto, utf8, gb18030
}

/// Decides a file's encoding and, for GB18030, transcodes it to a temporary UTF-8 file with iconv
/// in fixed-size chunks (memory stays flat).
enum TextEncoding {
    /// True when the whole file is valid UTF-8 (read in chunks). Stops at the first invalid byte.
    static func isValidUTF8(fd: Int32) throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var carry = 0   // bytes of an incomplete sequence moved to the front
        defer { lseek(fd, 0, SEEK_SET) }
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { read(fd, $0.baseAddress! + carry, $0.count - carry) }
            if n < 0 { throw ImportError.io(detail: String(cString: strerror(errno))) }
            let total = carry + n
            if n == 0 { return carry == 0 }
            let (valid, tail) = buffer.withUnsafeBufferPointer { utf8Prefix(UnsafeBufferPointer(rebasing: $0[0..<total])) }
            guard valid else { return false }
            if tail > 0 {
                for k in 0..<tail { buffer[k] = buffer[total - tail + k] }
            }
            carry = tail
        }
    }

    /// Validates UTF-8; returns (false, _) on an invalid sequence, else (true, length of an incomplete
    /// sequence at the end that needs more bytes).
    static func utf8Prefix(_ b: UnsafeBufferPointer<UInt8>) -> (Bool, Int) {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len: Int
            if c & 0xE0 == 0xC0 { len = 2; if c < 0xC2 { return (false, 0) } }
            else if c & 0xF0 == 0xE0 { len = 3 }
            else if c & 0xF8 == 0xF0 { len = 4; if c > 0xF4 { return (false, 0) } }
            else { return (false, 0) }
            if i + len > n {
                for k in (i + 1)..<n where b[k] & 0xC0 != 0x80 { return (false, 0) }
                return (true, n - i)
            }
            for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return (false, 0) }
            // Overlong 3/4-byte forms and surrogates.
            if len == 3 && ((c == 0xE0 && b[i + 1] < 0xA0) || (c == 0xED && b[i + 1] >= 0xA0)) { return (false, 0) }
            if len == 4 && ((c == 0xF0 && b[i + 1] < 0x90) || (c == 0xF4 && b[i + 1] >= 0x90)) { return (false, 0) }
            i += len
        }
        return (true, 0)
    }

    static func hasUTF8BOM(fd: Int32) -> Bool {
        var head = [UInt8](repeating: 0, count: 3)
        let n = head.withUnsafeMutableBufferPointer { pread(fd, $0.baseAddress!, 3, 0) }
        return n == 3 && head == [0xEF, 0xBB, 0xBF]
    }

    /// Transcodes GB18030 from `fd` into a new unlinked temporary file; returns its descriptor.
    /// Invalid input is reported with its line number.
    static func transcodeGB18030(fd: Int32) throws -> Int32 {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(dir)/pledge-import-XXXXXX".utf8CString)
        let out = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard out >= 0 else { throw ImportError.io(detail: "cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        guard let cd = Optional(iconv_open("UTF-8", "GB18030")), cd != iconv_t(bitPattern: -1) else {
            close(out)
            throw ImportError.io(detail: "this system's iconv cannot convert GB18030")
        }
        defer { iconv_close(cd) }
        var input = [UInt8](repeating: 0, count: 1 << 20)
        var output = [UInt8](repeating: 0, count: 1 << 21)
        var carry = 0
        var line = 1
        while true {
            let n = input.withUnsafeMutableBufferPointer { read(fd, $0.baseAddress! + carry, $0.count - carry) }
            if n < 0 { close(out); throw ImportError.io(detail: String(cString: strerror(errno))) }
            let available = carry + n
            if n == 0 && carry > 0 {
                close(out)
                throw ImportError.badEncoding(line: line, problem: .truncatedCharacter)
            }
            if available == 0 { break }
            var consumed = 0
            try input.withUnsafeMutableBufferPointer { inp in
                try output.withUnsafeMutableBufferPointer { outp in
                    var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inp.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var inLeft = available
                    while inLeft > 0 {
                        var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outp.baseAddress!).assumingMemoryBound(to: CChar.self)
                        var outLeft = outp.count
                        let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                        let produced = outp.count - outLeft
                        if produced > 0 {
                            var written = 0
                            while written < produced {
                                let w = write(out, outp.baseAddress! + written, produced - written)
                                if w < 0 { throw ImportError.io(detail: "cannot write the temporary file: \(String(cString: strerror(errno)))") }
                                written += w
                            }
                        }
                        let done = available - inLeft
                        for k in consumed..<done where inp[k] == 0x0A { line += 1 }
                        consumed = done
                        if r == -1 {
                            switch errno {
                            case E2BIG: continue
                            case EINVAL: inLeft = 0   // incomplete sequence at the chunk's end: carry it over
                            default: throw ImportError.badEncoding(line: line, problem: .neitherEncoding)
                            }
                        }
                    }
                }
            }
            carry = available - consumed
            if carry > 0 {
                for k in 0..<carry { input[k] = input[consumed + k] }
            }
        }
        lseek(out, 0, SEEK_SET)
        return out
    }
}
