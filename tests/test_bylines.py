"""Metadata lines of Chinese (and English) articles: 来源, 作者, 编辑, 发布时间 (scraper/bylines.py)."""

from __future__ import annotations

import pytest

from scraper.extract.bylines import parse_meta_line, person_name


@pytest.mark.parametrize(
    ("line", "fields", "dates"),
    [
        ("发布时间：2020-01-31 10:23 · 来源：市政府办公室 【字体：大 中 小】", {"source": "市政府办公室"}, ["2020-01-31"]),
        # fields glued together by the CMS template, no separators at all
        ("发布时间：2022-03-15 09:30来源：县林草局作者：马晓东浏览次数：--",
         {"source": "县林草局", "author": "马晓东"}, ["2022-03-15"]),
        ("作者：张三 来源：人民日报", {"author": "张三", "source": "人民日报"}, []),
        ("来源：中国政府网 作者：新华社记者 王希", {"source": "中国政府网", "author": "王希"}, []),
        ("时间：2020-01-31 来源：通渭县人民政府", {"source": "通渭县人民政府"}, ["2020-01-31"]),
        ("发布时间：2020年1月31日 来源：本站", {"source": "本站"}, ["2020-01-31"]),
        ("信息来源：通渭县委组织部", {"source": "通渭县委组织部"}, []),
        ("作者：张三、李四", {"author": "张三、李四"}, []),
        ("摄影：王五", {}, []),  # a photographer's credit is metadata, but not the author
        ("点击数：356 更新时间：2020-01-31", {}, ["2020-01-31"]),
        ("日期：2020-02-05 浏览次数：100", {}, ["2020-02-05"]),
        ("发布时间：２０２０年１月３１日", {}, ["2020-01-31"]),
        # the date after a source is the publication date too
        ("来源：新华网 | 2021年10月22日", {"source": "新华网"}, ["2021-10-22"]),
        ("来源：人民网 2021-10-22 09:12", {"source": "人民网"}, ["2021-10-22"]),
        # a Latin name keeps its spaces; the value still ends at the date
        ("来源：China Daily 2021-10-22", {"source": "China Daily"}, ["2021-10-22"]),
        ("来源：新华网 作者：Jane Doe", {"source": "新华网", "author": "Jane Doe"}, []),
    ],
)
def test_multi_field_lines(line, fields, dates):
    meta = parse_meta_line(line)
    assert meta.fields == fields
    assert meta.dates == dates
    assert meta.only_metadata
    assert meta.labelled


def test_empty_fields_are_no_values():
    """A template that prints its labels with nothing after them."""
    meta = parse_meta_line("来源： 作者：: 阅读： 时间：2020-2-5")
    assert meta.fields == {}
    assert meta.dates == ["2020-02-05"]
    assert meta.only_metadata


def test_label_alone_is_metadata_without_value():
    meta = parse_meta_line("来源：")
    assert meta.fields == {} and meta.only_metadata


@pytest.mark.parametrize(
    ("line", "editor", "chief"),
    [
        ("编辑：黄圣杰 责任编辑：周瑾", "周瑾", True),
        ("责任编辑：周瑾 编辑：黄圣杰", "周瑾", True),
        ("（责任编辑：李四）", "李四", True),
        ("【编辑:刘欢】", "刘欢", False),
        ("责编：王五", "王五", True),
        ("責任編輯：陳小明", "陳小明", True),
    ],
)
def test_editor_and_chief_editor(line, editor, chief):
    meta = parse_meta_line(line)
    assert meta.fields == {"editor": editor}
    assert meta.chief_editor is chief
    assert meta.only_metadata


@pytest.mark.parametrize(
    ("line", "fields", "dates"),
    [
        ("來源：臺北市政府 發布時間：2020-02-05", {"source": "臺北市政府"}, ["2020-02-05"]),
        ("發布單位：衛生福利部 發布日期：109-02-05", {"source": "衛生福利部"}, ["2020-02-05"]),
        ("發布日期：民國109年2月5日", {}, ["2020-02-05"]),
        ("資料來源：行政院主計總處", {"source": "行政院主計總處"}, []),
        ("作　者：林志明", {"author": "林志明"}, []),
    ],
)
def test_traditional_labels(line, fields, dates):
    meta = parse_meta_line(line)
    assert meta.fields == fields
    assert meta.dates == dates
    assert meta.only_metadata


