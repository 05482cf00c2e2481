"""The noise catalogue as data: what chrome looks like on Chinese government and news sites.

Each rule has a name (reported in counts and tested one by one in
tests/test_noise.py with a case it must remove and a body sentence it must keep).
Add a rule here, a fixture that needs it, and a test; the code in noise.py applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bylines import REPORTER_CREDIT_RE


@dataclass(frozen=True)
class ElementRule:
    """Elements whose tag is in `tags` or whose class/id matches `attr`.

    `max_share`: never remove an element holding more than this share of the page's
    text; a page whose article container is called "content-footer" keeps it.
    """

    name: str
    attr: re.Pattern[str] | None = None
    tags: tuple[str, ...] = ()
    max_share: float = 0.4


@dataclass(frozen=True)
class LineRule:
    """A whole line matching `pattern` (searched) that is at most `max_len` characters.

    `prose_guard`: a line that reads as a sentence (ends a clause with 。！？) is body
    text that mentions the noise word, never chrome.
    """

    name: str
    pattern: re.Pattern[str]
    max_len: int = 60
    prose_guard: bool = True
    hints: tuple[str, ...] = ()  # lower-case substrings the line must hold one of: a cheap test before the regex


@dataclass(frozen=True)
class CutRule:
    """A short line matching `pattern` that starts trailing chrome; cut it and the rest.

    Only in the second half of the content (by characters), so a body heading that
    happens to match early on cannot truncate the article. On a line without Chinese
    characters (an English page) it does not fire when much English prose follows: an
    English "Copyright law..." or "Notice:" paragraph mid-article is not a footer.

    `box_lines`: the chrome may start up to this many lines before the matching line,
    at a short heading that repeats the title or an earlier line (a topic box: the
    headline again, one sentence, "更多>>").
    """

    name: str
    pattern: re.Pattern[str]
    max_len: int = 30
    box_lines: int = 0


@dataclass(frozen=True)
class TitleRule:
    """A line next to the title at the top of the body that belongs to the headline, not the text.

    `above`: the line comes before the title (a column name, a breadcrumb, a 引题 lead-in);
    otherwise right after it (a 副题 subtitle).
    """

    name: str
    pattern: re.Pattern[str]
    max_len: int
    above: bool = True


def _attr(*words: str) -> re.Pattern[str]:
    """class/id tokens starting with one of `words` (nav matches navbar, not canvas)."""
    return re.compile(r"(?:^|[^a-z])(?:" + "|".join(words) + r")", re.I)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_C = r"\s*[:：]\s*"  # a colon, half- or full-width, with optional spaces

ELEMENT_RULES: tuple[ElementRule, ...] = (
    ElementRule("navigation", _attr("nav", "menu", "daohang", "topbar", "top-bar", "sitemap"), ("nav",)),
    # CSS utility classes are layout, not regions: position-relative (Bootstrap), border-bottom,
    # bottom-0 (Tailwind). entry-header/article-header/post-header hold the title and byline.
    ElementRule("breadcrumb", _attr("breadcrumb", "crumb", r"position(?!-(?:relative|absolute|fixed|static|sticky))", "location", "curpos", "weizhi", "dqwz", "currentpos")),
    ElementRule("footer", _attr("footer", "foot", "copyright", "banquan", r"(?<!border-)bottom(?!-(?:\d|auto|full|px))"), ("footer",)),
    ElementRule("share", re.compile(r"share|jiathis|fenxiang|bdsharebutton", re.I)),
    ElementRule("comments", re.compile(r"comment(?!ary|ator)|pinglun|changyan|disqus|(?:^|[^a-z])reply", re.I), max_share=0.9),
    ElementRule("related", _attr("related", "relate", "xgxw", "xgwz", "xiangguan", "recommend", "tuijian", "hotnews", "hot-news", "hot_news", "paihang", "rank", "morenews", "more-news")),
    ElementRule("sidebar", _attr("sidebar", "side-bar", "side_bar"), ("aside",)),
    ElementRule("prev_next", _attr("prevnext", "prev-next", "prev_next", "pre-next", "pre_next", "shangxia", "sxp", "pagenav")),
    ElementRule("page_tools", _attr("toolbar", "tools", "fontsize", "font-size", "zihao", "printbtn", "print-btn")),
    ElementRule("ads", _attr("advert", "ads", "ad-", "ad_", "guanggao", "adsense")),
    # slide-in / slide-up are animation utility classes (a shop's product cards), not slides
    ElementRule("carousel", _attr(r"slide(?!-*(?:in|out|up|down|left|right)(?![a-z]))", "swiper", "carousel", "lunbo", "focuspic", "focus-pic")),
    ElementRule("login_search", _attr("login", "searchbox", "search-box", "search_box", "sousuo")),
    # a forum member's signature under each post (Discuz div.sign, phpBB div.signature)
    ElementRule("signature", _attr("signature", r"sign(?![a-z])", "psig", "postsig")),
    ElementRule("cookie_notice", _attr("cookie", "gdpr", "consent")),
    # No <header> tag: HTML5 puts one inside <article> too, around the title and the byline.
    ElementRule("header", _attr(r"(?<!entry-)(?<!article-)(?<!post-)header", "masthead", "site-head", "top-head")),
)

_TOOL_WORDS = (
    r"打印本页|打印此页|打印文章|打印|关闭窗口|关闭本页|关闭|保存本页|收藏本页|加入收藏|设为首页|返回顶部|"
    r"回到顶部|返回首页|返回列表|返回|顶部|分享|纠错|字体|字号|大|中|小|默认|列印|友善列印|關閉|回上一頁|回首頁|"
    r"推荐|评论|下载|放大|缩小|朗读|复制链接|微信|微博|QQ空间|QQ|Top|\+?关注|已关注|举报"
)
_SITE_WORDS = (
    r"网站地图|联系我们|关于我们|网站声明|隐私声明|法律声明|免责声明|使用帮助|意见反馈|网站纠错|无障碍|"
    r"无障碍浏览|长者模式|English|网站导航|网站导览|網站導覽|隱私權政策|資訊安全政策|政府网站年度报表|"
    r"设为首页|加入收藏|帮助|投稿|招聘|广告服务|网站简介|手机版|简体|繁体|繁體|简|繁"
)
_SEP = r"[\s\[\]【】()（）|｜/\\·•:：,，、]*"


def _spaced(*words: str) -> str:
    """Alternatives that match with spaces between the characters too (郑 重 声 明)."""
    return "|".join(r"\s*".join(map(re.escape, w)) for w in words)


# Page-number bars: numbers, [1] [2], 首页/上一页/下一页/尾页, 共5页, Page 1 of 3, and nothing else.
_PAGE_TOKEN = (r"(?:\d{1,3}|[\[【(（]\s*\d{1,3}\s*[\]】)）]|首页|首頁|上一页|下一页|上一頁|下一頁|尾页|末页|末頁|上页|下页|前页|后页|"
               r"共\s*\d+\s*页|第\s*\d+\s*页|当前第?\s*\d+\s*页|\d+\s*/\s*\d+\s*页?|跳转到?|转到|到第|GO|Go|确定|页|頁|"
               r"<<|>>|«|»|‹|›|<|>|＜|＞|\.{2,3}|…|Prev(?:ious)?|Next|First|Last|Page\s+\d+\s+of\s+\d+|Page)")
_DOMAIN = r"(?:https?://)?(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|gov|edu|hk|tw|info|cc|tv|mo)(?:\.[a-z]{2})?/?"
# Template placeholders a CMS left unfilled: ${title}, $!{obj.ah}, {{fbrq}}, #{x}, <%=x%>, [!--title--], {dede:...}
_CMS_TOKEN = r"(?:\$!\{[^{}\s]{1,40}\}|\[!--[\w.]{1,30}--\]|\{dede:[^}]{1,60}\}|\{pe\.[^}]{1,40}\})"
_TEMPLATE_TOKEN = (r"(?:\$!?\{[^{}\s]{1,40}\}|\{\{\s*[^{}]{1,40}?\s*\}\}|#\{[^{}\s]{1,40}\}|<%=?[^%]{1,60}%>|"
                   r"\[!--[\w.]{1,30}--\]|\{dede:[^}]{1,60}\}|\{\$[^{}\s]{1,40}\}|\{pe\.[^}]{1,40}\}|@\{[^{}\s]{1,40}\})")

LINE_RULES: tuple[LineRule, ...] = (
    LineRule("prev_next", _re(r"^[\[【]?\s*(上一篇|下一篇|上一条|下一条|上篇|下篇|上一页|下一页|前一篇|后一篇|上一则|下一则|上一則|下一則|上一頁|下一頁|上一版|下一版)"), 120),
    LineRule("breadcrumb", _re(r"^(您|你)?(当前|现在|目前|目前的)?(的)?(所在)?(位置|所在位置)" + _C), 150),
    # English: "Home" opening the line (or after "You are here:") and an arrow or a spaced slash;
    # prose has home-buyers, home/office and "work from home - a shift".
    LineRule("breadcrumb_path", _re(r"(首页|主页|首頁)\s*(>|＞|»|›|→|>>|/|-)\s*\S|(?:^|[:：]\s*)(?-i:Home|HOME)(?:\s*[>＞»›→]|\s+/)\s*\S"), 100),
    LineRule("breadcrumb_arrows", _re(r"^[^。，,]{1,24}?\s*(→|»|＞|>|›)\s*[^。，,]{1,24}?\s*(→|»|＞|>|›)"), 120),
    LineRule("forum_signature", _re(r"^本[贴帖]由.{1,20}于.{6,50}(发表|发布)[.。]?$"), 80, prose_guard=False),
    LineRule("page_tools", _re(rf"^{_SEP}(?:(?:{_TOOL_WORDS}){_SEP})+$"), 60),
    LineRule("page_tools_font", _re(r"字[体號号體]" + r"\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中"), 40),
    LineRule("share_to", _re(r"^分享(到|至)" + r"\s*[:：]?"), 40),
    LineRule("scan_qr", _re(r"扫一扫|扫描二维码|微信扫码|手机扫码|在手机打开|手机访问|用手机看"), 30),
    LineRule("site_links", _re(rf"^{_SEP}(?:(?:{_SITE_WORDS}){_SEP})+$"), 80),
    LineRule("copyright", _re(r"版权所有|版權所有|版权声明|(?-i:Copyright(?!\s+[a-z]))|copyright\s*(?:©|\(c\)|\d{4})|©|\(c\)\s*\d{4}|All rights reserved"), 90),
    LineRule("icp", _re(r"ICP\s*(备|證|证)\s*[\d号字第]|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]ICP"), 200),
    LineRule("police_record", _re(r"公网安备|公網安備|网安备\s*\d|公安机关备案号"), 200),
    LineRule("site_code", _re(r"网站标识码|网站识别码|網站識別碼"), 200),
    LineRule("organiser", _re(r"^(主办|承办|协办|主管|运营|运维|维护|技术支持|技术保障|网站维护|主辦|承辦|協辦)(单位|單位)?" + _C), 100),
    LineRule("address_footer", _re(r"^(地址|通讯地址|联系地址|地址|單位地址)" + _C + r".{2,60}(邮编|邮政编码|電話|电话|传真)"), 150),
    LineRule("postcode", _re(r"^(邮编|邮政编码)" + _C + r"\d{6}"), 60),
    LineRule("counter", _re(r"(浏览次数|浏览量|阅读次数|阅读量|阅读数|点击数|点击次数|点击量|点击率|访问量|访问次数|瀏覽人次|瀏覽次數|點閱次數|点阅|人气)" + r"\s*[:：]?\s*[\d,]*\s*(次)?\s*$"), 40),
    LineRule("counter_reader", _re(r"(您是本文第|本文已被|已被阅读|已阅读)\s*\d+\s*(个|位|次)?"), 50),
    LineRule("counter_bare", _re(r"^(阅读|浏览|点击|阅)\s*[:：]?\s*\d+\s*(次)?$"), 20),
    LineRule("keywords", _re(r"^[【\[]?(关键词|关键字|标签|主题词|Tags?|關鍵詞|關鍵字|標籤)[】\]]?(" + _C + r"|\s*(>>|»|>)\s*)"), 80),
    LineRule("like_counter", _re(r"^(\+1|赞|点赞|顶|踩|收藏|喜欢)\s*[(（]?\s*\d*\s*[)）]?$"), 12),
    LineRule("contributor", _re(r"通讯员投稿|投稿邮箱|我要投稿|欢迎投稿"), 30),
    LineRule("comment_widget", _re(r"文明上网|理性发言|请先登录|登录后(发表|评论)|发表评论|网友评论|新闻评论|我要评论|查看评论|条评论|评论\s*[(（]\d+|加载更多|查看更多|点击加载|展开全文|阅读全文|发表留言"), 40),
    # Chinese list items cut short; an English line ending in "..." is prose unless it is one word ("Loading...").
    LineRule("teaser", _re(r"^(?:(?=.*[\u3400-\u9fff]).*\S|\S+)(\.\.\.|\.\.\.\s*[\]】)）])$"), 200, prose_guard=False),
    # a teaser cut with one ellipsis character ("…因参…"); prose ends with a double "……"
    LineRule("teaser_ellipsis", _re(r"^(?=.*[\u3400-\u9fff]).*[^…]…$"), 100, prose_guard=False),
    LineRule("hashtags", _re(r"^(#[^#\s]+#?\s*){2,}$"), 80),
    # a news site asking for subscribers at the end of a story
    LineRule("subscribe_promo", _re(r"^(support (local|our|independent|quality) journalism|subscribe( today)?$|"
                                    r"become a (member|subscriber))\b|"
                                    r"(is|are) (made possible|funded) by (our )?(subscribers|readers|members)"), 200,
             prose_guard=False),
    # the edit note forum software puts atop a post
    LineRule("edit_note", _re(r"^(本帖最后由.{1,30}于.{6,30}编辑|(last\s+)?edited\s+by\s+.{1,40}(\s+on\s+.{4,40})?)$"), 100,
             prose_guard=False),
    LineRule("read_more_en", _re(r"^(READ MORE|ALSO READ|RELATED|SEE ALSO|MORE)\s*:"), 160),
    # the label of an ad slot, alone on its line
    LineRule("ad_label", _re(r"^\s*[\[(]?(advertisement|sponsored( content)?|ad|广告|推广)[\])]?\s*$"), 25, prose_guard=False),
    # the writer's contact line after an English article: "Jane Doe covers ... Reach her at jdoe@x.com"
    LineRule("author_contact", _re(r"\b(reach|contact|email|e-mail|follow)\s+(him|her|them|me|the\s+author)\b.{0,60}"
                                   r"(@[\w-]+\.\w|\d{3}[-.\s]\d{4})"), 250, prose_guard=False),
    LineRule("cookie_notice", _re(r"(本网站|本網站|本站|我们|我們)\S{0,4}(使用|采用|啟用|启用)\s*\S{0,20}?cookies?|(接受|同意)(全部|所有)?\s*cookies?|"
        r"\b(we|this\s+(web)?site|our\s+(web)?site)\s+(use|uses|set|sets)\s+(\S+\s+){0,2}cookies|accept\s+(all\s+|additional\s+)?cookies|"
        r"cookies?\s*(政策|設定|设置|policy|settings|preferences)"), 200, prose_guard=False, hints=('cookie',)),
    LineRule("app_promo", _re(r"(下载|打开).{0,12}(客户端|APP)|更多.{0,12}请.{0,4}下载|(扫描|扫码|长按).{0,12}(二维码|关注)|"
                              r"关注.{0,12}(公众号|官方微信|官方微博|视频号)|点.?在看|看都看完了|^\S{2,10}(公众号|官方微博|官方微信)$"), 80, hints=('下载', '打开', '更多', '扫', '长按', '关注', '在看', '看完', '公众号', '官方')),
    LineRule("tip_line", _re(r"^[【\[（(]?\S{0,8}(报料|爆料|新闻线索)(热线|电话|邮箱|微信)?\s*[:：]"), 80, prose_guard=False),
    LineRule("reprint_notice", _re(r"未经(授权|许可|允许).{0,8}(不得|禁止)(转载|使用)|转载请注明|本文(来自|来源于).{0,20}(请下载|APP|客户端)"), 120),
    LineRule("original_title", _re(r"^[（(【\[]?\s*(本文)?原(标题|題|題目|题目|题)(为|為)?\s*[:：《“\"]"), 150, prose_guard=False),
    LineRule("photo_credit", _re(r"^[▲△■●]?\s*[（(]?[^。，,]{0,30}?(摄|攝|供图|供圖|/图|／图)\s*[）)]?$|^[（(]?(资料图|资料图片|资料照片|点击(看|查看)?(清晰)?大图)[）)]?$|图片(均)?(来自|来源于|源自)网络"), 40),
    LineRule("comment_count", _re(r"^\d+\s*(条)?评论(\s*收藏)?$|正文已结束"), 40),
    LineRule("tag_label", _re(r"^[【\[]?(标签|关键词|关键字|主题词|Tags?|標籤|關鍵詞)[】\]]?$"), 6),
    LineRule("replacement_chars", _re(r"^[\ufffd\s?？]+$"), 200),
    LineRule("carousel_caption", _re(r"^(首页轮换图|轮换图|轮播图|焦点图|首页焦点图)\d*$"), 20),
    LineRule("css_leftover", _re(r"^[\w#.\-]*\d+(?:px|pt|em|rem)\b[\w#.\-:;,\s]*$"), 40),
    LineRule("js_leftover", _re(r"^(var\s+\w+\s*=|function\s*\w*\s*\(|document\.write|window\.|\$\(|jQuery\(|<!--|//\s*<!\[CDATA)"), 1000, prose_guard=False),
    LineRule("digit_run", _re(r"^[\d\s,.]*\d{10,}[\d\s,.]*$"), 200),
    LineRule("print_close", _re(r"^[【\[]\s*(打印|关闭|返回|顶部|收藏|评论|推荐|纠错)\s*[】\]]"), 60),
    # "本报记者 张三 李四", "（记者 张三 通讯员 李四）", "执笔人：张三" left in the body (the names are
    # read into `author` by pagemeta when the line sits next to the title or at the end).
    LineRule("reporter_credit", re.compile(REPORTER_CREDIT_RE.pattern + r"|^[（(【\[]?\s*(?:执笔人|執筆人|执笔|執筆|撰稿人)\s*[:：]\s*"
                                           r"[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4})*\s*[）)】\]]?$"), 60),
    LineRule("page_bar", _re(rf"^(?=\s*[\d\[【(（首上下尾末前后共第当跳转到GgPpNnFfLl<>«»‹›＜＞.…])(?=.*(?:页|頁|Page|Next|Prev|>>|»|[\[【]\s*\d))(?:\s*{_PAGE_TOKEN}\s*[|｜,，]?)+\s*$"), 120),
    # "人民网 www.people.com.cn", "（更多内容请继续关注 某某网 www.example.com.cn）", "~ 某某财经 網址: www.example.com";
    # a Chinese site name is required: "Website: https://www.example.com/" in an English listicle is content
    LineRule("site_domain", _re(
        rf"^(?=.*[\u4e00-\u9fff])[\s(（~\-—·|]*(?:(?:更多|欢迎).{{0,8}}?(?:关注|访问|登录|登陆)\s*)?(?:[\u4e00-\u9fffA-Za-z·&]{{2,20}}\s*(?:网址|網址|域名)?\s*[:：]?\s*)?"
        rf"[(（]?\s*{_DOMAIN}\s*[)）]?(?:\s*[\u4e00-\u9fff]{{2,12}})?[\s)）~]*$"), 60, hints=('.',)),
    # Widgets whose text reads as a sentence, so no prose guard: each names what it asks of the reader.
    # (English "Was this helpful?" and "Already a subscriber?" lines are left alone: English
    # benchmark annotators keep them as part of the page's main content.)
    LineRule("survey_widget", _re(
        r"您对(本文|本页|此文|这篇文章|本网站|本站|我们的服务)(的)?(满意度|评价|是否满意|满意吗)|"
        r"(本文|这篇文章|此文|本页|该文章|本页面|本条信息)(的)?(内容|信息)?(是否)?对(您|你)有(所)?(帮助|用)|请(为|对)(本文|本页|此文)(打分|评分|评价)"),
        80, prose_guard=False, hints=('满意', '帮助', '有用', '打分', '评分', '评价')),
    LineRule("login_widget", _re(
        r"^(请|您|你)?(需要|须|必须)?(先)?(登录|登陆|登入)(后|以后)?(才能|才可以|方可|即可|再)?"
        r"(发表评论|评论|回复|回帖|发帖|查看全文|阅读全文|查看|下载|参与讨论|参与互动|操作|收藏|点赞|留言)[。.!！]?\s*"
        r"(登录\s*[|｜/]?\s*注册|立即登录|马上登录)?$|^(登录|登陆)\s*[|｜/]\s*注册$|(还没有|没有)(账号|帐号)[？?]?\s*(立即|马上)?注册|"
        r"^(Please\s+)?(sign|log)\s?in\s+(to|or\s+register\s+to)\s+(read|continue|comment|view|post|reply|access)"),
        50, prose_guard=False, hints=('登录', '登陆', '登入', '账号', '帐号', 'sign', 'log')),
    LineRule("paywall", _re(
        r"(订阅|开通会员|成为会员|购买|付费|开通VIP|升级会员)(后|即可|才能|以)?(继续)?(阅读|查看|解锁)(全文|完整内容|剩余内容|剩余部分|完整版)|"
        r"剩余\s*\d+\s*%\s*(未读|内容)|试读(已)?结束|本文为(付费|会员专享|VIP)(内容|文章)|"
        r"Subscribe\s+(now\s+|today\s+)?(to|for)\s+(continue|keep)\s+reading|continue reading,?\s+(please\s+)?(subscribe|sign in|log in)|"
        r"You(’|')?(ve| have) reached your (limit|maximum) of free (articles|stories)|"
        r"This (article|story|content) is (only )?(available|reserved) (to|for) (paid )?subscribers|Subscribe to (read|unlock) (the full|this)"),
        120, prose_guard=False, hints=('订阅', '会员', '购买', '付费', 'vip', '剩余', '试读', '本文为', 'subscri', 'reached your', 'continue reading')),
    LineRule("loading_widget", _re(
        r"^(正在|努力|数据|内容|页面|图片)?(加载|載入|载入)(中)?\s*[，,]?\s*(请稍候|请稍等|请耐心等待)?[.。…]*$|"
        r"^Loading(,?\s+please\s+wait)?[.…]*$|^Please wait[.…]*$"), 30, prose_guard=False),
    # Platform and reprint disclaimers that read as sentences: they speak of the site itself (本平台, 本网).
    LineRule("platform_disclaimer", _re(
        r"(本平台|本网站?|本站|本号|本公众号)\S{0,4}(仅|只)提供信息(发布|存储)(空间)?服务|系信息发布平台|"
        r"(观点|内容|文章)仅代表作者(本人|个人)|不代表本(网|站|平台|号|报|刊)(的)?(立场|观点)|并不代表本(网|站|平台)赞同|"
        r"如有侵权[，,]?\s*请?(联系|与)|转载(此文|本文)?(是|仅)?(出于|目的在于)传递更多信息"), 200, prose_guard=False, hints=('信息', '代表', '侵权')),
    # Unfilled CMS template placeholders on Chinese court and notice pages: tokens after a Chinese
    # label ("发布日期：${fbrq}", "当事人：null"), or tokens only Chinese CMSs use ($!{…}, [!--…--],
    # {dede:…}). A bare "{{ form }}" or "${HOME}" line is code in an English manual.
    LineRule("template_residue", re.compile(
        rf"^(?=.*[\u4e00-\u9fff])(?:\s*(?:{_TEMPLATE_TOKEN}|[\u4e00-\u9fff]{{1,8}}\s*[:：]|[|｜,，、/\-]))*\s*{_TEMPLATE_TOKEN}"
        rf"(?:\s*(?:{_TEMPLATE_TOKEN}|[\u4e00-\u9fff]{{1,8}}\s*[:：]|[|｜,，、/\-]))*\s*$|"
        rf"^(?:\s*{_CMS_TOKEN})+\s*$|"
        r"^(?:\s*[\u4e00-\u9fff]{1,8}\s*[:：]\s*(?:null|undefined|NaN)\s*)+$"), 120,
        prose_guard=False, hints=('{', '<%', '[!--', 'null', 'undefined', 'nan')),
)

CUT_RULES: tuple[CutRule, ...] = (
    CutRule("related", _re(
        r"^[【\[]?\s*(相关(新闻|阅读|报道|链接|稿件|文章|资讯|推荐|专题|信息|文件|政策)|推荐阅读|为你推荐|为您推荐|热点推荐|"
        r"热门推荐|延伸阅读|猜你喜欢|你可能感兴趣|您可能感兴趣|更多(新闻|阅读|精彩)|热门文章|最新文章|精彩推荐|今日推荐|"
        r"往期回顾|热点新闻|热门新闻|图片新闻|最新动态|最新文章|最新信息|热点排行|热门排行|点击排行|相關新聞|相關連結|"
        r"熱點排行|熱門新聞|延伸閱讀|推薦閱讀)\s*[】\]]?\s*[:：>»]?\s*$")),
    CutRule("comments", _re(
        r"^(网友评论|新闻评论|发表评论|我要评论|评论区|全部评论|最新评论|热门评论|精彩评论|用户评论|留言板|网友留言|"
        r"已有\s*\d+\s*(件|条|人)\s*(评论|参与))(?!.*[。！？][”’」』]?\s*$)")),
    CutRule("disclaimer", _re(r"^[【\[]?\s*(特别声明|免责声明|郑重声明|版权声明|声明|Notice)\s*[】\]]?\s*[:：]"), 300),
    # the same statements (and 反侵权公告) after other text on the line, or as a heading alone
    CutRule("statement_block", _re(
        r"(?:^|[\s▲■●◆★☆|｜】\]）)>》])[【\[（(]?\s*(?:" + _spaced("版权声明", "版權聲明", "免责声明", "免責聲明", "反侵权公告",
        "反侵權公告", "侵权声明", "法律声明", "版权公告", "免责条款", "郑重声明", "鄭重聲明", "特别声明", "特別聲明") +
        r")\s*(?:[】\]）)]\s*[:：]?|[:：]|$)"), 400),
    CutRule("footer", _re(r"^(版权所有|版權所有|Copyright|©)|ICP\s*(备|證|证)\s*[\d号字第]|公网安备"), 120),
    CutRule("prev_next", _re(r"^[\[【]?\s*(上一篇|下一篇|上一条|下一条|上篇|下篇|上一則|下一則)(?!.*。\s*$)"), 120),
    # A topic box after the body: the headline again, one sentence, then "更多>>".
    CutRule("topic_box", _re(r"^[【\[]?\s*(更多|查看更多|了解更多|更多内容|更多详情)\s*(>>|»|>|＞＞|＞|→|…|\.\.\.)\s*[】\]]?$|^[【\[]\s*更多\s*[】\]]$"),
            12, box_lines=2),
)

TITLE_RULES: tuple[TitleRule, ...] = (
    TitleRule("column_name", re.compile(r"^.+$"), 30),  # 栏目 name or breadcrumb above the title
    # 引题: a lead-in line above the main title, no sentence of its own ("坚决贯彻…，全力以赴…")
    TitleRule("lead_in_title", re.compile(r"^(?=.*[\u4e00-\u9fff])[^。！？!?]{4,}$"), 60),
    # 副题: "——记通渭县优秀共产党员张三" under the title
    TitleRule("subtitle", re.compile(r"^\s*(?:——|—|--|－－)\s*[^。！？]{2,}$"), 60, above=False),
    # 发文字号 of an official document under its title: "天政办发〔2020〕18号", "国办函〔2019〕5号"
    TitleRule("doc_number", re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［（(【]\s*(?:19|20)\d{2}\s*[〕\]］）)】]\s*第?\s*\d{1,4}\s*[号號]$"),
              30, above=False),
)
