/// The fixed parts of a workbook `XLSXWriter` writes (SpreadsheetML, ECMA-376), and each sheet's XML around its rows.
enum XLSXPackage {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    static func contentTypes(sheets: Int) -> String {
        declaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + (1...max(sheets, 1)).map {
                "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            }.joined()
            + "</Types>"
    }

    static let packageRelationships = declaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationships)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"

    static func workbook(names: [String]) -> String {
        var sheets: [UInt8] = []
        for (i, name) in names.enumerated() {
            sheets += Array("<sheet name=\"".utf8)
            XLSXWriter.appendEscaped(name, to: &sheets)
            sheets += Array("\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>".utf8)
        }
        return declaration + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\"><bookViews><workbookView/></bookViews><sheets>"
            + String(decoding: sheets, as: UTF8.self) + "</sheets></workbook>"
    }

    static func workbookRelationships(sheets: Int) -> String {
        declaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + (1...max(sheets, 1)).map { "<Relationship Id=\"rId\($0)\" Type=\"\(relationships)/worksheet\" Target=\"worksheets/sheet\($0).xml\"/>" }.joined()
            + "<Relationship Id=\"rId\(sheets + 1)\" Type=\"\(relationships)/styles\" Target=\"styles.xml\"/>"
            + "<Relationship Id=\"rId\(sheets + 2)\" Type=\"\(relationships)/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"
    }

    /// Cell formats, each plain and bold (index format × 2 + bold): 0 general, 1 text, 2 integer (#,##0),
    /// 3 元 (#,##0.00), 4 date (yyyy-mm-dd), 5 万元 (#,##0.00####, exact to the 分).
    static let styles: String = {
        let formats = [0, 49, 3, 4, 164, 165]
        var xfs: [String] = []
        for id in formats {
            for bold in 0...1 {
                let number = id == 0 ? "" : " applyNumberFormat=\"1\""
                let font = bold == 1 ? " applyFont=\"1\"" : ""
                xfs.append("<xf numFmtId=\"\(id)\" fontId=\"\(bold)\" fillId=\"0\" borderId=\"0\" xfId=\"0\"\(number)\(font)/>")
            }
        }
        var parts: [String] = [declaration, "<styleSheet xmlns=\"\(main)\">"]
        parts.append("<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/><numFmt numFmtId=\"165\" formatCode=\"#,##0.00####\"/></numFmts>")
        let font = "<sz val=\"11\"/><name val=\"等线\"/><family val=\"2\"/><charset val=\"134\"/>"
        parts.append("<fonts count=\"2\"><font>\(font)</font><font><b/>\(font)</font></fonts>")
        parts.append("<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>")
        parts.append("<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>")
        parts.append("<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>")
        parts.append("<cellXfs count=\"\(xfs.count)\">\(xfs.joined())</cellXfs>")
        parts.append("<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>")
        return parts.joined()
    }()

    static func sharedStrings(_ texts: [String]) -> String {
        var out = Array((declaration + "<sst xmlns=\"\(main)\" count=\"\(texts.count)\" uniqueCount=\"\(texts.count)\">").utf8)
        for t in texts {
            out += Array((XLSXWriter.needsPreserve(t) ? "<si><t xml:space=\"preserve\">" : "<si><t>").utf8)
            XLSXWriter.appendEscaped(t, to: &out)
            out += Array("</t></si>".utf8)
        }
        out += Array("</sst>".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// A sheet's XML before its rows: the header frozen, the columns' widths.
    static func sheetHead(widths: [Int]) -> String {
        let cols = widths.enumerated().map { i, w in
            "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(min(max(w + 2, 8), 60))\" customWidth=\"1\"/>"
        }.joined()
        return declaration + "<worksheet xmlns=\"\(main)\" xmlns:r=\"\(relationships)\">"
            + "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            + "<selection pane=\"bottomLeft\"/></sheetView></sheetViews>"
            + (cols.isEmpty ? "" : "<cols>\(cols)</cols>") + "<sheetData>"
    }

    static let sheetTail = "</sheetData></worksheet>"
}