@pytest.mark.parametrize(
    "line",
    [
        "资金来源于省级财政专项资金，共计500万元，主要用于农村道路建设。",
        "新华社北京5月19日电（记者 张三）记者从国家发展改革委获悉，今年以来全国经济运行总体平稳。",
        "据了解，该项目建设时间：2020年3月至2021年6月，总投资1.2亿元，建成后将惠及周边5个村。",
        "会议时间：2020年3月5日上午9时",  # a notice's own content, not when it was published
        "报名日期：2020年3月1日至3月10日",
        "活動時間：2020年3月5日至3月10日",
        # an interview: the reporter's questions are body text, not a byline
        "记者：今年以来，全县在疫情防控方面做了哪些工作？",
        "记者：具体有哪些措施？",
        "来源：据统计，全县共有党员1.2万名。",
    ],
)
def test_prose_with_a_label_word_stays_in_the_body(line):
    meta = parse_meta_line(line)
    assert not meta.only_metadata
    assert meta.fields == {}
    assert meta.dates == [] or not meta.labelled


def test_prose_with_author_label_is_not_a_byline():
    line = "作者：在这次活动中，全县广大党员干部群众积极参与，共收集意见建议120余条，为下一步工作打下了坚实基础"
    meta = parse_meta_line(line)
    assert meta.fields == {} and not meta.only_metadata


def test_overlong_line_is_never_metadata():
    line = "来源：" + "通渭县" * 50
    meta = parse_meta_line(line)
    assert meta.fields == {} and not meta.only_metadata


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("文/张三", "张三"),
        ("文/张三 李四", "张三 李四"),
        ("文/张三 图/李四", "张三"),  # the photographer's credit follows the writer's
        ("图文/王五", "王五"),
        ("撰文 | 李明", "李明"),
        ("本报记者 李明 王芳", "李明 王芳"),
        ("通讯员 赵强", "赵强"),
    ],
)
def test_unlabelled_chinese_bylines(line, author):
    meta = parse_meta_line(line)
    assert meta.fields == {"author": author}
    assert meta.only_metadata


@pytest.mark.parametrize(
    ("line", "author", "dates"),
    [
        ("By Jane Doe, Staff Writer", "Jane Doe", []),
        ("Posted by John Smith on 14 May 2023", "John Smith", ["2023-05-14"]),
        ("By Mary-Jane O'Neil | March 3, 2024", "Mary-Jane O'Neil", ["2024-03-03"]),
        ("Written by Alex Chen", "Alex Chen", []),
    ],
)
def test_english_bylines(line, author, dates):
    meta = parse_meta_line(line)
    assert meta.fields == {"author": author}
    assert meta.dates == dates
    assert meta.only_metadata


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, the council expects to finish the new school.",
        "By 2030 the city will need twice as many buses.",
        "By Sunday, most residents had returned to their homes.",
    ],
)
def test_english_sentences_starting_with_by_are_prose(line):
    meta = parse_meta_line(line)
    assert "author" not in meta.fields
    assert not meta.only_metadata


@pytest.mark.parametrize(
    ("line", "date"),
    [("2020-01-31 10:23:45", "2020-01-31"), ("2020年1月31日", "2020-01-31"), ("【2021-10-22】", "2021-10-22")],
)
def test_bare_date_line_is_metadata(line, date):
    meta = parse_meta_line(line)
    assert meta.dates == [date] and meta.only_metadata and not meta.labelled


def test_dateline_with_text_is_not_a_date_line():
    meta = parse_meta_line("2020年1月31日，通渭县召开疫情防控工作会议。")
    assert not meta.only_metadata


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("編輯|禤志杰", {"editor": "禤志杰"}),
        ("责编|陈梦莹", {"editor": "陈梦莹"}),
        ("校对|黄慧敏", {}),
        ("審核：趙六", {}),
        ("医技药剂党支部、药剂科供稿  摄影/张艳  编辑/苏芳", {"source": "医技药剂党支部、药剂科", "editor": "苏芳"}),
        ("采写：南都记者 余毅菁 向雪妮", {"author": "余毅菁 向雪妮"}),
        ("来源于：东区办事处", {"source": "东区办事处"}),
    ],
)
def test_new_media_credit_lines(line, fields):
    meta = parse_meta_line(line)
    assert meta.fields == fields
    assert meta.only_metadata


def test_slash_label_needs_a_line_start_or_space():
    assert not parse_meta_line("附图/表格见下文，请各单位对照填写。").only_metadata


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("张三", "张三"),
        ("余毅菁 向雪妮", "余毅菁 向雪妮"),
        ("Jane Doe", "Jane Doe"),
        ("李曦_NN2587", "李曦"),
        ("104363", None),
        ("name, email@gmail.com", None),
        ("系统管理员", None),
        ("网易", None),
        ("彰化縣政府民政處", None),
        ("通渭县委组织部", None),
        ("https://www.facebook.com/rfi", None),
        ("", None),
        (None, None),
    ],
)
def test_person_name_rejects_what_cms_templates_put_in_author_fields(value, name):
    assert person_name(value) == name


