"""The noise catalogue (scraper/noise_rules.py) rule by rule, and the code that applies it.

DESIGN: rules are data "so that each can be tested and counted", and a rule must
not delete body text that merely mentions its noise word. So every rule name in the
catalogue has, below, at least one realistic piece of chrome it removes and at least
one realistic body sentence holding the same word that survives. A rule added to
the catalogue without such cases fails `test_every_rule_has_cases`.
"""

from __future__ import annotations

import lxml.html
import pytest

from scraper.extract.blocks import block_map
from scraper.extract.noise import cut_index, drop_noise_lines, match_line_rule, reads_as_sentence, strip_title
from scraper.extract.prune import prune
from scraper.extract.noise_rules import CUT_RULES, ELEMENT_RULES, LINE_RULES, TITLE_RULES

# ---------------------------------------------------------------------------
# LineRule cases: rule name -> (chrome lines it removes, body lines that survive).
# A chrome line must be claimed by exactly this rule (the first that matches);
# a body line must survive the whole catalogue.
# ---------------------------------------------------------------------------

LINE_CASES: dict[str, tuple[list[str], list[str]]] = {
    "prev_next": (
        ["上一篇：通渭县召开2020年第一次县委常委会议", "下一篇：没有了", "【上一条】定西市部署春季森林防火工作",
         "上一則：臺北市政府公告109年度預算", "下一页"],
        ["上一篇报道刊发后，不少读者来电询问申报条件，现将有关事项说明如下。"],
    ),
    "breadcrumb": (
        ["您当前的位置：首页 > 基层党建", "当前位置：首页 > 新闻中心 > 县内要闻", "您现在的位置: 首页 >> 政务公开",
         "所在位置：通知公告"],
        ["所在位置：平襄镇西关村，距县城3公里，项目总投资1.2亿元。"],
    ),
    "breadcrumb_path": (
        ["首页 > 政务公开 > 通知公告", "首页/新闻中心/县内要闻", "首頁 > 新聞稿", "Home > News > Local", "HOME / NEWS",
         "You are here: Home » Politics"],
        ["申请人登录后依次点击首页 > 办事服务 > 个人办事，即可在线提交申报材料。",
         "First-time home-buyers face higher mortgage rates this year.",
         "Many staff now work from home - a shift that began in 2020."],
    ),
    "app_promo": (
        ["新浪新闻公众号", "人民日报客户端下载手机人民网人民视频客户端下载", "更多猛料！欢迎扫描左方二维码关注新浪新闻官方微信（xinlang-xinwen）",
         "看都看完了，点【在看】试试", "(本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP)"],
        ["群众可扫描下方二维码关注“通渭发布”公众号，及时了解疫情防控最新信息。",
         "县政务服务中心开通网上办事大厅，群众下载“甘快办”APP即可在线办理。"],
    ),
    "tip_line": (
        ["澎湃新闻报料：4009-20-4009 澎湃新闻，未经授权不得转载", "新闻线索报料电话：0931-8888888"],
        ["报料人张某说，他曾多次向有关部门反映这一问题，但一直没有得到解决。"],
    ),
    "reprint_notice": (
        ["未经授权不得转载", "转载请注明来源：通渭县人民政府网", "本文来自澎湃新闻客户端，未经许可不得转载"],
        ["《条例》规定，网站转载新闻信息应当注明来源，不得歪曲、篡改标题原意和新闻信息内容。"],
    ),
    "original_title": (
        ["（原标题：通渭县强化政治保证大打疫情防控阻击战）", "原标题：县委常委会召开会议", "（原题为《乡村振兴的通渭实践》）",
         "本文原标题：《我们的冬奥》"],
        ["原题目是学生自选的，评审组认为需要进一步聚焦，建议修改后再次提交。"],
    ),
    "photo_credit": (
        ["（刘通摄）", "▲广州日报全媒体图片记者黎旭阳、李妍摄", "资料图", "（点击看清晰大图）", "图片均来自网络"],
        ["村民们一边摄影，一边赞叹家乡的巨大变化，纷纷表示日子越过越有奔头。"],
    ),
    "comment_count": (
        ["37评论 收藏", "正文已结束，您可以按alt+4进行评论", "12评论"],
        ["37名评论员参加了此次培训，培训内容涵盖政策解读和舆情应对等方面。"],
    ),
    "tag_label": (
        ["标签", "关键词", "Tags"],
        ["标签化管理是此次改革的一大亮点，每户群众的需求都被精准记录。"],
    ),
    "replacement_chars": (
        ["\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd", "\ufffd \ufffd"],
        ["会议要求，各单位要做好疫情防控工作\ufffd确保群众生命安全。"],
    ),
    "teaser_ellipsis": (
        ["香港警方：8.31示威行动未发生致命事件，谴责造谣者…", "县委召开常委会议研究部署…"],
        ["他停顿了一下，说：“我们……会坚持下去。”", "会议还研究了其他事项……"],
    ),
    "breadcrumb_arrows": (
        ["麻辣社区 → 错误信息 → [原创]朋友,请正确客观认识凉山、西昌！错误信息 【欢迎建立你的个人博客!】【全文搜索】", "网易商业 > 消费真相 > 耐克",
         "新闻中心 » 县内要闻 » 正文"],
        ["从“要我干”→“我要干”→“我会干”，干部作风实现了转变。",
         "工作流程为：申请→受理→审核→办结，全程网上办理。"],
    ),
    "forum_signature": (
        ["本贴由大卫于2005年8月12日16:12:21在〖心灵体操（在线心理咨询）〗发表.",
         "本帖由管理员于2021-10-22 16:48发布"],
        ["本贴由大卫于2005年8月12日发表后，引起了网友的广泛讨论，许多家长留言分享了自己的育儿经验。"],
    ),
    "page_tools": (
        ["关注", "+关注", "【打印本页】【关闭窗口】", "打印 | 关闭 | 返回顶部", "【友善列印】【關閉】", "【字号 大 中 小】【打印】【关闭】"],
        ["请于打印本页后签字确认，并于3月1日前交至县人社局。", "关闭窗口期后，逾期未申报的企业不再受理。"],
    ),
    "page_tools_font": (
        ["【字体：大 中 小】【打印本页】【关闭窗口】【我要纠错】", "字号：大 中 小 护眼模式", "字體：大 中 小 | 瀏覽人次：88"],
        ["门牌标识字体大中小三种规格按场所面积选用，统一采用黑体。"],
    ),
    "share_to": (
        ["分享到：", "分享到： 微信 微博 QQ空间"],
        ["分享到朋友圈的图片须经单位审核，不得涉及工作秘密。"],
    ),
    "scan_qr": (
        ["扫一扫在手机打开当前页", "手机访问"],
        ["群众用手机扫一扫展板上的二维码，即可查询办件进度。"],
    ),
    "site_links": (
        ["网站地图 | 联系我们 | 关于我们", "网站地图 | 网站声明 | 无障碍浏览", "隱私權政策 | 資訊安全政策 | 網站導覽"],
        ["联系我们的群众来信已全部转交有关部门办理。"],
    ),
    "copyright": (
        ["版权所有：通渭县委组织部 地址：甘肃省通渭县平襄镇 邮编：743300",
         "Copyright © 2020 通渭县人民政府 All Rights Reserved",
         "版權所有 © 臺北市政府",
         "© 2024 The Example Times. All rights reserved.",
         "Copyright 2024 The Associated Press."],
        ["《条例》明确，依法保护著作权人的版权所有权益，任何单位不得侵犯。",
         "The lawsuit alleges copyright infringement by the newspaper.",
         "Copyright law has not kept pace with generative AI."],
    ),
    "icp": (
        ["陇ICP备14000381号", "备案号：京ICP备05070218号-1", "ICP备案编号：蜀ICP备12345678号"],
        ["未取得ICP证号的企业不得从事经营性互联网信息服务，违者依法予以查处。"],
    ),
    "police_record": (
        ["甘公网安备 62112402000123号", "京公網安備 11010202000001號"],
        ["网站开办者应在开通后30日内到公安机关备案，取得公网安备编号后在网站首页底部公示。"],
    ),
    "site_code": (
        ["网站标识码6211240001", "网站标识码：6211240001"],
        ["政府网站应在首页底部显著位置标注网站标识码，由国务院办公厅统一分配。"],
    ),
    "organiser": (
        ["主办单位：中共通渭县委组织部", "主办：通渭县人民政府办公室 承办：通渭县融媒体中心",
         "技术支持：甘肃某某网络科技有限公司", "主辦單位：臺北市政府"],
        ["主办单位：省委宣传部、省文明办，活动为期一个月，全省各市州同步开展。",
         "建设单位：通渭县交通运输局"],  # a line of a project notice (批前公示), not the site's footer
    ),
    "address_footer": (
        ["地址：甘肃省定西市通渭县平襄镇新城区 邮编：743300 电话：0932-5621234"],
        ["地址：县政务服务中心三楼，电话：0932-5621234，工作日上午9时至下午5时均可办理。"],
    ),
    "postcode": (
        ["邮编：743300", "邮政编码：743300"],
        ["邮政编码：743300，请在信封上注明“应聘材料”字样，5月31日前寄出。"],
    ),
    "counter": (
        ["浏览次数：1024", "阅读量 3562次", "瀏覽人次：88", "点击数："],
        ["该文章阅读量突破10万次，成为全县政务新媒体的标杆。"],
    ),
    "counter_reader": (
        ["您是本文第1256位读者", "本文已被阅读 356 次"],
        ["截至目前，全县党员干部已阅读100余篇学习材料，撰写心得体会2000余篇。"],
    ),
    "counter_bare": (
        ["阅读 1024", "点击：356次", "阅：88"],
        ["阅读1000次以上的稿件将评为月度优秀稿件。"],
    ),
    "keywords": (
        ["关键词 >> 一网通办,政务服务", "关键词：疫情防控 基层党建", "【标签】：脱贫攻坚", "Tags: Politics, Economy", "關鍵詞：防疫"],
        ["关键词：担当。面对突如其来的疫情，全县党员干部冲锋在前、日夜值守。"],
    ),
    "like_counter": (
        ["+1", "赞(12)", "点赞 36"],
        ["点赞新时代，奋进新征程！"],
    ),
    "contributor": (
        ["我要投稿", "投稿邮箱：twxcb@163.com", "通讯员投稿"],
        ["欢迎投稿的读者请注明真实姓名和联系电话。"],
    ),
    "comment_widget": (
        ["文明上网，理性发言", "发表评论", "加载更多", "网友评论仅供其表达个人看法，并不表明本网同意其观点"],
        ["网民朋友要文明上网、理性发言，共同营造清朗网络空间。"],
    ),
    "teaser": (
        ["通渭县召开2020年第一次县委常委会议 1月31日，县委书记主持召开县委常委会议，传达学习...",
         "·　中金“内部观点”曝光：表面唱多 暗里看空...",
         "【定西市部署春季森林防火工作...】",
         "Loading..."],
        ["他说...我们一定会把群众的事情办好。",
         "So we packed up the tent, said goodbye to the valley and started walking...",
         "Ok, let's get into it..."],
    ),
    "hashtags": (
        ["#疫情防控# #通渭发布#", "#climate #energy #policy"],
        ["话题#我的家乡#在微博上的阅读量超过2亿次。"],
    ),
    "subscribe_promo": (
        ["Support local journalism", "Subscribe",
         "Reporting like this is made possible by subscribers. Get unlimited digital access for $1 for your first 3 months."],
        ["The paper said its coverage of the council is made possible by a grant from a local foundation.",
         "Residents can subscribe to text alerts about road closures on the county website."],
    ),
    "edit_note": (
        ["本帖最后由 老杨在清河 于 2023-6-19 08:12 编辑", "Last edited by moderator_jane on Mar 3, 2024", "Edited by Tom"],
        ["本帖最后由我来总结一下，大家看看有没有遗漏的地方，欢迎补充。",
         "The draft was edited by the committee before it went to the council on Monday."],
    ),
    "ad_label": (
        ["Advertisement", "ADVERTISEMENT", "[Sponsored]", "广告"],
        ["Advertisement revenue fell 12% in the quarter, the council's own newspaper reported.",
         "广告法第九条规定，广告不得使用国家机关的名义。"],
    ),
    "author_contact": (
        ["Jane Doe covers city government and development for the Courier. Reach her at jdoe@millbrookcourier.com or 555-0142.",
         "Contact him at 555-0199 with tips."],
        ["Residents who want to reach her office can call the main number during business hours.",
         "The council asked residents to contact them before the March deadline."],
    ),
    "read_more_en": (
        ["READ MORE: Storm batters coast as thousands lose power", "Related: Council approves school budget"],
        ["Read more about the council's budget in next week's edition."],
    ),
    "cookie_notice": (
        ["We use some essential cookies to make this website work.", "This website uses cookies to improve your experience.",
         "本網站使用Cookies提升瀏覽體驗及分析網站流量，繼續瀏覽即表示你同意我們使用Cookies。",
         "Accept additional cookies"],
        ["专家提醒，浏览网页时应谨慎同意网站使用cookie，防止个人信息泄露。",
         "The regulator said the retailer uses cookies to track shoppers without asking them first."],
    ),
    "carousel_caption": (
        ["首页轮换图", "轮播图3"],
        ["首页轮换图片须经审核后发布，严禁使用未经授权的图片。"],
    ),
    "css_leftover": (
        ["475_110px;", "355_110px;"],
        ["展板尺寸为120px×80px，由县委宣传部统一制作。"],
    ),
    "js_leftover": (
        ["var _hmt = _hmt || [];", "document.write('<script src=\"/js/count.js\"></script>');", "$(function(){"],
        ["Windows系统用户可在官网下载客户端后安装使用。", "Function and form both matter, the architect said."],
    ),
    "digit_run": (
        ["020020030100000000000000011100001210457253"],
        ["1 2 4 10", "2019 2020 2021 2022", "12.5 13.1 14.8 15.2"],
    ),
    "print_close": (
        ["【打印】 【推荐给朋友】", "[打印] [关闭] 发布单位：县政府办"],
        ["【返回】键可回到上一级菜单，老年人操作也十分简便。"],
    ),
    "reporter_credit": (
        ["（记者 张三 李四）", "人民日报记者 张三 李四", "本报全媒体记者 陈静 通讯员 王强", "（记者 张三 实习生 李四）",
         "新华社记者 王希 发自北京", "执笔人：张三", "(记者 张三、李四)"],
        ["记者从市政务服务办获悉，今年以来全市新增市场主体3.2万户。", "记者手记", "记者观察：谁来为无序拆房埋单"],
    ),
    "page_bar": (
        ["首页 上一页 1 2 3 下一页 尾页", "[1] [2] [3] [4] 下一页", "共5页 第1页", "1 2 3 4 5 ... 12 >>", "Page 1 of 3",
         "« Prev 1 2 3 Next »"],
        ["本书共320页，第1页即为作者自序。", "Page 3 of the report describes how the survey was run.", "1 2 4 10"],
    ),
    "site_domain": (
        ["人民网 www.people.com.cn", "（更多内容请继续关注 某某报纸网 www.example.com.cn）", "~ 某某财经新闻 網址: www.example.com",
         "中国政府网 http://www.gov.cn/"],
        ["市民可登录通渭县人民政府网（www.tongwei.gov.cn）查询办事指南。", "详情请登录www.gov.cn查询。",
         "Website: https://www.example.com/", "Shop Example.com"],
    ),
    "survey_widget": (
        ["您对本文的满意度：", "本文是否对您有帮助？", "这篇文章对你有帮助吗？", "本页信息对您有帮助吗？【有帮助】【没帮助】"],
        ["本次满意度调查共回收问卷1200份，群众满意率达98%。", "The survey found that most readers found the guide helpful."],
    ),
    "login_widget": (
        ["您需要登录后才可以回帖 登录 | 注册", "登录后才能回复", "登录 | 注册", "还没有账号？立即注册", "Please sign in to comment.",
         "Log in to continue reading"],
        ["登录后即可查看办件进度，无需再到窗口排队，十分方便。", "群众登录后即可在线查看办件进度。",
         "Officials log in to the system every morning to check the queue."],
    ),
    "paywall": (
        ["订阅后继续阅读完整内容", "剩余80%未读", "试读结束", "本文为付费内容", "You have reached your limit of free articles.",
         "Subscribe now to continue reading."],
        ["不少市民选择开通会员后在线阅读报纸，数字阅读渐成风尚。",
         "Subscribers to the service can continue reading on any device, the company said."],
    ),
    "loading_widget": (
        ["加载中", "正在加载", "数据加载中，请稍候", "Loading, please wait"],
        ["加载中的货车在仓库门口排起长队。", "Loading the trucks took three hours."],
    ),
    "platform_disclaimer": (
        ["本平台仅提供信息存储服务。", "平台声明：该文观点仅代表作者本人，某某号系信息发布平台，某某仅提供信息存储空间服务。",
         "本文转载自网络，如有侵权请联系删除。", "转载目的在于传递更多信息，并不代表本网赞同其观点和对其真实性负责。"],
        ["法院认为，被告仅提供信息存储空间服务，对侵权内容不知情，不承担赔偿责任。", "专家表示，这一观点仅代表其个人看法。"],
    ),
    "template_residue": (
        ["发布日期：${fbrq}", "案号：{{item.ah}}", "$!{obj.cbfy} $!{obj.ah}", "[!--newstext--]", "当事人：null",
         "标题：<%=title%>", "{dede:field.title/}"],
        ["模板中的变量写作${name}，由系统自动替换。", "Use ${HOME} to refer to your home directory.", "null",
         "{{ form.subject }}", "${title}"],
    ),
}

