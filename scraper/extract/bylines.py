"""Read the metadata lines of Chinese articles: 来源, 作者, 编辑, 发布时间 and friends.

A line such as "发布时间：2020-01-31 10:23 · 来源：市政府办公室 【字体：大 中 小】" holds
several labelled fields; `parse_meta_line` splits it at the labels, and says whether the
line is nothing but metadata (then it leaves the body) or prose that merely contains
a label ("资金来源于省级财政" keeps its place).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import find_dates

# label -> field. Longer labels first so 责任编辑 wins over 编辑.
_LABELS: dict[str, str] = {}
for _field, _words in {
    "editor": "责任编辑 責任編輯 责编 責編 值班编辑 编辑 編輯",
    "author": "作者 撰稿人 撰稿 撰文 撰写 采写 記者 记者 文字 文 通讯员 通訊員 执笔人 執筆人 执笔 執筆",
    "source": "信息来源 資訊來源 文章来源 文章來源 稿件来源 新闻来源 新聞來源 消息来源 資料來源 来源于 来源 來源 稿源 出处 "
              "出處 發布單位 发布单位 發布機關 发布机构 發布機構 发文机关 發文機關 发文单位 發稿單位 来源单位 供稿",
    "date": "发布时间 发布日期 發布日期 發布時間 發佈時間 發佈日期 发表时间 发表日期 發表時間 公开日期 公開日期 发文日期 "
            "成文日期 印发日期 上传时间 更新时间 更新日期 更新時間 最后更新 資料更新時間 資料更新日期 時間 时间 日期 发布于 发表于",
    # credits that are metadata but none of our fields (a photographer is not the author)
    "credit": "摄影 攝影 图片 圖片 审核 審核 审校 校对 校對 终审 二审 初审 监制 統籌 统筹 策划 制图 设计 视频 翻译 图",
    # the fields of a 信息公开 (government information disclosure) table: metadata, none of ours
    "disclosure": "索引号 索引號 主题分类 主題分類 体裁分类 组配分类 信息分类 服务对象分类 发文字号 發文字號 "
                  "文号 文號 生效日期 施行日期 实施日期 废止日期 失效日期 有效性 时效性 主题词 主題詞 公开方式 公开范围 "
                  "公开时限 信息类别 内容分类 分类",
    "title": "标题 標題 名称 文件名称 信息名称 公文标题 题名",
    "counter": "浏览次数 阅读次数 点击数 点击次数 点击量 访问量 瀏覽次數 閱讀次數 點擊數 點擊 浏览 瀏覽 阅读 閱讀 点击 评论 評論 瀏覽人次 點閱 人气",
    "tool": "字体 字号 字體",
}.items():
    for _word in _words.split():
        _LABELS[_word.replace("_", " ")] = _field
for _spaced, _field in (("作 者", "author"), ("来 源", "source"), ("來 源", "source"), ("编 辑", "editor"),
                        ("索 引 号", "disclosure"), ("文 号", "disclosure"), ("名 称", "title"),
                        ("标 题", "title")):
    _LABELS[_spaced] = _field

# A publication date beats the date a document was written or signed (成文日期, in a
# 信息公开 table) wherever both are given.
_WEAK_DATE_LABELS = frozenset("成文日期 发文日期 印发日期".split())
# Short words that are labels only at the start of a field, not inside a phrase:
# "名称：" heads a disclosure table row, "项目名称：" or "垃圾分类：" is the body's own text.
_FIELD_START_LABELS = frozenset(("名称", "名 称", "分类", "文号", "文 号", "标题", "標題", "标 题", "有效性", "时效性"))

# "会议时间：3月5日上午9时" in a notice is the time of the meeting, not a publication date:
# the bare 时间/日期 labels do not count after the name of an event.
_EVENT_WORDS = (
    "会议 會議 活动 活動 报名 報名 考试 考試 笔试 筆試 面试 面試 培训 培訓 办理 辦理 受理 申报 申報 截止 报到 報到 "
    "举办 舉辦 开放 開放 公示 缴费 繳費 接待 咨询 諮詢 比赛 比賽 演出 开始 開始 结束 結束 开展 征集 投票 营业 營業 办公 辦公"
).split()
_EVENT_LOOKBEHIND = "(?<!" + "|".join(_EVENT_WORDS) + ")"


def _label_pattern(word: str) -> str:
    pattern = re.escape(word).replace(r"\ ", r"\s*")
    if word in _FIELD_START_LABELS:
        return r"(?<![\u4e00-\u9fff])" + pattern
    return _EVENT_LOOKBEHIND + pattern if word in ("时间", "時間", "日期") else pattern


_LABEL_ALT = "|".join(_label_pattern(w) for w in sorted(_LABELS, key=len, reverse=True))
# Labels need a colon; CMS templates often glue fields together ("09:30来源：县林草局作者："),
# so no separator is required before a label.
# New-media templates also write "编辑|禤志杰", "编辑/苏芳", "摄影/张艳": a bar or slash after
# a credit label, at the start of the line or after a space only ("附图/表" is not one).
_SLASH_LABELS = "责任编辑|责编|編輯|编辑|校对|摄影|攝影|采写|执笔|撰文|作者|记者|審核|审核|监制|统筹|策划|制图|图片|图|文"
_LABEL_RE = re.compile(
    rf"(?:({_LABEL_ALT})\s*[:：]+|(?:^|(?<=[\s\d]))(发表于|发布于|更新于)|(?:^|(?<=\s))({_SLASH_LABELS})\s*[/|｜])\s*"
)
_PREFERRED_EDITOR = ("责任编辑", "責任編輯", "责编", "責編")
# "文/张三", "文/张三 李四", "文/张三 图/李四" (the photographer's credit after the writer's)
_SLASH_AUTHOR_RE = re.compile(
    r"^(?:文|撰文|图文|文字)\s*[/|｜]\s*([^\s/|｜]{2,12}(?:\s+[^\s/|｜]{2,12}){0,3}?)"
    r"(?:\s+(?:图|圖|摄影|攝影|图片|圖片)\s*[/|｜]\s*[^\s/|｜]{2,12}(?:\s+[^\s/|｜]{2,12}){0,3})?$"
)
# Reporter credits: "本报记者 李明 王芳", "人民日报记者 张三 李四", "（记者 张三 通讯员 李四）",
# "新华社记者 王希 发自北京". An outlet (…报/…社/…网/…台) or 本报 may lead each role; the names
# are what goes to `author`. A photographer's "（记者 孙立 摄）" is not a byline (photo_credit).
_ROLE = r"(?:特约记者|记者|記者|通讯员|通訊員|实习生|實習生|见习记者)"
_OUTLET = (r"(?:本报|本報|本网|本網|本台|本刊|本站|[\u4e00-\u9fff]{1,10}?(?:报|報|社|台|网|網|刊|客户端|新闻|新聞|融媒体中心|"
           r"融媒|频道|頻道))?(?:全媒体|融媒体|首席|资深|驻[\u4e00-\u9fff]{1,6})?")
# words that follow 记者 in a heading or a sentence, never a name: 记者手记, 记者调查, 记者节, 记者们
_NOT_NAMES = ("手记|观察|调查|探访|直击|走访|来到|获悉|了解|发现|看到|采访|来信|提问|连线|视角|亲历|体验|见闻|现场|"
              "投稿|来稿|供稿|报料|爆料|节|证|站|团|会|们|问|本报|本網|本网|发自|報道|报道")
_NAME = rf"(?!{_ROLE}|{_NOT_NAMES}|[\u4e00-\u9fff]{{0,8}}(?:报道|報道))[\u4e00-\u9fff·]{{2,4}}"
_CREDIT_GROUP = rf"{_OUTLET}{_ROLE}\s*[:：]?\s*({_NAME}(?:\s*[\s、，,]\s*{_NAME})*)"
REPORTER_CREDIT_RE = re.compile(
    rf"^[（(【\[]?\s*(?:{_CREDIT_GROUP}\s*)+(?:(?:发自|發自)[\u4e00-\u9fff]{{0,6}}|[\u4e00-\u9fff]{{0,8}}(?:报道|報道))?\s*[）)】\]]?$"
)
_CREDIT_GROUP_RE = re.compile(_CREDIT_GROUP)
_NAME_SPLIT_RE = re.compile(r"[\s、，,]+")


def reporter_credit(line: str) -> str | None:
    """The names in a line that is only a reporter credit, space-separated, else None."""
    line = line.strip()
    if not REPORTER_CREDIT_RE.match(line):
        return None
    names = [n for m in _CREDIT_GROUP_RE.finditer(line) for n in _NAME_SPLIT_RE.split(m.group(1)) if n]
    return " ".join(dict.fromkeys(names)) or None


_EN_BYLINE_RE = re.compile(
    r"^(?:Posted|Written|Published|Story|Words)?\s*[Bb][Yy]\s+([A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){0,3})"
    r"(?:,\s*[\w\s]{2,40}?)?(?:\s+(?:on|at|\||-|–|—)\s*(.{4,40}))?$"
)
_EN_STAMP_RE = re.compile(
    r"^(?:(?:first\s+)?published|posted|updated|last\s+updated|modified)(?!\s+by\b)\s*(?:on|:)?\s*"
    r"[\w\s,.:|/\-–]{6,90}$", re.I
)
_AUTHOR_SLASH_SOURCE_RE = re.compile(
    r"^([\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4}){0,2})\s*/\s*"
    r"(\S{2,12}?(?:报|報|网|網|社|台|日报|晚报|新闻|新聞|客户端|杂志|APP|app))$"
)
_TIME_OF_DAY_RE = re.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?!\d)")
_STAMP_WORDS_MAX = 12
_BARE_DATE_MAX_CHARS = 20
# link text glued to a byline: "作者：余毅菁 向雪妮<a>返回富达，查看更多</a>"
_AUTHOR_TAIL_RE = re.compile(r"(返回|查看|点击|更多|阅读|[，。；！？|]).*$")
_SEPARATORS = " \t\u3000|｜·•【】[]()（）,，;；:：/"
# A value ends at a bar, a bracket or a space, except the space inside a Latin name ("China Daily").
_VALUE_STOP_RE = re.compile(r"[|｜【\[]|\s{2,}|(?<![A-Za-z])\s|\s(?![A-Za-z])")
_SENTENCE_PUNCT_RE = re.compile(r"[。？！?!；]")
_SUPPLIED_BY_RE = re.compile(r"^\s*(\S{2,30}?)\s*(?:供稿|供图|提供)\s*$")
_REPORTER_PREFIX_RE = re.compile(r"^\S{0,8}?(?:记者|記者|通讯员|通訊員)\s+")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")  # "http://biz.163.com 2005-04-25 来源：…"
_DATE_TIME_CHARS_RE = re.compile(r"[\d\-/:.年月日号时分秒]+")
_LEFTOVER_RE = re.compile(r"[\s|｜·•【】\[\]()（）,，;；:：/\-—]+")


@dataclass
class MetaLine:
    """Fields found in one line, and whether the line holds nothing else."""

    fields: dict[str, str] = field(default_factory=dict)
    only_metadata: bool = False
    dates: list[str] = field(default_factory=list)
    labelled: bool = False  # the line has at least one "label：" field
    chief_editor: bool = False  # the editor came from 责任编辑 (preferred over 编辑)
    written_dates: list[str] = field(default_factory=list)  # 成文日期: weaker than a publication date


def _clean_value(value: str, name: str) -> str:
    value = value.strip(_SEPARATORS)
    if name in ("source", "author", "editor"):
        # a value runs until the next gap: "市政府办公室 【字体" -> "市政府办公室"
        value = _VALUE_STOP_RE.split(value, maxsplit=1)[0] if name != "author" else value
        value = value.strip(_SEPARATORS)
    return value


def parse_meta_line(line: str, *, max_len: int = 120) -> MetaLine:
    """Split a line at its labels; `only_metadata` when no prose is left over."""
    result = MetaLine()
    if len(line) > max_len:
        return result
    matches = list(_LABEL_RE.finditer(line))
    if not matches:
        return _unlabelled(line, result)
    leftover = line[: matches[0].start()]
    result.labelled = True
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        label = m.group(1) or m.group(2) or m.group(3)
        name = "date" if m.group(2) else _label_field(label)
        raw = line[m.end() : end]
        if name == "date":
            weak = re.sub(r"\s+", "", label) in _WEAK_DATE_LABELS
            (result.written_dates if weak else result.dates).extend(find_dates(raw, roc=True))
            continue
        if name in ("counter", "tool", "credit", "disclosure"):
            continue  # 生效日期 and 索引号 in a disclosure table are no publication date
        if name == "title":
            value = raw.strip(_SEPARATORS)
            if value:
                result.fields.setdefault("title", value)
            continue
        result.dates.extend(find_dates(raw))  # "来源：新华网 2021-10-22 09:12"
        value = _clean_value(raw, name)
        if (name == "author" and len(value) > 30) or _SENTENCE_PUNCT_RE.search(value):
            return MetaLine()  # a sentence ("记者：具体有哪些措施？" in an interview), not a byline
        if name == "author":  # "南都记者 余毅菁" -> "余毅菁"; link text glued after the names goes
            value = _AUTHOR_TAIL_RE.sub("", _REPORTER_PREFIX_RE.sub("", value)).strip()
        elif name == "source":  # "来源：某某日报 记者 张三": the closing credit names the author
            credit = reporter_credit(raw[len(raw) - len(raw.lstrip(_SEPARATORS)) + len(value):].strip(_SEPARATORS))
            if credit:
                result.fields.setdefault("author", credit)
        if value and (name not in result.fields or label in _PREFERRED_EDITOR):
            result.fields[name] = value
            result.chief_editor = result.chief_editor or (name == "editor" and label in _PREFERRED_EDITOR)
    result.dates.extend(find_dates(leftover))
    m = _SUPPLIED_BY_RE.match(leftover)
    credit = reporter_credit(leftover) if leftover.strip() else None
    if m:  # "医技药剂党支部供稿 摄影/张艳": the supplier is the source
        result.fields.setdefault("source", m.group(1))
        leftover = ""
    elif credit:  # "（记者 张三 李四）来源：某某日报"
        result.fields.setdefault("author", credit)
        leftover = ""
    rest = _words_left(_URL_RE.sub("", leftover))
    result.only_metadata = len(rest) <= 2
    return result


_LEADING_RE = re.compile(rf"^[\s【\[（(]*(?:{_LABEL_ALT})\s*[】\]）)]?\s*[:：]")


def leading_field(text: str) -> str | None:
    """The field of the label that opens `text` ("索引号：…" -> "disclosure"), else None."""
    m = _LEADING_RE.match(text)
    if not m:
        return None
    label = re.sub(r"^[\s【\[（(]*|\s*[】\]）)]?\s*[:：]$", "", m.group(0))
    return _label_field(label)


def label_count(text: str) -> int:
    """How many labelled fields `text` holds."""
    return len(_LABEL_RE.findall(text))


def _words_left(text: str) -> str:
    """What remains of `text` without dates, times and separators: the prose, if any."""
    return _LEFTOVER_RE.sub("", _DATE_TIME_CHARS_RE.sub("", text))


def _label_field(label: str) -> str:
    return _LABELS.get(label) or _LABELS.get(re.sub(r"\s+", "", label)) or _LABELS.get(re.sub(r"\s+", " ", label), "source")


def _unlabelled(line: str, result: MetaLine) -> MetaLine:
    """Lines without a colon label: "文/张三", "本报记者 李明", a bare date-time."""
    m = _SLASH_AUTHOR_RE.match(line)
    names = m.group(1) if m else reporter_credit(line)
    if names:
        result.fields["author"] = names
        result.only_metadata = True
        return result
    m = _AUTHOR_SLASH_SOURCE_RE.match(line)
    if m:  # thepaper.cn's "陈颖/解放日报"
        result.fields.update(author=m.group(1), source=m.group(2))
        result.only_metadata = True
        return result
    m = _EN_STAMP_RE.match(line)
    if m and find_dates(line):  # "Published March 3, 2024 at 6:00 p.m. | Updated March 4, 2024"
        result.dates = find_dates(line)
        result.labelled = True
        result.only_metadata = True
        return result
    m = _EN_BYLINE_RE.match(line)
    if m:
        result.fields["author"] = m.group(1)
        result.dates = find_dates(m.group(2) or "")
        result.only_metadata = True
        return result
    dates = find_dates(line, roc=len(line) <= _BARE_DATE_MAX_CHARS)  # a bare 107-03-05 line is ROC
    if dates:
        rest = _words_left(line)
        # a bare date, or a timestamp next to a few words (the outlet, the writers):
        # "金融市场棱镜2019-09-23 07:48", "2020-06-05 20:35 叨叨姐 胡一刀"
        if len(rest) <= 2 or (len(rest) <= _STAMP_WORDS_MAX and _TIME_OF_DAY_RE.search(line)):
            result.dates = dates
            result.only_metadata = True
    return result


_ORG_SUFFIX_RE = re.compile(
    r"(政府|局|处|處|委|办|辦|部|中心|院|厅|廳|站|所|会|會|社|台|网|網|报|報|公司|集团|集團|大学|大學|学校|協會|协会)$"
)
_CMS_ID_SUFFIX_RE = re.compile(r"[_\-][A-Za-z]{0,4}\d{2,}$")  # 网易's "李曦_NN2587"
# a template's credits, a company or a desk, not a person: "Discuz! Team", "Staff", "Newsroom"
_TEAM_RE = re.compile(r"(?i)\b(team|staff|inc|ltd|llc|corp|group|newsroom|editors|desk)\b|!")
_PLACEHOLDERS = frozenset("系统管理员 管理员 超级管理员 admin administrator 匿名 佚名 网易 新浪 搜狐 腾讯 编辑部 本站 本网".split())


def person_name(value: str | None, *, others: tuple[str | None, ...] = ()) -> str | None:
    """A person's name from an author/editor field, or None for what CMSs put there instead.

    Meta tags and templates fill these fields with the site name (网易), the office
    (彰化縣政府民政處, a source), a numeric user id, an email, or a placeholder
    (系统管理员, "name, email@gmail.com"); none of those is a person.
    """
    if not value:
        return None
    value = _CMS_ID_SUFFIX_RE.sub("", value.strip())
    if (not value or value.lower() in _PLACEHOLDERS or value in others or len(value) > 40 or _TEAM_RE.search(value)
            or any(ch.isdigit() for ch in value) or "@" in value or "://" in value
            or _ORG_SUFFIX_RE.search(value)):
        return None
    return value
