"""A small corpus of realistic government and news documents for the store tests.

Written for these tests (not read from fixtures/ or shared/): Chinese notices and
news copy with 落款 and datelines, a traditional-Chinese Hong Kong release, English
and mixed Chinese/English items, and a few pieces built to catch search edge cases
(a character at the end of a run, a word split by punctuation, a title-only match).
"""

from __future__ import annotations

from scraper.models import Document, PageRecord

RAW = [
    dict(
        url="http://www.gov.cn/xinwen/2022-04/12/content_5684788.htm",
        title="国务院联防联控机制部署进一步做好疫情防控工作",
        date="2022-04-12", source="新华社", site_name="中国政府网", lang="zh",
        text=(
            "新华社北京4月12日电 国务院联防联控机制12日召开电视电话会议，部署进一步做好疫情防控工作。\n"
            "会议指出，当前全球疫情仍处于高位，我国外防输入、内防反弹压力持续加大。各地区各部门要坚持"
            "“外防输入、内防反弹”总策略和“动态清零”总方针不动摇，统筹疫情防控和经济社会发展。\n"
            "会议要求，要加快推进老年人新冠病毒疫苗接种，强化重点人群核酸检测，保障群众就医和生活物资供应。"
        ),
    ),
    dict(
        url="http://www.gov.cn/zhengce/content/2021-03/22/content_5594810.htm",
        title="国务院办公厅关于做好2021年全面推进乡村振兴重点工作的通知",
        date="2021-03-22", source="国务院办公厅", site_name="中国政府网", lang="zh",
        text=(
            "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
            "为深入贯彻落实党中央、国务院关于全面推进乡村振兴、加快农业农村现代化的决策部署，"
            "经国务院同意，现就做好2021年重点工作通知如下。\n"
            "一、巩固拓展脱贫攻坚成果同乡村振兴有效衔接。严格落实“四个不摘”要求，健全防止返贫动态监测和帮扶机制。\n"
            "二、提升粮食和重要农产品供给保障能力。稳定粮食播种面积，加强高标准农田建设。\n"
            "国务院办公厅\n2021年3月22日"
        ),
    ),
    dict(
        url="http://www.tongwei.gov.cn/art/2020/2/5/art_1234_567890.html",
        title="通渭县强化政治保证大打疫情防控阻击战",
        date="2020-02-05", source="通渭县委组织部", editor="张三", site_name="通渭县人民政府", lang="zh",
        text=(
            "新型冠状病毒感染的肺炎疫情发生以来，通渭县委组织部坚决贯彻落实省委、市委决策部署，"
            "把疫情防控作为当前最重要的工作来抓。\n"
            "全县各级党组织和广大党员干部冲锋在前，在社区、村组、卡点设立党员先锋岗128个，"
            "组建党员突击队46支，全力以赴抓好联防联控、群防群控各项措施落实。\n"
            "县委组织部派出督查组，对乡镇疫情防控工作开展督查，对工作不力的严肃问责。"
        ),
    ),
    dict(
        url="http://www.gansu.gov.cn/gsszf/c100002/202103/1412345.shtml",
        title="我省全力抓好春耕备耕生产",
        date="2021-03-15", source="甘肃日报", author="李明", site_name="甘肃省人民政府", lang="zh",
        text=(
            "眼下正值春耕备耕关键时期，全省各地抢抓农时，组织农民群众开展春耕生产。\n"
            "省农业农村厅组织技术人员深入田间地头，指导农户科学施肥、合理用药，"
            "全省已储备化肥86.5万吨、农膜12.3万吨，种子供应充足。\n"
            "定西市马铃薯种植面积稳定在300万亩以上，通渭县、陇西县小杂粮生产进展顺利。"
        ),
    ),
    dict(
        url="http://www.news.cn/fortune/2023-05/19/c_1129628513.htm",
        title="4月份国民经济继续恢复向好",
        date="2023-05-19", source="新华网", site_name="新华网", lang="zh",
        text=(
            "新华社北京5月19日电（记者王晓丹）国家统计局19日发布数据显示，4月份国民经济继续恢复，"
            "生产需求持续改善，就业物价总体稳定。\n"
            "4月份，全国规模以上工业增加值同比增长5.6%，社会消费品零售总额同比增长18.4%。"
            "1至4月份，全国固定资产投资同比增长4.7%。\n"
            "国家统计局新闻发言人表示，下阶段要着力扩大国内需求，推动经济实现质的有效提升和量的合理增长。"
        ),
    ),
    dict(
        url="http://opinion.people.com.cn/n1/2022/0601/c1003-32435678.html",
        title="以更高标准打好蓝天碧水净土保卫战",
        date="2022-06-01", source="人民日报", author="本报评论员", site_name="人民网", lang="zh",
        text=(
            "生态环境保护是功在当代、利在千秋的事业。近年来，我国生态环境质量持续改善，"
            "地级及以上城市空气质量优良天数比率稳步提高。\n"
            "打好污染防治攻坚战，要坚持精准治污、科学治污、依法治污，"
            "统筹山水林田湖草沙一体化保护和系统治理。"
        ),
    ),
    dict(
        url="http://zwgk.example.gov.cn/xxgk/tzgg/202201/t20220110_112233.html",
        title="关于2022年元旦春节期间疫情防控工作的通告",
        date="2022-01-10", source="某市新型冠状病毒肺炎疫情防控指挥部", site_name="某市政务公开", lang="zh",
        text=(
            "为切实做好元旦春节期间疫情防控工作，保障人民群众生命安全和身体健康，现将有关事项通告如下：\n"
            "一、非必要不离市。倡导广大市民就地过年，确需出行的，请提前了解目的地防控政策。\n"
            "二、从中高风险地区来（返）的人员，须主动向社区报备并配合落实健康管理措施。\n"
            "三、减少聚集性活动，公共场所严格落实测温、扫码、戴口罩等措施。\n"
            "某市新型冠状病毒肺炎疫情防控指挥部\n2022年1月10日"
        ),
    ),
    dict(
        url="https://www.info.gov.hk/gia/general/202201/05/P2022010500612.htm",
        title="政府公布加強防疫措施",
        date="2022-01-05", source="香港特別行政區政府新聞公報", site_name="香港政府新聞網", lang="zh-HK",
        text=(
            "政府今日公布，鑑於本地疫情反彈風險急增，將收緊社交距離措施，由一月七日起生效。\n"
            "食物及衞生局局長表示，市民應盡量留在家中，避免不必要的社交活動，並盡快接種疫苗。\n"
            "政府會密切監察疫情發展，適時調整防疫措施。"
        ),
    ),
    dict(
        url="https://www.chinadaily.com.cn/a/202104/20/WS607e2a5ea31024ad0bab6a1b.html",
        title="China speeds up COVID-19 vaccine rollout",
        date="2021-04-20", source="China Daily", author="Wang Xiaoyu", site_name="China Daily", lang="en",
        text=(
            "China has administered more than 190 million doses of COVID-19 vaccines, health authorities said on Tuesday.\n"
            "The vaccination campaign is being expanded to cover people aged 60 and above, "
            "and mobile vaccination stations have been set up in rural areas.\n"
            "Officials urged the public to get vaccinated as soon as possible to build an immunity barrier."
        ),
    ),
    dict(
        url="http://www.nhc.gov.cn/xcs/yqtb/202212/abc123.shtml",
        title="新冠肺炎（COVID-19）疫情最新情况",
        date="2022-12-07", source="国家卫生健康委员会", site_name="国家卫生健康委员会", lang="zh",
        text=(
            "12月6日0—24时，31个省（自治区、直辖市）和新疆生产建设兵团报告新增确诊病例4103例。\n"
            "国家卫生健康委要求进一步优化COVID 疫情防控措施，科学精准做好新冠病毒感染防控工作。"
        ),
    ),
    dict(
        url="http://www.ahsz.gov.cn/news/2020/0320/kangyi.html",
        title="致敬最美逆行者",
        date="2020-03-20", source="宿州市融媒体中心", site_name="宿州市人民政府", lang="zh",
        text=(
            "一个多月来，我市医务工作者白衣执甲、逆行出征，奋战在抗疫一线。\n"
            "他们说：“这是我们的职责所在，必须抗疫。”\n"
            "疫，情，都在这座城市的记忆里。"
        ),
    ),
    dict(
        url="http://www.mwr.gov.cn/xw/slyw/202207/t20220705_1234.html",
        title="水利部部署主汛期防汛工作",
        date="2022-07-05", source="水利部", site_name="中华人民共和国水利部", lang="zh",
        text=(
            "7月5日，水利部召开会商会，分析研判雨水情形势，对主汛期水旱灾害防御工作作出安排。\n"
            "会议要求，各级水利部门要强化监测预报预警，科学调度水利工程，确保人民群众生命财产安全。"
        ),
    ),
    dict(
        url="http://www.ncac.gov.cn/chinacopyright/contents/12228/353456.shtml",
        title="著作权法实施条例修订征求意见",
        date="2021-11-02", source="国家版权局", site_name="国家版权局", lang="zh",
        text=(
            "为做好著作权法实施条例修订工作，国家版权局起草了修订草案征求意见稿，现向社会公开征求意见。\n"
            "版权所有人的合法权益受法律保护，任何单位和个人不得侵犯。"
        ),
    ),
    dict(
        url="https://english.www.gov.cn/news/topnews/202303/05/content_WS6403f7.html",
        title="Premier delivers government work report",
        date="2023-03-05", source="Xinhua", site_name="english.gov.cn", lang="en",
        text=(
            "The government work report set a GDP growth target of around 5 percent for 2023.\n"
            "The report pledged to expand domestic demand, stabilize employment and promote rural revitalization."
        ),
    ),
]