# CutRule cases: a line in the second half of the content that starts the trailing
# chrome, and a body line (also in the second half) that does not.
CUT_CASES: dict[str, tuple[list[str], list[str]]] = {
    "related": (
        ["相关新闻", "【相关阅读】", "为你推荐", "热点推荐：", "相關新聞"],
        ["相关新闻发布会上，县卫健局负责人介绍了全县疫情防控情况。"],
    ),
    "comments": (
        ["网友评论", "已有 3 条评论", "发表评论", "网友评论（12）"],
        ["网友评论称，这一举措切实减轻了群众负担。", "网友评论说：“这才是为民办实事。”"],
    ),
    "disclaimer": (
        ["声明：证券时报力求信息真实、准确，文章提及内容仅供参考，不构成实质性投资建议，据此操作风险自担。",
         "特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。",
         "Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user."],
        ["声明发布后，县政府高度重视，立即组织相关部门开展调查核实。"],
    ),
    "footer": (
        ["版权所有：通渭县人民政府 陇ICP备14000381号", "Copyright © 2020 通渭县委组织部", "甘公网安备 62112402000123号"],
        ["版权保护工作要坚持依法行政，严厉打击各类侵权盗版行为。"],
    ),
    "prev_next": (
        ["上一篇：通渭县召开2020年第一次县委常委会议", "【上一条】定西市部署春季森林防火工作", "下一篇：没有了"],
        ["上一篇报道刊发后，不少读者来电询问申报条件，现将有关事项说明如下。"],
    ),
    "statement_block": (
        ["来源：证券时报网 免责声明：本文仅代表作者个人观点，与本网无关。", "▲版权声明：本文系原创，转载请联系授权。", "郑 重 声 明",
         "【反侵权公告】", "（版权声明：凡本网注明“来源：某某网”的作品，版权均属某某网所有。）", "免责条款"],
        ["县版权局近日发布版权声明，提醒各单位依法使用正版软件。", "本报发表反侵权公告后，多家网站删除了侵权转载的稿件。"],
    ),
    "topic_box": (
        ["更多>>", "【更多】", "查看更多»"],
        ["更多的群众参与进来，共同建设美丽家园。"],
    ),
}