def test_person_name_rejects_the_site_name():
    assert person_name("参考消息", others=("新浪网", "参考消息")) is None


def test_author_slash_source_byline():
    meta = parse_meta_line("陈颖/解放日报")
    assert meta.fields == {"author": "陈颖", "source": "解放日报"} and meta.only_metadata
    assert not parse_meta_line("上海/北京").only_metadata


@pytest.mark.parametrize(
    ("line", "date"),
    [("金融市场棱镜2019-09-23 07:48", "2019-09-23"), ("2020-06-05 20:35 叨叨姐 胡一刀 李小飞刀", "2020-06-05")],
)
def test_timestamp_next_to_a_few_words_is_metadata(line, date):
    meta = parse_meta_line(line)
    assert meta.only_metadata and meta.dates == [date]


def test_timestamp_inside_a_sentence_is_body():
    assert not parse_meta_line("1月30日下午3:00，县委召开常委会议，研究部署疫情防控工作。").only_metadata


def test_link_text_glued_after_the_authors_is_cut():
    assert parse_meta_line("作者：余毅菁 向雪妮返回富达，查看更多").fields == {"author": "余毅菁 向雪妮"}


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("人民日报记者 张三 李四", "张三 李四"),
        ("（记者 张三 李四）", "张三 李四"),
        ("(记者 张三、李四)", "张三 李四"),
        ("（记者 张三 通讯员 李四 王五）", "张三 李四 王五"),
        ("本报全媒体记者 陈静 实习生 王强", "陈静 王强"),
        ("新华社记者 王希 发自北京", "王希"),
        ("本报记者罗科苏盈发自北京", "罗科苏盈"),
        ("新京报记者 彭冲 山东冠县报道", "彭冲"),  # the place before 报道 is not a name
        ("执笔人：张三", "张三"),
        ("撰稿人：李四", "李四"),
    ],
)
def test_reporter_credits_give_the_author(line, author):
    meta = parse_meta_line(line)
    assert meta.fields == {"author": author}
    assert meta.only_metadata


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("（记者 张三 李四）来源：某某日报", {"author": "张三 李四", "source": "某某日报"}),
        ("来源：某某日报 记者 张三", {"author": "张三", "source": "某某日报"}),
    ],
)
def test_closing_credit_with_source(line, fields):
    meta = parse_meta_line(line)
    assert meta.fields == fields and meta.only_metadata


@pytest.mark.parametrize(
    "line",
    ["记者手记", "记者观察：谁来为无序拆房埋单", "通讯员投稿", "记者节", "随后记者 来到现场", "（记者 孙立 摄）"],
)
def test_headings_and_photo_credits_with_reporter_words_are_no_byline(line):
    assert "author" not in parse_meta_line(line).fields


@pytest.mark.parametrize(
    "line",
    [
        "索引号：000014349/2020-00012 主题分类：综合政务",
        "发文字号：通政发〔2020〕12号",
        "索 引 号：11621124MB1234567X/2020-00031",
        "生效日期：2020-03-01 有效性：有效",
        "主题词：疫情防控 通知",
    ],
)
def test_disclosure_table_fields_are_metadata_without_a_date(line):
    meta = parse_meta_line(line)
    assert meta.only_metadata and meta.labelled
    assert meta.dates == []  # 生效日期 is when a rule applies, not when it was published


def test_publication_date_beats_the_date_written():
    meta = parse_meta_line("成文日期：2020-01-15 发布日期：2020-01-20")
    assert meta.dates == ["2020-01-20"]
    assert meta.written_dates == ["2020-01-15"]
    assert parse_meta_line("成文日期：2020年1月15日").written_dates == ["2020-01-15"]


@pytest.mark.parametrize(
    ("line", "title"),
    [("标题：关于印发通渭县2020年工作要点的通知", "关于印发通渭县2020年工作要点的通知"),
     ("名　　称：关于开展督查的通知 文号：通政办发〔2020〕3号", "关于开展督查的通知")],
)
def test_labelled_title_field(line, title):
    meta = parse_meta_line(line)
    assert meta.fields == {"title": title} and meta.only_metadata


@pytest.mark.parametrize("line", ["项目名称：通渭县城区道路改造", "垃圾分类：可回收物 有害垃圾", "单位名称：通渭县人民医院"])
def test_short_labels_inside_a_phrase_are_body_text(line):
    """名称 and 分类 are disclosure labels only at the start of a field."""
    assert not parse_meta_line(line).only_metadata
