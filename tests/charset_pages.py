"""Realistic whole pages for the charset and sniff tests.

Each builder returns the page as str; tests encode it with the real codec
(`page.encode("gbk")`, `"big5hkscs"`, ...) so the bytes are what a server sends.
Pages look like the sites we crawl: a government or news CMS template with head,
navigation, breadcrumb, article, related links and a long footer.
"""

from __future__ import annotations

# --- sentences the tests look for -------------------------------------------------------

GB_SENTENCE = "为深入贯彻落实党中央、国务院决策部署，进一步优化营商环境，现将有关事项通知如下。"
# 镕, 喆 and 堃 are in GBK but not in GB2312: a page declared gb2312 still uses them.
GBK_SENTENCE = "原国务院总理朱镕基同志、全国劳动模范王喆和李堃同志出席座谈会并讲话。"
BIG5_SENTENCE = "行政院今日召開記者會，說明長期照顧服務法修正草案之重點。"
# 㗎, 嘅, 啲 and 𥄫 are HKSCS characters (Cantonese), absent from plain Big5.
HKSCS_SENTENCE = "呢啲係香港特區政府嘅最新公告㗎，請市民𥄫清楚再填表。"
CP950_SENTENCE = "本館門票售價為€15，持學生證者半價。"  # € is A3E1 in cp950 only
LATIN_SENTENCE = "Le ministère a publié à 18 h un communiqué détaillé : « coût estimé 12 € »."
SJIS_SENTENCE = "本日、内閣府は経済財政運営と改革の基本方針を公表しました。"
EUCKR_SENTENCE = "행정안전부는 오늘 정부혁신 종합계획을 발표했습니다."
ASCII_SENTENCE = "The State Council issued a circular on improving government services."

_SIMPLIFIED_PARAGRAPHS = [
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    GB_SENTENCE,
    "一、持续深化“放管服”改革。各地区各部门要坚持以人民为中心的发展思想，"
    "聚焦企业和群众办事的难点堵点，推动政务服务事项网上办、掌上办、就近办。",
    "二、加强组织领导。各地区要建立健全工作协调机制，明确责任分工，"
    "细化工作措施，确保各项任务落到实处。",
    "三、强化督促检查。国务院办公厅将会同有关部门对落实情况进行跟踪督查，对工作不力的予以通报。",
    "四、推进数据共享。依托全国一体化政务服务平台，打通部门间数据壁垒，"
    "实现身份证件、营业执照等高频电子证照跨地区、跨部门互通互认，"
    "减少企业和群众重复提交材料。",
    "五、提升服务体验。各级政务服务中心要全面推行首问负责、一次告知、限时办结等制度，"
    "设置“办不成事”反映窗口，畅通投诉渠道，及时回应群众关切。",
    "六、加强宣传引导。各地区各部门要通过新闻发布会、政府网站、政务新媒体等渠道，"
    "及时准确发布政策信息，做好政策解读，营造良好舆论氛围。",
    "国务院办公厅",
    "2024年5月19日",
]
_TRADITIONAL_PARAGRAPHS = [
    "行政院新聞傳播處表示，為因應高齡社會之需要，政府持續推動長期照顧政策。",
    BIG5_SENTENCE,
    "衛生福利部指出，本次修正重點包括擴大服務對象、充實照顧人力以及強化財源穩定。",
    "行政院長表示，長期照顧是政府的重要施政，未來將持續與地方政府合作，"
    "布建社區整體照顧服務體系，讓長輩在熟悉的環境中安心老化。",
    "此外，政府亦將檢討居家服務人員之薪資結構，改善勞動條件，"
    "以吸引更多青年投入照顧服務產業，並強化專業訓練與職涯發展。",
    "相關資訊請參閱衛生福利部網站，或撥打長照專線一九六六洽詢。",
]
_SIMPLIFIED_FRAME = {
    "site": "某某省人民政府门户网站",
    "nav": ["首页", "要闻动态", "政务公开", "政务服务", "互动交流", "数据开放", "走进本省"],
    "crumb": "您当前的位置：首页 > 政务公开 > 政策文件",
    "info": "发布时间：2024-05-19 10:30　来源：省政府办公厅　【字体：大 中 小】　打印本页",
    "related": ["关于做好2024年春耕生产工作的通知", "省政府常务会议研究部署稳经济工作"],
    "sitemap": "网站地图",
    "contact": "联系我们",
    "links": "友情链接：中国政府网 国家发展改革委 教育部 科学技术部 工业和信息化部 公安部 民政部 "
    "司法部 财政部 人力资源社会保障部 自然资源部 生态环境部 住房城乡建设部 交通运输部 水利部 "
    "农业农村部 商务部 文化和旅游部 国家卫生健康委 应急管理部 审计署 市场监管总局",
    "footer": "主办：某某省人民政府办公厅　承办：某某省大数据中心　版权所有　"
    "网站标识码：6200000001　陇ICP备14000381号　甘公网安备 62010202000123号",
}
_TRADITIONAL_FRAME = {
    "site": "行政院全球資訊網",
    "nav": ["首頁", "新聞與公告", "政策與計畫", "資訊公開", "便民服務", "關於本院"],
    "crumb": "您的位置：首頁 > 新聞與公告 > 本院新聞",
    "info": "發布日期：113-05-19　資料來源：行政院新聞傳播處　【字級：大 中 小】　列印",
    "related": ["行政院會通過國家語言發展法施行細則", "院長視察防災整備工作"],
    "sitemap": "網站導覽",
    "contact": "聯絡我們",
    "links": "相關連結：總統府 立法院 司法院 考試院 監察院 內政部 外交部 國防部 財政部 教育部 "
    "法務部 經濟部 交通部 勞動部 農業部 衛生福利部 環境部 文化部 數位發展部",
    "footer": "行政院 版權所有 2024　地址：100009 臺北市中正區忠孝東路1段1號　"
    "總機：(02)3356-6500　隱私權政策　資訊安全政策",
}