# ---------------------------------------------------------------------------
# ElementRule cases, as small pages: a chrome region the rule removes, and an
# element whose class/id contains the word but which is article text.
# ---------------------------------------------------------------------------

PARAS = [
    "1月30日，通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议，安排部署全县疫情防控工作。县委书记主持会议并讲话。",
    "会议强调，各乡镇、各部门要切实提高政治站位，把疫情防控作为当前最重要的工作来抓，坚决遏制疫情扩散蔓延势头。",
    "会议要求，要加强宣传引导，及时发布权威信息，回应社会关切，引导群众科学防护，做到不信谣、不传谣。",
    "会议指出，要严格落实属地责任，全面排查从武汉返乡人员，做到早发现、早报告、早隔离、早治疗。",
]
ARTICLE = "".join(f"<p>{p}</p>" for p in PARAS)

ELEMENT_CHROME: dict[str, list[str]] = {
    "navigation": [
        '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        '<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>',
        '<nav><a href="/">首页</a> <a href="/news/">新闻中心</a> <a href="/gk/">信息公开</a></nav>',
        '<ul id="menu"><li><a href="/">网站首页</a></li><li><a href="/dj/">党建动态</a></li></ul>',
    ],
    "breadcrumb": [
        '<div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/jcdj/">基层党建</a></div>',
        '<div id="dqwz">当前位置：首页 &gt; 通知公告</div>',
    ],
    "footer": [
        '<div class="footer"><p>版权所有：通渭县人民政府 陇ICP备14000381号</p><p>网站标识码6211240001</p></div>',
        "<footer><p>主办单位：中共通渭县委组织部</p></footer>",
    ],
    "share": [
        '<div class="bdsharebuttonbox"><a class="bds_weixin">微信</a><a class="bds_tsina">新浪微博</a></div>',
        '<div class="fenxiang">分享到：微信 朋友圈</div>',
    ],
    "comments": [
        '<div id="SOHUCS" class="pinglun"><p>网友评论</p><p>文明上网，理性发言</p></div>',
        '<div class="comment-list"><p>张三：说得好，支持！</p></div>',
    ],
    "related": [
        '<div class="xgxw"><h3>相关新闻</h3><ul><li><a href="/1">定西市召开疫情防控工作视频会议</a></li>'
        '<li><a href="/2">通渭县开展疫情防控督查工作</a></li></ul></div>',
        '<div class="related-news"><a href="/3">通渭县启动一级响应</a></div>',
    ],
    "sidebar": [
        '<aside><h3>热点排行</h3><ol><li><a href="/4">通渭县第一季度经济运行情况</a></li></ol></aside>',
        '<div class="sidebar"><a href="/5">领导信箱</a></div>',
    ],
    "prev_next": [
        '<div class="prev-next"><p>上一篇：<a href="/6">通渭县召开县委常委会议</a></p>'
        '<p>下一篇：<a href="/7">通渭县部署春耕生产</a></p></div>',
    ],
    "page_tools": [
        '<div class="fontsize">【字体：<a>大</a> <a>中</a> <a>小</a>】</div>',
        '<div class="article-tools"><a>打印本页</a> <a>关闭窗口</a></div>',
    ],
    "ads": [
        '<div class="ads"><a href="http://ad.example.com/"><img src="/ad.jpg">招商引资专栏</a></div>',
        '<div id="guanggao">广告位招租</div>',
        '<div class="ad-slot ad-slot--inline"><span>Advertisement</span></div>',
    ],
    "carousel": [
        '<div class="slide"><ul><li><a href="/8">首页轮换图</a></li></ul></div>',
        '<div class="swiper-container"><div class="swiper-wrapper"><p>图片新闻一</p></div></div>',
    ],
    "login_search": [
        '<form class="search-box"><p>全站搜索 高级检索</p></form>',
        '<div class="login">用户登录 注册</div>',
    ],
    "signature": [
        '<div class="sign" style="max-height:100px">清河人说清河事 | 桂花苑业主群欢迎邻居加入，站内短消息联系</div>',
        '<div class="signature">-- Sent from my phone. Views are my own.</div>',
    ],
    "cookie_notice": [
        '<div id="cookie-notice" class="cookie-notice"><p>本網站使用Cookies提升瀏覽體驗。</p><p>我知道了</p></div>',
    ],
    "header": [
        '<div class="header"><div class="logo">通渭县人民政府</div><p>今天是2020年1月31日 星期五</p></div>',
        '<header class="site-header"><p>中国共产党通渭县委员会</p></header>',
        '<div id="masthead"><p>通渭县人民政府 今天是2020年1月31日 星期五</p></div>',
    ],
}

