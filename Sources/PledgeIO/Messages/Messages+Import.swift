import Foundation
import PledgeCore

extension Messages {
    /// `headerRow`: the row the file's header is on (1 but in a workbook with title rows above it).
    public func describe(_ e: ImportError, file: String, headerRow: Int = 1) -> String {
        switch e {
        case .fileMissing(let p): text(.fileMissing, ["file": p])
        case .io(let d): text(.fileUnreadable, ["file": file, "detail": d])
        case .notRegular: text(.notRegular, ["file": file])
        case .badEncoding(let line, let p):
            text(.badEncoding, ["file": file, "line": String(line), "detail": text(p == .truncatedCharacter ? .truncatedGB18030 : .neitherEncoding)])
        case .empty: text(.emptyFile, ["place": "\(file):\(headerRow)"])
        case .noDataRows: text(.noDataRows, ["place": "\(file):\(headerRow + 1)"])
        case .header(let column, let p): "\(file):\(headerRow):\(column.isEmpty ? headerPlace(p) : column): " + header(p)
        }
    }

    private func headerPlace(_ p: ImportError.HeaderProblem) -> String {
        if case .empty(let i) = p { return text(.column, ["index": String(i)]) }
        return ""
    }

    private func header(_ p: ImportError.HeaderProblem) -> String {
        switch p {
        case .empty: text(.headerEmpty)
        case .unknown: text(.headerUnknown, ["names": ImportColumn.allCases.map { $0.headers.joined(separator: "/") }.joined(separator: ", ")])
        case .duplicate(let first, let i, let column): text(.headerDuplicate, ["other": first, "index": String(i), "column": column])
        case .missing(let names): text(.headerMissing, ["names": names.joined(separator: language == .zh ? " 或 " : " or ")])
        case .noAmount: text(.headerNoAmount)
        case .twoAmounts: text(.headerTwoAmounts)
        }
    }

    public func describe(_ e: ImportRefused) -> String {
        var lines = e.summary.problems.map(\.line)
        if e.summary.unlisted > 0 { lines.append(text(.moreProblems, ["count": String(e.summary.unlisted)])) }
        lines += e.summary.warnings
        lines.append(e.summary.line(self))
        lines.append(text(e.summary.invalid > 0 ? .importRefusedInvalid : .importRefusedConflict, ["file": e.file]))
        return lines.joined(separator: "\n")
    }

    /// A row of the CSV reader's that cannot be read (`place` is `FILE:ROW:COLUMN`).
    func describe(_ e: CSVReadError, file: String, headers: [String], forcedUTF8: Bool) -> String {
        func place(_ row: Int, _ c: Int) -> String {
            "\(file):\(row):\(c < headers.count ? headers[c] : text(.column, ["index": String(c + 1)]))"
        }
        switch e {
        case .unterminatedQuote(let row, let c): return text(.unterminatedQuote, ["place": place(row, c)])
        case .characterAfterQuote(let row, let c): return text(.characterAfterQuote, ["place": place(row, c)])
        case .invalidUTF8(let row, let c): return text(forcedUTF8 ? .invalidUTF8Forced : .invalidUTF8AfterBOM, ["place": place(row, c)])
        case .fieldTooLarge(let row, let c): return text(.fieldTooLarge, ["place": place(row, c), "size": String(CSVReader.maxFieldBytes / 1024)])
        case .recordTooLarge(let row, let c): return text(.recordTooLarge, ["place": place(row, c), "size": String(CSVReader.maxRecordBytes >> 20)])
        case .read(let err): return text(.fileUnreadable, ["file": file, "detail": String(cString: strerror(err))])
        }
    }
}

extension Messages {
    public func describe(_ e: WorkbookError, file: String) -> String {
        switch e {
        case .notAWorkbook: text(.workbookInvalid, ["file": file])
        case .legacyXLS: text(.workbookLegacy, ["file": file])
        case .missingPart(let part): text(.workbookMissingPart, ["file": file, "part": part])
        case .noSheet(let sheet, let sheets): text(.workbookNoSheet, ["file": file, "sheet": sheet.printableExcerpt, "sheets": sheets.map(\.printableExcerpt).joined(separator: language == .zh ? "、" : ", ")])
        case .malformedXML(let part, let line): text(.workbookMalformed, ["file": file, "part": part, "line": String(line)])
        case .partTooLarge(let part): text(.workbookPartTooLarge, ["file": file, "part": part])
        }
    }
}
