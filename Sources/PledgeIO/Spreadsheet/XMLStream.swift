internal import CLibXML2
import Foundation

/// What a workbook part's reader is told while libxml2 streams the part: element starts and ends by local name
/// (a writer's namespace prefix, `x:row`, is already gone) and character data, all as the parser's own bytes, so a
/// cell costs no dictionary and no string per element. `end` answers false to stop the parse.
protocol XMLEvents: AnyObject {
    func start(_ name: XMLName, _ attributes: XMLAttributes)
    func end(_ name: XMLName) -> Bool
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// An element's or attribute's local name: a NUL-terminated UTF-8 string libxml2 owns for the callback's duration.
struct XMLName {
    let pointer: UnsafePointer<UInt8>

    static func ~= (pattern: StaticString, name: XMLName) -> Bool { name.equals(pattern) }

    func equals(_ s: StaticString) -> Bool {
        let p = s.utf8Start
        for i in 0..<s.utf8CodeUnitCount where pointer[i] != p[i] { return false }
        return pointer[s.utf8CodeUnitCount] == 0
    }
}

/// An element's attributes as SAX2 passes them: for each, five pointers (local name, prefix, URI, value, value end).
/// Values have their entity and character references already replaced.
struct XMLAttributes {
    let base: UnsafeMutablePointer<UnsafePointer<UInt8>?>?
    let count: Int

    func value(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        guard let base else { return nil }
        for i in 0..<count {
            let a = base + 5 * i
            if let local = a[0], XMLName(pointer: local).equals(name), let start = a[3], let end = a[4] {
                return UnsafeBufferPointer(start: start, count: end - start)
            }
        }
        return nil
    }

    subscript(_ name: StaticString) -> String? { value(name).map { String(decoding: $0, as: UTF8.self) } }

    /// A non-negative decimal attribute (`r="12"`, `s="3"`) read from its bytes.
    func integer(_ name: StaticString) -> Int? { value(name).flatMap(decimal) }
}

/// The digits of `bytes` (surrounding spaces allowed) as a number, nil for anything else or more than 18 digits.
func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var n = 0, digits = 0, trailing = false
    for b in bytes {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9") where !trailing:
            n = n * 10 + Int(b - UInt8(ascii: "0"))
            digits += 1
            if digits > 18 { return nil }
        case UInt8(ascii: " "), 9, 10, 13: if digits > 0 { trailing = true }
        default: return nil
        }
    }
    return digits > 0 ? n : nil
}

/// libxml2's push parser with SAX2 callbacks: a part streamed in chunks, never held as a tree. No DTD is loaded, no
/// entity the document declares is expanded (a reference to one is an error) and nothing is fetched from the network.
final class XMLStream {
    private let events: any XMLEvents
    private var context: xmlParserCtxtPtr?
    private(set) var stopped = false
    /// The line of the first error libxml2 reported.
    private var errorLine: Int?

    private static let initialized: Void = xmlInitParser()

    init(_ events: any XMLEvents) {
        _ = Self.initialized
        self.events = events
        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = { user, name, _, _, _, _, count, _, attributes in
            guard let user, let name else { return }
            Unmanaged<XMLStream>.fromOpaque(user).takeUnretainedValue().events.start(XMLName(pointer: name), XMLAttributes(base: attributes, count: Int(count)))
        }
        sax.endElementNs = { user, name, _, _ in
            guard let user, let name else { return }
            let stream = Unmanaged<XMLStream>.fromOpaque(user).takeUnretainedValue()
            if !stream.events.end(XMLName(pointer: name)) && !stream.stopped {
                stream.stopped = true
                xmlStopParser(stream.context)
            }
        }
        let characters: charactersSAXFunc = { user, bytes, count in
            guard let user, let bytes, count > 0 else { return }
            Unmanaged<XMLStream>.fromOpaque(user).takeUnretainedValue().events.text(UnsafeBufferPointer(start: bytes, count: Int(count)))
        }
        sax.characters = characters
        sax.cdataBlock = characters
        sax.ignorableWhitespace = characters
        // Errors are recorded, not printed (libxml2 would write them to stderr).
        sax.serror = { user, error in
            guard let user, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let stream = Unmanaged<XMLStream>.fromOpaque(user).takeUnretainedValue()
            if stream.errorLine == nil { stream.errorLine = Int(error.pointee.line) }
        }
        context = xmlCreatePushParserCtxt(&sax, Unmanaged.passUnretained(self).toOpaque(), nil, 0, nil)
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NOENT.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue))
    }

    deinit { xmlFreeParserCtxt(context) }

    /// Parses the next bytes of the part; throws the line of the first error, nothing once a reader stopped.
    func feed(_ chunk: UnsafeRawBufferPointer) throws(XMLStreamError) {
        guard !stopped else { return }
        let code = chunk.withMemoryRebound(to: CChar.self) { xmlParseChunk(context, $0.baseAddress, Int32($0.count), 0) }
        try check(code)
    }

    /// Tells the parser the part ended (an unclosed element is then an error).
    func finish() throws(XMLStreamError) {
        guard !stopped else { return }
        try check(xmlParseChunk(context, nil, 0, 1))
    }

    private func check(_ code: Int32) throws(XMLStreamError) {
        guard !stopped else { return }
        if code != 0 || errorLine != nil || context?.pointee.wellFormed == 0 {
            throw XMLStreamError(line: errorLine ?? Int(context?.pointee.input?.pointee.line ?? 0))
        }
    }

    /// Streams a part through `events` in chunks of 1 MiB: `fill` writes the next bytes into the buffer and answers how
    /// many (0 at the end). Stops early once a reader stopped.
    static func parse(_ events: any XMLEvents, fill: (UnsafeMutableRawBufferPointer) throws -> Int) throws {
        let stream = XMLStream(events)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
        defer { chunk.deallocate() }
        while !stream.stopped {
            let n = try fill(chunk)
            if n == 0 { return try stream.finish() }
            try stream.feed(UnsafeRawBufferPointer(rebasing: chunk[..<n]))
        }
    }

    /// Streams `data` through `events`.
    static func parse(_ data: Data, _ events: any XMLEvents) throws(XMLStreamError) {
        var offset = data.startIndex
        do {
            try parse(events) { chunk in
                let end = min(data.endIndex, offset + chunk.count)
                defer { offset = end }
                return data.copyBytes(to: chunk, from: offset..<end)
            }
        } catch let e as XMLStreamError {
            throw e
        } catch {
            throw XMLStreamError(line: 0)
        }
    }
}

struct XMLStreamError: Error {
    let line: Int
}