# Elements that name a noise word in their class/id but hold article text: either the
# word is not a token of the class ("downloads" is not "ads"), or the element holds
# most of the page's text (max_share: the article container is never chrome).
_BIG = '<div class="{cls}">' + ARTICLE + "</div>"
ELEMENT_BODY: dict[str, list[str]] = {
    "navigation": [_BIG.format(cls="main-nav-content")],
    "breadcrumb": [
        # Bootstrap's position-relative on the figure of an article photo
        '<div class="article">' + ARTICLE + '<figure class="position-relative"><img src="/a.jpg">'
        "<figcaption>图为会议现场。</figcaption></figure></div>",
        '<div class="article">' + ARTICLE + '<div class="composition"><p>附：学生作文《我的家乡》，获全县一等奖。</p></div></div>',
        _BIG.format(cls="position-detail"),
    ],
    "footer": [
        _BIG.format(cls="content-footer-wrap"),
        '<div class="article">' + ARTICLE + '<p class="text-muted border-bottom">图片由通渭县融媒体中心提供。</p></div>',
        '<div class="article">' + ARTICLE + '<figure class="relative"><img src="/b.jpg">'
        '<div class="absolute bottom-0 left-0">图为平襄镇核酸检测点。</div></figure></div>',
    ],
    "share": [_BIG.format(cls="share-article-body")],
    "comments": [
        '<div class="commentary">' + ARTICLE + "</div>",
        _BIG.format(cls="article comment-enabled"),
    ],
    "related": [_BIG.format(cls="related-content")],
    "sidebar": [_BIG.format(cls="content-area has-sidebar")],
    "prev_next": [_BIG.format(cls="pagenav-content")],
    "page_tools": [_BIG.format(cls="TRS_Editor font-size-16")],
    "ads": ['<div class="article">' + ARTICLE + '<div class="downloads"><p>附件：通渭县疫情防控工作方案.doc</p></div></div>',
            '<div class="article">' + ARTICLE + '<div class="add-to-list"><p>加入学习清单：通渭县疫情防控工作方案</p></div></div>'],
    "carousel": [_BIG.format(cls="slide-text"),
                 # an animation utility class (slide-in, slide-up) is not a slide
                 '<div class="article">' + ARTICLE + '<div class="note animate--slide-in"><p>附件：通渭县春耕生产会议纪要（第3期）。</p></div></div>'],
    "login_search": ['<div class="article">' + ARTICLE + '<div class="research-box"><p>课题组研究成果已汇编成册。</p></div></div>'],
    "signature": ['<div class="article">' + ARTICLE + '<div class="design-note"><p>附：会议签到表设计说明，共三页。</p></div>'
                  '<div class="signup"><p>报名方式：请于2月5日前将回执报送县委办。</p></div></div>'],
    "cookie_notice": [_BIG.format(cls="cookie-recipe-body")],
    "header": [
        '<div class="article">' + ARTICLE + '<h2 class="subheader">二、下一步工作安排</h2></div>',
        '<article><header><h1>通渭县召开疫情防控工作会议</h1><p>来源：通渭县卫健局 发布时间：2020-01-31</p></header>'
        + ARTICLE + "</article>",
        '<article><header class="entry-header"><h1 class="entry-title">通渭县召开疫情防控工作会议</h1>'
        '<div class="entry-meta">发布时间：2020-01-31 作者：张三</div></header>' + ARTICLE + "</article>",
    ],
}