def _head(title: str, meta: str, head_script: str) -> str:
    """Doctype and <head>; `meta` and any script go where CMS templates put them."""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{head_script}{meta}
<meta name="keywords" content="{title}" />
<meta name="description" content="{title}" />
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="/css/common.css" />
<style type="text/css">
  body {{ margin: 0; font: 14px/1.8 "Microsoft YaHei", SimSun, sans-serif; }}
  .nav li {{ float: left; padding: 0 18px; }} .footer {{ color: #666; text-align: center; }}
</style>
</head>
"""


def _body(title: str, paragraphs: list[str], frame: dict) -> str:
    """Header, nav, breadcrumb, article, related links, friend links and footer."""
    nav = "\n".join(
        f'    <li><a href="/col{i}/index.html">{n}</a></li>' for i, n in enumerate(frame["nav"])
    )
    text = "\n".join(f"    <p>{p}</p>" for p in paragraphs)
    related = "\n".join(
        f'    <li><a href="/art/{i}.html">{r}</a></li>' for i, r in enumerate(frame["related"])
    )
    links = "\n".join(
        f'  <a href="http://www.example.gov/{i}/" target="_blank">{name}</a>'
        for i, name in enumerate(frame["links"].split())
    )
    return f"""<body>
<div class="header"><a href="/"><img src="/images/logo.png" alt="{frame["site"]}" /></a></div>
<div class="nav">
  <ul>
{nav}
  </ul>
</div>
<div class="crumb">{frame["crumb"]}</div>
<div class="article">
  <h1>{title}</h1>
  <div class="info">{frame["info"]}</div>
  <div class="content" id="zoom">
{text}
  </div>
  <div class="related">
  <ul>
{related}
  </ul>
  </div>
</div>
<div class="links">
{links}
</div>
<div class="footer">
  <p>{frame["footer"]}</p>
  <p><a href="/sitemap.html">{frame["sitemap"]}</a> |
     <a href="/contact.html">{frame["contact"]}</a></p>
</div>
"""


def gov_page(
    meta: str = "",
    *,
    traditional: bool = False,
    paragraphs: list[str] | None = None,
    head_script: str = "",
    tail_script: str = "",
) -> str:
    """A government article page; `meta` is the charset declaration markup, if any."""
    frame = _TRADITIONAL_FRAME if traditional else _SIMPLIFIED_FRAME
    if paragraphs is None:
        paragraphs = _TRADITIONAL_PARAGRAPHS if traditional else _SIMPLIFIED_PARAGRAPHS
    title = (
        "關於長期照顧服務法修正草案的說明"
        if traditional
        else "关于进一步优化政务服务提升行政效能的通知"
    )
    return (
        _head(title, meta, head_script)
        + _body(title, paragraphs, frame)
        + tail_script
        + "</body>\n</html>\n"
    )


def gbk_page(meta: str = "", *, head_script: str = "", tail_script: str = "") -> str:
    """The simplified page with GBK-only characters (朱镕基, 王喆, 李堃) in the body."""
    paragraphs = list(_SIMPLIFIED_PARAGRAPHS)
    paragraphs.insert(2, GBK_SENTENCE)
    return gov_page(meta, paragraphs=paragraphs, head_script=head_script, tail_script=tail_script)


def script_heavy_gbk_page(meta: str = "", script_bytes: int = 6000) -> str:
    """A GBK CMS page whose first and last `script_bytes` bytes are ASCII script/CSS.

    Detectors that sample the start and end of a page see only ASCII here;
    trafilatura's decode_file turns it into mojibake.
    """
    return gbk_page(
        meta, head_script=ascii_script(script_bytes), tail_script=ascii_script(script_bytes)
    )


def hkscs_page(meta: str = "") -> str:
    """A Hong Kong page in traditional Chinese with Cantonese (HKSCS) characters."""
    paragraphs = [
        "香港特別行政區政府今日公布新一份施政報告諮詢安排。",
        HKSCS_SENTENCE,
        "市民可於辦公時間內親臨各區民政事務處索取表格，或於網上遞交意見。",
    ]
    return gov_page(meta, traditional=True, paragraphs=paragraphs)


def ascii_script(size: int) -> str:
    """Roughly `size` bytes of the ASCII script and CSS CMS templates carry."""
    block = """<script type="text/javascript">
var _hmt = _hmt || [];
(function() {
  var hm = document.createElement("script");
  hm.src = "https://hm.example.com/hm.js?3f5a9c1e2b7d4e6f8a0b1c2d3e4f5a6b";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
})();
function setFontSize(size) { document.getElementById("zoom").style.fontSize = size + "px"; }
$(function () { $(".nav li").hover(function () { $(this).addClass("on"); },
  function () { $(this).removeClass("on"); }); });
</script>
<style type="text/css">
.banner { width: 1200px; height: 110px; background: url(/images/banner.jpg) no-repeat; }
.list li { line-height: 32px; border-bottom: 1px dashed #ddd; overflow: hidden; }
</style>
"""
    return (block * (size // len(block) + 1))[:size].rsplit("\n</script>", 1)[0] + "\n</script>\n"


def latin_page(meta: str = "") -> str:
    """A French ministry page (cp1252: accents, guillemets, euro sign)."""
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
{meta}
<title>Communiqué de presse – Ministère de l'Économie</title>
</head>
<body>
<nav><a href="/">Accueil</a> | <a href="/presse">Presse</a> | <a href="/contact">Contact</a></nav>
<article>
<h1>Communiqué de presse</h1>
<p>{LATIN_SENTENCE}</p>
<p>Les données détaillées sont disponibles sur le site du ministère, rubrique « Études ».</p>
</article>
<footer>© 2024 Ministère de l'Économie – Mentions légales – Accessibilité</footer>
</body>
</html>
"""


def foreign_page(sentence: str, meta: str, lang: str) -> str:
    """A short but complete page in another CJK language."""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
{meta}
<title>{sentence[:12]}</title>
</head>
<body>
<div class="nav"><a href="/">HOME</a> | <a href="/news/">NEWS</a></div>
<div class="article"><h1>{sentence[:12]}</h1>
<p>{sentence}</p>
<p>{sentence}</p>
</div>
<div class="footer">Copyright 2024</div>
</body>
</html>
"""


def ascii_page(meta: str = "") -> str:
    """An English government page with no byte above 0x7F."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{meta}
<title>Circular of the General Office of the State Council</title>
</head>
<body>
<div class="nav"><a href="/">Home</a> | <a href="/policies/">Policies</a></div>
<div class="article">
<h1>Circular of the General Office of the State Council</h1>
<p>{ASCII_SENTENCE}</p>
<p>All localities and departments shall implement this circular in earnest.</p>
</div>
<div class="footer">Copyright (c) The State Council. All rights reserved.</div>
</body>
</html>
"""
