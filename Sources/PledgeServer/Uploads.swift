import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A `multipart/form-data` body (a browser's file upload): its text fields and its files.
struct MultipartForm {
    var fields: [String: String] = [:]
    var files: [String: (filename: String, bytes: ByteBuffer)] = [:]

    /// Nil when the content type is not multipart or names no boundary; throws when the body is not multipart.
    init?(contentType: String?, body: ByteBuffer) throws {
        guard let type = contentType, type.lowercased().hasPrefix("multipart/form-data"),
              let b = type.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { $0.lowercased().hasPrefix("boundary=") })
        else { return nil }
        let boundary = String(b.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard !boundary.isEmpty else { return nil }
        let parser = MultipartParser(boundary: boundary)
        var disposition = "", part = ByteBuffer()
        var parts: [(String, ByteBuffer)] = []
        parser.onHeader = { name, value in if name.lowercased() == "content-disposition" { disposition = value } }
        parser.onBody = { chunk in part.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append((disposition, part))
            (disposition, part) = ("", ByteBuffer())
        }
        try parser.execute(body)
        for (disposition, bytes) in parts {
            guard let name = Self.parameter("name", of: disposition) else { continue }
            if let filename = Self.parameter("filename", of: disposition) {
                files[name] = (filename, bytes)
            } else if fields[name] == nil {
                fields[name] = String(buffer: bytes)
            }
        }
    }

    /// `name="value"` from a Content-Disposition header (quotes optional; `;` inside quotes kept).
    static func parameter(_ key: String, of header: String) -> String? {
        var rest = Substring(header)
        while let range = rest.range(of: key + "=") {
            let before = rest[..<range.lowerBound].last
            rest = rest[range.upperBound...]
            guard before == nil || before == " " || before == ";" else { continue }
            if rest.first == "\"" {
                let value = rest.dropFirst().prefix { $0 != "\"" }
                return String(value)
            }
            return String(rest.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}

/// Uploaded files between the dry run and the confirmation: each in a private folder (0700, files 0600), for the user
/// who sent it, for at most an hour; removed when confirmed or expired, and the folder when the server stops.
public actor UploadStore {
    struct Upload: Sendable {
        var path: String
        var name: String
        var user: String
        var options: [String: String]
        var created: Date
    }

    let folder: String
    private var uploads: [String: Upload] = [:]
    static let lifetime: TimeInterval = 3600

    public init() {
        Self.removeAbandoned(in: NSTemporaryDirectory())
        var template = Array((NSTemporaryDirectory() + "/pledge-uploads-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        folder = made.map { String(cString: $0) } ?? NSTemporaryDirectory()
    }

    /// Removes the upload folders of this OS user untouched for longer than an upload lives: left by a server that was
    /// killed before it could remove its own (a running server's folder comes back at its next upload).
    static func removeAbandoned(in directory: String, now: Date = Date()) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix("pledge-uploads-") {
            let path = directory + "/" + name
            guard let a = try? fm.attributesOfItem(atPath: path), (a[.ownerAccountID] as? NSNumber)?.uint32Value == geteuid(),
                  a[.type] as? FileAttributeType == .typeDirectory,
                  let modified = a[.modificationDate] as? Date, now.timeIntervalSince(modified) > lifetime else { continue }
            try? fm.removeItem(atPath: path)
        }
    }

    /// Writes `bytes` to a new private file; its id and the upload.
    func save(_ bytes: ByteBuffer, name: String, user: String, options: [String: String]) throws -> (id: String, upload: Upload) {
        expire()
        let id = Self.randomID()
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw ServerFailure(.internalServerError, "cannot keep the upload: \(String(cString: strerror(errno)))") }
        let path = folder + "/" + id
        try Self.write(bytes, to: path)
        let upload = Upload(path: path, name: name, user: user, options: options, created: Date())
        uploads[id] = upload
        return (id, upload)
    }

    /// The upload `id` if `user` sent it and it has not expired.
    func upload(_ id: String, user: String) -> Upload? {
        expire()
        guard let u = uploads[id], u.user == user else { return nil }
        return u
    }

    func remove(_ id: String) {
        if let u = uploads.removeValue(forKey: id) { unlink(u.path) }
    }

    private func expire() {
        for (id, u) in uploads where Date().timeIntervalSince(u.created) > Self.lifetime { remove(id) }
    }

    /// Removes every upload and the folder.
    public func removeAll() {
        for id in uploads.keys { remove(id) }
        rmdir(folder)
    }

    /// A file only its owner can read, holding `bytes`.
    static func write(_ bytes: ByteBuffer, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ServerFailure(.internalServerError, "cannot keep the upload: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        let ok = bytes.withUnsafeReadableBytes { raw -> Bool in
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        guard ok else { throw ServerFailure(.internalServerError, "cannot keep the upload: \(String(cString: strerror(errno)))") }
    }

    static func randomID() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
