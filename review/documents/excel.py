"""河北省产业集群龙头企业汇总表 (PROCESS.md §6) with openpyxl in write-only mode: memory stays flat.

Takes plain rows (review.documents.summary) and writes them; knows nothing about the database.
"""

from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from portal.dates import chinese_date

from .summary import COLUMNS, PlaqueRow, SummaryRow

SUMMARY_TITLE = "河北省产业集群龙头企业汇总表"
PLAQUE_TITLE = "牌匾制作清单"
PLAQUE_COLUMNS = ["序号", "证书编号", "企业名称", "产业集群", "设区市"]

# Widths in Excel character units (digits of the default font); a Chinese character at 10 pt takes about two.
# They add up to 245 units, so the sheet fits the width of A3 landscape at about 80 % (never below 70 %):
# text wraps inside its column and every row is as tall as its longest cell (row_height).
WIDTHS = [5, 7, 10, 16, 5, 20, 19, 14, 11, 10, 8, 8, 6, 7, 6, 18, 18, 8, 13, 7, 12]
PLAQUE_WIDTHS = [6, 28, 36, 28, 12]
# Header texts broken where a reader would break them (never 「国家专利（项」/「）」).
HEADER_LINES = {
    "县（市、区）": "县\n（市、区）",
    "推荐顺序": "推荐\n顺序",
    "统一社会信用代码": "统一社会\n信用代码",
    "营业收入（万元）": "营业收入\n（万元）",
    "纳税总额（万元）": "纳税总额\n（万元）",
    "所有者权益占比（%）": "所有者权益\n占比（%）",
    "科技投入占比（%）": "科技投入\n占比（%）",
    "国家专利（项）": "国家\n专利\n（项）",
    "带动中小企业（家）": "带动中小\n企业\n（家）",
    "集群内排名": "集群内\n排名",
    "县级初审意见": "县级初审意见",
    "省级认定结果": "省级认定\n结果",
}
# Opinions longer than this are shortened on the 汇总表 and printed whole on the 审核意见 sheet.
OPINION_LIMIT = 60
OPINIONS_TITLE = "审核意见"
OPINION_WIDTHS = [6, 30, 60, 60]
LINE_HEIGHT = 13.5  # points per line of 10 pt text, with the leading LibreOffice, WPS and Excel use
MAX_ROW_LINES = 28  # 28 lines ≈ 380 pt: under Excel's 409 pt limit for a row

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00"
INTEGER_FORMAT = "0"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'  # a date cell, shown as every official screen shows dates
COUNT_FORMAT = '"共 "0" 家"'
PAPER_A3, PAPER_A4 = 8, 9  # ECMA-376 paper size codes
# Characters that make a spreadsheet treat typed-in text as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = Font(name="宋体", size=10)
BOLD = Font(name="宋体", size=10, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


@dataclass(frozen=True)
class Style:
    font: Font = FONT
    alignment: Alignment = WRAP
    number_format: str = "General"
    fill: PatternFill | None = None
    border: Border | None = BORDER


TEXT_STYLE = Style()
TEXT_CENTER = Style(alignment=CENTER)
MONEY_STYLE = Style(alignment=RIGHT, number_format=MONEY_FORMAT)
PERCENT = Style(alignment=RIGHT, number_format=PERCENT_FORMAT)
INTEGER = Style(alignment=CENTER, number_format=INTEGER_FORMAT)
DATE_STYLE = Style(alignment=CENTER, number_format=DATE_FORMAT)
HEADER = Style(font=BOLD, alignment=CENTER, fill=HEADER_FILL)
TITLE_STYLE = Style(font=Font(name="黑体", size=18, bold=True), alignment=CENTER, border=None)
INFO_LEFT = Style(font=FONT, alignment=Alignment(horizontal="left", vertical="center"), border=None)
INFO_RIGHT = Style(font=FONT, alignment=Alignment(horizontal="right", vertical="center"), border=None)
SUB_TEXT = Style(font=BOLD, alignment=CENTER, fill=SUBTOTAL_FILL)
SUB_COUNT = Style(font=BOLD, alignment=CENTER, number_format=COUNT_FORMAT, fill=SUBTOTAL_FILL)
SUB_MONEY = Style(font=BOLD, alignment=RIGHT, number_format=MONEY_FORMAT, fill=SUBTOTAL_FILL)
SUB_BLANK = Style(font=BOLD, fill=SUBTOTAL_FILL)

ROW_STYLES = [
    INTEGER, TEXT_CENTER, TEXT_CENTER, TEXT_STYLE, INTEGER, TEXT_STYLE, TEXT_CENTER, DATE_STYLE, MONEY_STYLE,
    MONEY_STYLE, PERCENT, PERCENT, INTEGER, INTEGER, INTEGER, TEXT_STYLE, TEXT_STYLE, TEXT_CENTER, TEXT_CENTER,
    TEXT_CENTER, TEXT_CENTER,
]


def certificate_lines(number: str) -> str:
    """冀企产龙〔2024〕第001号 on two lines after the year, not wherever the column ends."""
    return number.replace("〕第", "〕\n第", 1) if number else number


class _Cells:
    """Makes styled write-only cells; each style is registered with the workbook once and then copied."""

    def __init__(self, ws):
        self.ws = ws
        self._styles = {}

    def _style_array(self, style: Style):
        array = self._styles.get(id(style))  # by identity: hashing openpyxl style objects is slow
        if array is None:
            prototype = WriteOnlyCell(self.ws)
            prototype.font = style.font
            prototype.alignment = style.alignment
            prototype.number_format = style.number_format
            if style.fill is not None:
                prototype.fill = style.fill
            if style.border is not None:
                prototype.border = style.border
            array = self._styles[id(style)] = prototype._style
        return array

    def __call__(self, value, style: Style = TEXT_STYLE):
        cell = WriteOnlyCell(self.ws)
        cell._style = copy(self._style_array(style))
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell.value = value
            # Never a formula: stored as a string, and quotePrefix keeps it text even when edited in Excel.
            cell.data_type = "s"
            if value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True
        else:
            cell.value = value
        return cell


def text_units(text: str) -> float:
    """Width of `text` in column units at 10 pt: a Chinese (full-width) character ≈ 2, others ≈ 1."""
    return sum(2.0 if ord(ch) >= 0x2E80 or ch in "（）“”‘’《》【】" else 1.05 for ch in text)


def line_count(value, width: float) -> int:
    """Lines a wrapped cell of column width `width` needs for `value` (explicit line breaks kept)."""
    if value is None:
        return 1
    text = value if isinstance(value, str) else str(value)
    usable = max(width - 1.2, 1.0)  # cell padding
    return sum(max(1, -(-int(text_units(line) * 100) // int(usable * 100))) for line in text.split("\n"))


def row_height(values, widths) -> float:
    """Height (pt) of a row so that no wrapped cell runs into the next row in LibreOffice, WPS or Excel."""
    lines = max(line_count(value, width) for value, width in zip(values, widths, strict=False))
    return round(min(lines, MAX_ROW_LINES) * LINE_HEIGHT + 4, 1)


def shortened(opinion: str) -> str:
    if len(opinion) <= OPINION_LIMIT:
        return opinion
    return opinion[: OPINION_LIMIT - 1] + "…（全文见“审核意见”表）"


def _setup_sheet(ws, widths, title_rows: str):
    """Widths, frozen header, print titles and A3 landscape fit to width: all before the first row."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = title_rows
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.header = 0.2
    ws.page_margins.bottom = 0.8  # room for the footer: it is never cut
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 10


def _heading(ws, cells: _Cells, *, title: str, unit: str, on: date, columns: list[str], widths: list[int]):
    last = get_column_letter(len(columns))
    half = get_column_letter(len(columns) // 2)
    after_half = get_column_letter(len(columns) // 2 + 1)
    headers = [HEADER_LINES.get(name, name) for name in columns]
    ws.row_dimensions[1].height = 36
    ws.row_dimensions[3].height = row_height(headers, widths)
    ws.append([cells(title, TITLE_STYLE)])
    ws.merged_cells.add(f"A1:{last}1")
    date_cell = cells(f"填报日期：{chinese_date(on)}", INFO_RIGHT)
    ws.append([cells(f"填报单位：{unit}", INFO_LEFT)] + [None] * (len(columns) // 2 - 1) + [date_cell])
    ws.merged_cells.add(f"A2:{half}2")
    ws.merged_cells.add(f"{after_half}2:{last}2")
    ws.append([cells(name, HEADER) for name in headers])


@dataclass
class _Totals:
    count: int = 0
    revenue: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)

    def add(self, row: SummaryRow):
        self.count += 1
        self.revenue += row.revenue or 0
        self.tax_total += row.tax_total or 0


def _append(ws, index: int, cells, height: float) -> None:
    """Append row `index` of `height` to a write-only sheet. The row is written as it is appended, height included,
    so its RowDimension is dropped at once: one kept per row made the 36,000-row export's memory grow with its rows
    (1.33× the 3,600-row peak)."""
    ws.row_dimensions[index].height = height
    ws.append(cells)
    del ws.row_dimensions[index]


@dataclass
class _SummarySheet:
    """One 汇总表 sheet: rows grouped by city with a subtotal row per city and a total row."""

    ws: object
    cells: _Cells
    serial: int = 0
    city: tuple[str, str] | None = None
    city_totals: _Totals = field(default_factory=_Totals)
    totals: _Totals = field(default_factory=_Totals)
    next_row: int = 4  # three heading rows
    long_opinions: list | None = None  # (serial, enterprise, county opinion, city opinion) shortened here

    def append(self, cells, values):
        _append(self.ws, self.next_row, cells, row_height(values, WIDTHS))
        self.next_row += 1

    def add(self, row: SummaryRow):
        if self.city is not None and self.city[0] != row.city_code:
            self._subtotal_row()
        if self.city is None or self.city[0] != row.city_code:
            self.city = (row.city_code, row.city)
            self.city_totals = _Totals()
        self.serial += 1
        self.city_totals.add(row)
        self.totals.add(row)
        values = [
            self.serial, row.city, row.county, row.cluster, row.recommendation_order, row.enterprise, row.credit_code,
            row.established_on, row.revenue, row.tax_total, row.equity_share, row.rd_share, row.patents, row.partners,
            row.cluster_rank, shortened(row.county_opinion), shortened(row.city_opinion), row.result,
            certificate_lines(row.certificate_number), row.contact_name, row.contact_phone,
        ]
        if self.long_opinions is not None and max(len(row.county_opinion), len(row.city_opinion)) > OPINION_LIMIT:
            self.long_opinions.append((self.serial, row.enterprise, row.county_opinion, row.city_opinion))
        shown = [chinese_date(v) if isinstance(v, date) else v for v in values]
        self.append([self.cells(value, style) for value, style in zip(values, ROW_STYLES, strict=True)], shown)

    def _sum_row(self, label: str, totals: _Totals):
        c = self.cells
        row = [c(None, SUB_BLANK), c(label, SUB_TEXT), c(None, SUB_BLANK), c(None, SUB_BLANK), c(None, SUB_BLANK),
               c(totals.count, SUB_COUNT), c(None, SUB_BLANK), c(None, SUB_BLANK),
               c(totals.revenue, SUB_MONEY), c(totals.tax_total, SUB_MONEY)]
        row += [c(None, SUB_BLANK) for _ in range(len(COLUMNS) - len(row))]
        self.append(row, [label])

    def _subtotal_row(self):
        self._sum_row(f"{self.city[1]}小计", self.city_totals)

    def close(self):
        if self.city is not None:
            self._subtotal_row()
        self._sum_row("合计", self.totals)


def _write_opinions(wb, long_opinions, *, unit: str, on: date):
    """审核意见: the whole text of the opinions shortened on the 汇总表, by 序号; a very long opinion
    continues on the next rows so that no row is taller than a printed page allows."""
    ws = wb.create_sheet(OPINIONS_TITLE)
    _setup_sheet(ws, OPINION_WIDTHS, "1:3")
    ws.page_setup.paperSize = PAPER_A4
    cells = _Cells(ws)
    _heading(ws, cells, title=f"河北省产业集群龙头企业汇总表·{OPINIONS_TITLE}", unit=unit, on=on,
             columns=["序号", "企业名称", "县级初审意见", "市级审核意见"], widths=OPINION_WIDTHS)
    per_row = int((OPINION_WIDTHS[2] - 1.2) / 2) * (MAX_ROW_LINES - 2)  # characters that fit in one row
    index = 4
    for serial, enterprise, county, city in long_opinions:
        chunks = max(-(-len(county) // per_row), -(-len(city) // per_row), 1)
        for k in range(chunks):
            values = [serial if k == 0 else None, enterprise if k == 0 else "（续）",
                      county[k * per_row:(k + 1) * per_row], city[k * per_row:(k + 1) * per_row]]
            _append(ws, index, [cells(values[0], INTEGER), cells(values[1]), cells(values[2]), cells(values[3])],
                    row_height(values, OPINION_WIDTHS))
            index += 1


def _sheet_title(name: str) -> str:
    return "".join(ch for ch in name if ch not in '[]:*?/\\')[:31] or "汇总表"


@dataclass(frozen=True)
class WorkbookSummary:
    rows: int
    cities: int
    plaques: int


def write_summary_workbook(
    target,
    *,
    rows: Iterable[SummaryRow],
    plaques: Iterable[PlaqueRow],
    unit: str,
    on: date,
    main_title: str = "汇总表",
    split_by_city: bool = False,
) -> WorkbookSummary:
    """Write the 汇总表 workbook into `target` (a path or a binary file object).

    Sheets: `main_title` with every row; with `split_by_city` one more sheet per city (rows arrive
    ordered by city, so each city's sheet is complete when the next city starts); then 牌匾制作清单.
    """
    wb = Workbook(write_only=True)

    def new_sheet(title):
        ws = wb.create_sheet(_sheet_title(title))
        _setup_sheet(ws, WIDTHS, "1:3")
        cells = _Cells(ws)
        _heading(ws, cells, title=SUMMARY_TITLE, unit=unit, on=on, columns=COLUMNS, widths=WIDTHS)
        return _SummarySheet(ws, cells)

    main = new_sheet(main_title)
    main.long_opinions = []
    city_sheet = None
    cities = 0
    for row in rows:
        main.add(row)
        if split_by_city:
            if city_sheet is None or city_sheet.city[0] != row.city_code:
                if city_sheet is not None:
                    city_sheet.close()
                city_sheet = new_sheet(row.city)
                cities += 1
            city_sheet.add(row)
    main.close()
    if city_sheet is not None:
        city_sheet.close()

    if main.long_opinions:
        _write_opinions(wb, main.long_opinions, unit=unit, on=on)

    ws = wb.create_sheet(PLAQUE_TITLE)
    _setup_sheet(ws, PLAQUE_WIDTHS, "1:3")
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "portrait"
    cells = _Cells(ws)
    _heading(ws, cells, title=f"河北省产业集群龙头企业{PLAQUE_TITLE}", unit=unit, on=on, columns=PLAQUE_COLUMNS,
             widths=PLAQUE_WIDTHS)
    plaque_count = 0
    for plaque_count, plaque in enumerate(plaques, start=1):  # noqa: B007 - the count is used after the loop
        values = [plaque_count, plaque.certificate_number, plaque.enterprise, plaque.cluster, plaque.city]
        _append(ws, 3 + plaque_count, [
            cells(plaque_count, INTEGER), cells(plaque.certificate_number, TEXT_CENTER), cells(plaque.enterprise),
            cells(plaque.cluster), cells(plaque.city, TEXT_CENTER),
        ], row_height(values, PLAQUE_WIDTHS))
    wb.save(target)
    return WorkbookSummary(rows=main.serial, cities=cities, plaques=plaque_count)