LINE_RULE_NAMES = [r.name for r in LINE_RULES]
CUT_RULE_NAMES = [r.name for r in CUT_RULES]
ELEMENT_RULE_NAMES = [r.name for r in ELEMENT_RULES]


def _cases(table: dict[str, tuple[list[str], list[str]]], which: int) -> list:
    return [pytest.param(name, line, id=f"{name}-{i}") for name, pair in table.items() for i, line in enumerate(pair[which])]


def _element_cases(table: dict[str, list[str]]) -> list:
    return [pytest.param(name, html, id=f"{name}-{i}") for name, items in table.items() for i, html in enumerate(items)]


@pytest.mark.parametrize(
    ("kind", "names", "tables"),
    [
        ("LineRule", LINE_RULE_NAMES, [{k: v[0] for k, v in LINE_CASES.items()}, {k: v[1] for k, v in LINE_CASES.items()}]),
        ("CutRule", CUT_RULE_NAMES, [{k: v[0] for k, v in CUT_CASES.items()}, {k: v[1] for k, v in CUT_CASES.items()}]),
        ("ElementRule", ELEMENT_RULE_NAMES, [ELEMENT_CHROME, ELEMENT_BODY]),
    ],
)
def test_every_rule_has_cases(kind, names, tables):
    """A rule in the catalogue without a chrome case and a body case fails here."""
    for table, what in zip(tables, ("chrome it removes", "body text it keeps")):
        missing = [n for n in names if not table.get(n)]
        assert not missing, f"{kind} without a case of {what}: {missing}"
        unknown = set(table) - set(names)
        assert not unknown, f"cases for {kind} names not in the catalogue: {unknown}"


def test_rule_names_are_unique_within_each_kind():
    for names in (LINE_RULE_NAMES, CUT_RULE_NAMES, ELEMENT_RULE_NAMES):
        assert len(names) == len(set(names))


# --- LineRule ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "line"), _cases(LINE_CASES, 0))
def test_line_rule_removes_chrome(name, line):
    assert match_line_rule(line) == name


@pytest.mark.parametrize(("name", "line"), _cases(LINE_CASES, 1))
def test_line_rule_keeps_body_text_with_the_same_word(name, line):
    assert match_line_rule(line) is None


def test_line_rule_respects_max_len():
    """A long paragraph that happens to contain a footer word is not a footer."""
    paragraph = "版权所有" + "，".join(["各级党组织要把学习贯彻党的二十大精神作为首要政治任务"] * 4)
    assert len(paragraph) > 90
    assert match_line_rule(paragraph) is None
    assert match_line_rule("版权所有：通渭县人民政府") == "copyright"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("会议强调，要切实提高政治站位，坚决遏制疫情扩散蔓延势头。", True),
        ("县委书记主持会议并讲话！全县干部群众备受鼓舞", False),  # no sentence end
        ("他问：“这项政策什么时候落地？”", True),
        ("一是压实工作责任。二是强化督查检查力度", True),  # holds a sentence
        ("特此通知。", False),  # too short to tell
        ("版权所有：通渭县委组织部 地址：通渭县平襄镇", False),
    ],
)
def test_reads_as_sentence(line, expected):
    assert reads_as_sentence(line) is expected