FETCHED_AT = "2024-05-19T08:00:00Z"


def documents() -> list[Document]:
    return [Document(**raw) for raw in RAW]


def html_for(doc: Document) -> bytes:
    """A CMS-like page wrapping the document, as raw bytes (GBK for .gov.cn notices)."""
    paragraphs = "".join(f"<p>{line}</p>" for line in doc.text.split("\n"))
    html = (
        f"<html><head><meta charset='utf-8'><title>{doc.title}</title></head><body>"
        f"<div class='nav'>首页 | 政务公开 | 新闻中心</div><h1>{doc.title}</h1>"
        f"<div class='info'>发布时间：{doc.date} 来源：{doc.source}</div>"
        f"<div class='content'>{paragraphs}</div><div class='footer'>版权所有 技术支持</div></body></html>"
    )
    return html.encode("utf-8")


def page_for(doc: Document, fetched_at: str = FETCHED_AT, **extra) -> PageRecord:
    return PageRecord(
        url=doc.url, final_url=doc.url, status=200, content_type="text/html; charset=utf-8",
        fetched_at=fetched_at, encoding="utf-8", encoding_source="meta", body=html_for(doc), **extra,
    )


def fill(store, fetched_at: str = FETCHED_AT, run_id: int | None = None) -> list[Document]:
    """Save the whole corpus into `store` in one batch; return the documents."""
    docs = documents()
    store.save_many([(page_for(d, fetched_at), d) for d in docs], run_id=run_id, extractor_version="test")
    return docs
