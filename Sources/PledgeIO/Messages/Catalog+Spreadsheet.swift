extension Catalog {
    /// Excel workbooks: reading a bank's .xlsx, writing reports as .xlsx.
    static let spreadsheet: [MessageKey: (zh: String, en: String)] = [
        .workbookInvalid: ("{file}：不是有效的 .xlsx 工作簿（文件不完整或已损坏）；请在 Excel 或 WPS 中打开后另存为 .xlsx",
                           "{file}: not a valid .xlsx workbook (cut short or damaged); open it in Excel or WPS and save it as .xlsx again"),
        .workbookLegacy: ("{file}：这是旧版 Excel 97–2003 工作簿（.xls），不能直接导入；请另存为 .xlsx（Excel 工作簿）或 CSV UTF-8",
                          "{file}: this is a legacy Excel 97–2003 workbook (.xls), which is not read; save it as .xlsx (Excel Workbook) or CSV UTF-8"),
        .workbookMissingPart: ("{file}：工作簿缺少 {part}；请在 Excel 或 WPS 中打开后重新保存",
                               "{file}: the workbook lacks {part}; open it in Excel or WPS and save it again"),
        .workbookNoSheet: ("{file}：没有名为“{sheet}”的工作表；工作表有：{sheets}", "{file}: no sheet is named \"{sheet}\"; the sheets are: {sheets}"),
        .workbookMalformed: ("{file}：工作簿中的 {part} 第 {line} 行不是有效的 XML；请在 Excel 或 WPS 中打开后重新保存",
                             "{file}: {part} in the workbook is not well-formed XML at line {line}; open it in Excel or WPS and save it again"),
        .workbookPartTooLarge: ("{file}：工作簿中的 {part} 解压后超过 2 GiB；请拆成几个文件导入",
                                "{file}: {part} in the workbook is over 2 GiB once decompressed; split the rows over several files"),
        .sheetNotWorkbook: ("{file}：--sheet 只适用于 .xlsx 工作簿，这个文件是 CSV", "{file}: --sheet applies to .xlsx workbooks only; this file is CSV"),
        .cellError: ("{place}：单元格 {cell} 是错误值 {value}；请在表格中修正公式后重新保存",
                     "{place}: cell {cell} holds the error {value}; fix the formula in the workbook and save it again"),
        .cellNotADate: ("{place}：单元格 {cell} 的数字 {value} 不是合理的日期；请填日期单元格或 YYYY-MM-DD 文本",
                        "{place}: cell {cell} holds the number {value}, which is not a plausible date; enter a date cell or YYYY-MM-DD text"),
        .cellDigitsLost: ("{place}：单元格 {cell} 是数字 {value}，长号码的末几位已丢失；请把该列设为文本格式后重新录入",
                          "{place}: cell {cell} is the number {value}, which has lost a long identifier's last digits; format the column as text and enter it again"),
        .cellWithoutHeader: ("{place}：单元格 {cell} 有值“{value}”，但这一列没有表头；请补上表头或删去该值",
                             "{place}: cell {cell} holds \"{value}\" but its column has no header; add the header or remove the value"),
        .xlsxNeedsOutput: ("--format xlsx 需要 --output 文件（工作簿不是文本，不能打印到终端）",
                           "--format xlsx needs --output FILE (a workbook is not text to print)"),
        .sheetAbout: ("说明", "About"),
    ]
}
