"""What the public 办事指南 says: the notice's own words, read from its text, and the questions enterprises ask."""

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

NOTICE_FILE = Path(__file__).with_name("notice.txt")

# The eight parts of the 申请报告 (notice 五（一）) with what each should cover: the 申请报告提纲.
REPORT_OUTLINE = [
    ("企业基本情况", "企业名称、成立时间、注册资本、所有制性质、从业人员和研发人员、主导产品及其市场占有率、近三年营业收入、纳税总额、净利润。"),
    ("在区域经济发展中的地位作用", "在所属产业集群中的规模和经济实力排名、对县域经济和就业的贡献。"),
    ("品牌建设", "省级以上名牌产品、著（驰）名商标，ISO9000质量体系认证，产品知名度和用户信誉。"),
    ("自主创新", "技术研发机构、年科技投入及其占营业收入的比例、国家专利、科技进步奖或高新技术企业称号、装备水平和新产品开发能力。"),
    ("专业协作", "与集群内相关企业的协作配套关系，品牌、技术、销售网络、信息等优势的发挥。"),
    ("节能减排", "节能技术改造、能耗和排放的变化，符合环保政策的情况。"),
    ("履行社会责任", "诚信守法经营、资产质量和资信、近两年质量安全环保事故和违法违纪情况、公益事业。"),
    ("带动中小企业", "辐射带动的中小企业（10家以上）名单、协作方式和带动成效。"),
]

TRUTHFULNESS_PLEDGE = [
    "本企业自愿申报“河北省产业集群龙头企业”，郑重承诺：",
    "一、所填报的申请报告、推荐审核表中的信息和提交的全部材料真实、准确、完整，复印件与原件一致；",
    "二、企业依法设立，诚信守法经营，近两年未发生质量、安全、环保等事故，未发生违法违纪等问题；",
    "三、同意县级、设区市和省级中小企业管理部门对申报内容进行核实和抽查，并如实提供相关资料；",
    "四、如有虚假，本企业愿承担由此产生的一切责任，并接受撤销认定结果等处理。",
]


@dataclass(frozen=True)
class Question:
    question: str
    answer: str


FAQ = [
    Question("哪些企业可以申报？", "省局确认公布的省级中小企业产业集群中规模大、带动作用强的骨干企业，且须满足下列申报条件。注册时须选择所在县（市、区）和所属产业集群。"),
    Question("金额按什么单位填写？", "一律按万元填写，保留两位小数。例如营业收入 3.2 亿元填 32000（也可输入 32,000）。金额特别大（超过 1,000 亿元）时系统会请您核对单位。"),
    Question("申报条件按哪一年的数字计算？", "按上年度的数字计算（通知的要求）。近三年的营业收入、纳税总额、净利润和科技投入用于反映增长情况。"),
    Question("可以分几次填写吗？", "可以。每一页都可以随时「保存草稿」，登录过期时已填写的内容会保留。"),
    Question("提交后还能修改吗？", "提交后申报锁定。县级审核员处理前可以撤回，修改后再次提交；被退回修改时，页面上会列出需要修改的内容。"),
    Question("提交后怎样证明已经申报？", "提交后可下载「提交回执」（PDF），上面有申报编号、提交时间和数据指纹，请妥善保存。"),
    Question("忘记密码怎么办？", "企业用户可在登录页点击「忘记密码」，通过注册时填写的电子邮箱重设密码；审核员的密码由系统管理员重置。"),
    Question("一个企业可以注册几个账号？", "一个统一社会信用代码只能注册一次。如需找回账号，请联系所在县（市、区）中小企业主管部门。"),
]


@dataclass(frozen=True)
class Notice:
    title: str
    number: str
    paragraphs: list[str]

    def section(self, heading: str) -> list[str]:
        """The paragraphs under one of the notice's headings (「二、申报条件」 …), without the heading."""
        inside, found = False, []
        for paragraph in self.paragraphs:
            if re.match(r"^[一二三四五六七八九十]、", paragraph):
                inside = paragraph.startswith(heading)
                continue
            if inside and not paragraph.startswith(("联 系 人", "联系电话")):
                found.append(paragraph)
        return found


@functools.cache
def notice() -> Notice:
    lines = [line.strip() for line in NOTICE_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    # Line 1 is the issuing body, line 2 the title, line 3 the document number.
    return Notice(title=lines[1], number=lines[2], paragraphs=lines[3:])


@functools.cache
def wording_version() -> str:
    """A fingerprint of the fixed wording the guide shows (the notice, the conditions, the outline, the FAQ): the
    key of its cached fragments, so a deployment that changes any of it never serves the old text."""
    from applications.eligibility import CONDITIONS

    parts = [NOTICE_FILE.read_text(encoding="utf-8"), repr(REPORT_OUTLINE), repr(FAQ)]
    parts += [f"{c.code}|{c.title}|{c.hard}|{c.evidence}" for c in CONDITIONS]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