# --- CutRule ----------------------------------------------------------------

_BODY_LINES = PARAS * 2  # the article; the case line comes after it, in the second half
_AFTER = ["通渭县开展疫情防控督查工作", "定西市召开疫情防控工作视频会议"]


@pytest.mark.parametrize(("name", "line"), _cases(CUT_CASES, 0))
def test_cut_rule_cuts_trailing_chrome(name, line):
    lines = _BODY_LINES + [line] + _AFTER
    assert cut_index(lines) == (len(_BODY_LINES), name)


@pytest.mark.parametrize(("name", "line"), _cases(CUT_CASES, 1))
def test_cut_rule_keeps_body_line_with_the_same_word(name, line):
    lines = _BODY_LINES + [line] + PARAS
    assert cut_index(lines) == (len(lines), None)


def test_cut_rule_never_fires_in_the_first_half():
    """A body heading "相关新闻" early in a long article cannot truncate it."""
    lines = [PARAS[0], "相关新闻", *PARAS, *PARAS]
    assert cut_index(lines) == (len(lines), None)


def test_drop_noise_lines_cuts_then_filters_and_counts():
    lines = [
        "您当前的位置：首页 > 基层党建",
        *PARAS,
        "【字体：大 中 小】【打印本页】【关闭窗口】【我要纠错】",
        "浏览次数：1024",
        "相关新闻",
        "定西市召开疫情防控工作视频会议",
        "通渭县开展疫情防控督查工作",
    ]
    kept, counts = drop_noise_lines(lines)
    assert kept == PARAS
    assert counts == {"breadcrumb": 1, "page_tools_font": 1, "counter": 1, "related": 3}


def test_drop_noise_lines_real_footer_block():
    """The footer lines of a county site, as a weaker cleaner left them (seed style)."""
    footer = [
        "网站地图 | 联系我们 | 网站声明",
        "主办单位：中共通渭县委组织部",
        "地址：甘肃省定西市通渭县平襄镇新城区 邮编：743300 电话：0932-5621234",
        "陇ICP备14000381号 甘公网安备 62112402000123号",
        "网站标识码：6211240001",
    ]
    kept, counts = drop_noise_lines(PARAS + footer)
    assert kept == PARAS
    assert sum(counts.values()) == len(footer)


# --- ElementRule ------------------------------------------------------------


def _page(*parts: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring("<html><head><title>t</title></head><body>" + "".join(parts) + "</body></html>")


def _pruned(root: lxml.html.HtmlElement):
    """Apply the element rules; the text of the blocks they leave, and their counts."""
    bmap = block_map(root)
    pruning = prune(root, bmap)
    kept = pruning.kept()
    return "".join(b.text for b in bmap.blocks if kept[b.index]), pruning.counts


def drop_noise_elements(root: lxml.html.HtmlElement):
    """The rules' counts; `_text(root)` then reads what they left (the tree itself is never changed)."""
    text, counts = _pruned(root)
    root.set("data-kept-text", text)
    return counts


def _text(root: lxml.html.HtmlElement) -> str:
    return root.get("data-kept-text")


def _chrome_text(html: str) -> str:
    return "".join(lxml.html.fragment_fromstring(html, create_parent="div").itertext()).strip()


@pytest.mark.parametrize(("name", "html"), _element_cases(ELEMENT_CHROME))
def test_element_rule_removes_region_and_keeps_article(name, html):
    root = _page(html, '<div class="article">', ARTICLE, "</div>")
    counts = drop_noise_elements(root)
    text = _text(root)
    assert counts[name] >= 1
    assert _chrome_text(html) not in text
    for p in PARAS:
        assert p in text


@pytest.mark.parametrize(("name", "html"), _element_cases(ELEMENT_BODY))
def test_element_rule_keeps_article_text_with_the_same_word(name, html):
    root = _page('<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>', html,
                 '<div class="footer">版权所有：通渭县人民政府</div>')
    before = _chrome_text(html)
    drop_noise_elements(root)
    text = _text(root)
    for p in PARAS:
        assert p in text
    assert before in text


def test_whole_page_keeps_only_the_article():
    root = _page(
        ELEMENT_CHROME["header"][0],
        ELEMENT_CHROME["navigation"][0],
        ELEMENT_CHROME["breadcrumb"][0],
        '<div class="main"><div class="article"><h1>通渭县召开疫情防控工作会议</h1>',
        ARTICLE,
        ELEMENT_CHROME["share"][0],
        ELEMENT_CHROME["prev_next"][0],
        "</div>",
        ELEMENT_CHROME["sidebar"][1],
        "</div>",
        ELEMENT_CHROME["footer"][0],
    )
    bmap = block_map(root)
    pruning = prune(root, bmap)
    counts, kept = pruning.counts, pruning.kept()
    paragraphs = [b.text for b in bmap.blocks if kept[b.index] and b.tag in ("p", "h1")]
    assert paragraphs == ["通渭县召开疫情防控工作会议", *PARAS]
    assert set(counts) == {"header", "navigation", "breadcrumb", "share", "prev_next", "sidebar", "footer"}


def test_max_share_keeps_article_container_named_like_a_footer():
    """The brief's case: a CMS that calls its article container "content-footer-wrap"."""
    root = _page(ELEMENT_CHROME["navigation"][0], '<div class="content-footer-wrap">', ARTICLE, "</div>",
                 ELEMENT_CHROME["footer"][0])
    counts = drop_noise_elements(root)
    text = _text(root)
    assert all(p in text for p in PARAS)
    assert "版权所有" not in text
    assert counts["footer"] == 1


def test_max_share_is_measured_against_the_whole_page():
    """The same class on a small block (a real footer) is removed."""
    root = _page('<div class="article">', ARTICLE, "</div>", '<div class="content-footer-wrap">版权所有：通渭县人民政府</div>')
    drop_noise_elements(root)
    assert "版权所有" not in _text(root)


def test_comments_rule_masks_a_thread_beside_the_article():
    """Comments beside an article go, even when they are long."""
    comments = '<div class="comment-list">' + "".join(f"<p>网友{i}：{PARAS[i % 4]}</p>" for i in range(2)) + "</div>"
    root = _page('<div class="article">' + ARTICLE + "</div>", comments)
    drop_noise_elements(root)
    text = _text(root)
    assert PARAS[3] in text and "网友1" not in text


def test_no_rule_masks_the_region_holding_most_of_the_prose():
    """A thread page: the "comment" region is the page's content, and the guard keeps it."""
    comments = '<div class="comment-list">' + "".join(f"<p>网友{i}：{PARAS[i % 4]}</p>" for i in range(6)) + "</div>"
    root = _page('<div class="article"><p>' + PARAS[0] + "</p></div>", comments)
    bmap = block_map(root)
    pruning = prune(root, bmap)
    assert "网友1" in "".join(b.text for b in bmap.blocks if pruning.kept()[b.index])
    assert pruning.guarded["comments"] == 1


def test_a_print_tool_class_on_the_article_container_does_not_delete_it():
    """A font-size tool class on the article's own container (a real CMS template)."""
    root = _page(ELEMENT_CHROME["navigation"][0], '<div class="article fontsize-m" id="zoom">', ARTICLE, "</div>",
                 ELEMENT_CHROME["footer"][0])
    text, counts = _pruned(root)
    assert all(p in text for p in PARAS)
    assert "版权所有" not in text


def test_masks_that_take_more_prose_than_they_leave_are_lifted():
    """Regions named like chrome hold the article's parts: no rule may take them all."""
    root = _page(ELEMENT_CHROME["navigation"][0],
                 f'<div class="share-body"><p>{PARAS[0]}</p></div><div class="tools-body"><p>{PARAS[1]}</p></div>',
                 f'<div class="ads-body"><p>{PARAS[2]}</p><p>{PARAS[3]}</p></div>',
                 "<p>" + PARAS[0][:30] + "。</p>")
    bmap = block_map(root)
    pruning = prune(root, bmap)
    text = "".join(b.text for b in bmap.blocks if pruning.kept()[b.index])
    assert pruning.lifted
    assert all(p in text for p in PARAS)
    assert "政务公开" not in text  # the menu, which held no prose, still goes


def test_inline_elements_are_never_regions():
    """<span class="nav-word"> inside a paragraph is a word of the sentence."""
    root = _page('<div class="article"><p>会议强调，要做好<span class="menu-item">菜单式</span>服务，方便群众办事。</p>', ARTICLE, "</div>")
    drop_noise_elements(root)
    assert "会议强调，要做好菜单式服务，方便群众办事。" in _text(root)


def test_element_rules_are_attribute_tokens_not_substrings():
    """nav matches navbar and main-nav, not a word that merely contains the letters."""
    root = _page('<div class="article">', ARTICLE, '<div class="unavailable">本栏目暂无其他内容。</div></div>')
    drop_noise_elements(root)
    assert "本栏目暂无其他内容。" in _text(root)



def test_element_counts_count_regions_not_their_descendants():
    root = _page('<div class="article">', ARTICLE, "</div>",
                 '<div class="footer"><div class="copyright">版权所有：通渭县人民政府</div>'
                 '<div class="footer-links">网站地图 | 联系我们</div></div>')
    assert drop_noise_elements(root) == {"footer": 1}


def test_header_inside_article_keeps_byline():
    """The site's header goes; the article's own <header> holds the title and the 来源/发布时间 line."""
    root = _page('<header class="site-header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></header>',
                 "<article><header><h1>通渭县召开疫情防控工作会议</h1><p>来源：通渭县卫健局 发布时间：2020-01-31 10:23</p></header>",
                 ARTICLE, "</article>")
    drop_noise_elements(root)
    text = _text(root)
    assert "来源：通渭县卫健局" in text
    assert "政务公开" not in text


def test_commentary_article_is_not_a_comment_thread():
    """An opinion piece (评论员文章) in <div class="commentary"> on a page with the usual chrome."""
    chrome = (ELEMENT_CHROME["header"][0] + ELEMENT_CHROME["navigation"][0] + ELEMENT_CHROME["breadcrumb"][0]
              + '<div class="right"><h3>热点排行</h3><ul>' + "".join(f'<li><a href="/{i}">{PARAS[i][:20]}</a></li>' for i in range(4))
              + "</ul></div>" + ELEMENT_CHROME["footer"][0])
    root = _page(chrome, '<div class="commentary">', ARTICLE, "</div>")
    drop_noise_elements(root)
    text = _text(root)
    assert all(p in text for p in PARAS)


def test_layout_utility_class_on_the_article_column_is_not_a_breadcrumb():
    """Bootstrap markup: the article column is position-relative, and a long sidebar outweighs it."""
    sidebar = '<div class="sidebar">' + "".join(f'<p><a href="/{i}">{PARAS[i % 4][:30]}</a></p>' for i in range(12)) + "</div>"
    root = _page('<div class="row"><div class="col-md-8 position-relative">', ARTICLE, "</div>", sidebar, "</div>")
    counts = drop_noise_elements(root)
    assert all(p in _text(root) for p in PARAS)
    assert "breadcrumb" not in counts


@pytest.mark.parametrize(
    "line",
    [
        "版权所有：通渭县人民政府；技术支持：甘肃某某网络科技有限公司",
        "地址：通渭县平襄镇新城区；邮编：743300；电话：0932-5621234",
    ],
)
def test_footer_fields_separated_by_semicolons_are_still_footer(line):
    assert match_line_rule(line) is not None


# --- Cut rules on English pages --------------------------------------------

EN_PARAS = [
    "The council voted on Tuesday to approve a new budget for the district's schools, ending months of debate.",
    "Officials said the plan would add forty teachers and repair the roofs of six buildings before winter.",
    "Parents who spoke at the meeting welcomed the money but asked how the district would pay for it next year.",
    "The budget now goes to the state, which must sign off on the borrowing before the end of the month.",
]


@pytest.mark.parametrize(
    "line",
    [
        "Copyright law has not kept pace with generative AI, the panel said.",
        "Notice: the meeting has been moved to the library.",
        "© Reuters",
    ],
)
def test_cut_rules_do_not_fire_in_the_middle_of_an_english_page(line):
    """A line matching a footer rule with much English prose after it is part of the article."""
    lines = EN_PARAS * 2 + [line] + EN_PARAS * 2
    assert cut_index(lines) == (len(lines), None)


def test_english_disclaimers_after_a_copyright_line_are_still_cut():
    """A paragraph or two of legal text after "© …" at the end of a long article is the page's end."""
    legal = "This is an open-access article distributed under the terms of the Creative Commons Attribution License."
    lines = EN_PARAS * 4 + ["© 2024 The Example Journal. Originally published in Example Health.", legal]
    assert cut_index(lines) == (len(EN_PARAS) * 4, "footer")


def test_cut_rules_still_cut_an_english_footer_at_the_end():
    lines = EN_PARAS * 2 + ["© 2024 The Example Times. All rights reserved.", "Privacy", "Terms", "Contact us"]
    assert cut_index(lines) == (len(EN_PARAS) * 2, "footer")


def test_chinese_cut_rule_on_an_english_page_needs_the_end_of_the_page():
    """A Chinese footer word quoted mid-article on an English page does not truncate it."""
    lines = EN_PARAS * 2 + ["相关新闻"] + EN_PARAS * 2
    assert cut_index(lines) == (len(lines), None)
    assert cut_index(EN_PARAS * 2 + ["相关新闻", "Short link one", "Short link two"]) == (len(EN_PARAS) * 2, "related")


# --- Topic box --------------------------------------------------------------

TITLE = "通渭县召开疫情防控工作会议"


def test_topic_box_goes_back_to_the_repeated_headline():
    box = [TITLE, "1月30日，通渭县召开疫情防控工作会议，安排部署全县疫情防控工作。", "更多>>"]
    lines = PARAS * 2 + box
    assert cut_index(lines, title=TITLE) == (len(PARAS) * 2, "topic_box")
    kept, counts = drop_noise_lines(lines, title=TITLE)
    assert kept == PARAS * 2 and counts["topic_box"] == 3


def test_topic_box_headline_repeating_an_earlier_line():
    """The box's headline repeats the title line still at the top of the content."""
    lines = [TITLE, *PARAS, *PARAS, TITLE, PARAS[0], "【更多】"]
    assert cut_index(lines) == (1 + len(PARAS) * 2, "topic_box")


def test_topic_box_keeps_the_last_paragraph_and_subheading_when_nothing_repeats():
    """Only the "更多>>" link goes when the lines above it are the article's own."""
    lines = [*PARAS, *PARAS, "三、下一步工作", "下一步，全县将继续抓好疫情防控各项工作。", "更多>>"]
    assert cut_index(lines, title=TITLE) == (len(lines) - 1, "topic_box")


def test_english_footer_line_on_a_chinese_page_still_cuts():
    """"Copyright © 2005 …" then a Chinese disclaimer paragraph: the guard is for English prose only."""
    disclaimer = "凡本网注明“来源：某某网”的所有作品，版权均属某某网所有，未经授权不得转载、摘编或利用其它方式使用上述作品。" * 2
    lines = PARAS * 2 + ["Copyright © 2005 Example.com", disclaimer]
    assert cut_index(lines) == (len(PARAS) * 2, "footer")


# --- TitleRule: the headline lines around the title at the top of the body --

LEAD_IN = "坚决贯彻落实习近平总书记重要指示精神，全力以赴打赢疫情防控阻击战"
# rule name -> (lines whose headline part goes, lines that stay as they are)
TITLE_CASES: dict[str, tuple[list[list[str]], list[list[str]]]] = {
    "column_name": (
        [["县内要闻", TITLE, *PARAS], ["首页 > 新闻中心", "县内要闻", TITLE, *PARAS]],
        [[PARAS[0], "三、下一步工作", PARAS[1]]],  # no title there: a short line is the body's own
    ),
    "lead_in_title": (
        [[LEAD_IN, TITLE, *PARAS]],
        [[LEAD_IN, *PARAS], [PARAS[0], TITLE + "的意义", *PARAS[1:]],  # no title after it / a sentence above
         ["Skip to search results, loaded 672 results here", TITLE, *PARAS]],  # a lead-in is Chinese newspaper style
    ),
    "subtitle": (
        [[TITLE, "——县委书记主持会议并讲话", *PARAS], [LEAD_IN, TITLE, "——记通渭县优秀共产党员张三", *PARAS]],
        [[PARAS[0], PARAS[1], "——摘自《通渭日报》"]],  # a dash line elsewhere in the body
    ),
    "doc_number": (
        [[TITLE, "通政办发〔2020〕12号", *PARAS], [TITLE, "——县委书记主持会议并讲话", "通政发[2020]3号", *PARAS]],
        [[PARAS[0], "依据通政办发〔2020〕12号", PARAS[1]]],
    ),
}


def test_every_title_rule_has_cases():
    names = [r.name for r in TITLE_RULES]
    assert sorted(names) == sorted(TITLE_CASES)
    assert all(TITLE_CASES[n][0] and TITLE_CASES[n][1] for n in names)


@pytest.mark.parametrize(("name", "lines"), _cases(TITLE_CASES, 0))
def test_title_rule_drops_the_headline_lines(name, lines):
    kept, counts = strip_title(lines, TITLE)
    assert kept == PARAS
    assert counts[name] >= 1 and counts["title_repeat"] == 1


@pytest.mark.parametrize(("name", "lines"), _cases(TITLE_CASES, 1))
def test_title_rule_keeps_body_lines_away_from_the_title(name, lines):
    """The case's lines stay (an exact repeat of the title, if any, still goes)."""
    kept, counts = strip_title(lines, TITLE)
    assert kept == [line for line in lines if line != TITLE]
    assert set(counts) <= {"title_repeat"}


def test_exact_title_repeats_go_when_the_top_has_no_title():
    lines = [PARAS[0], PARAS[1], TITLE, PARAS[2]]
    kept, counts = strip_title(lines, TITLE)
    assert kept == [PARAS[0], PARAS[1], PARAS[2]] and counts == {"title_repeat": 1}
