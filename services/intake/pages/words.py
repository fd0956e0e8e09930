"""What the customer pages say, in Chinese and English, and which of the two a request gets: `?lang=` first,
then the browser's Accept-Language, then the language the tracking API falls back to."""

from services.intake.projection.domain import DEFAULT_LANGUAGE, LANGUAGES

HTML_LANG = {"zh": "zh-CN", "en": "en"}
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
MAX_HEADER = 1000  # a longer Accept-Language is read this far, never refused

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "site": "Redress 客户服务", "skip": "跳到主要内容", "language": "语言", "nav": "页面",
        "nav_complain": "提交投诉", "nav_track": "查询进度", "required": "（必填）", "optional": "（选填）",
        "noscript": "此页面需要启用 JavaScript 才能提交。", "errors_title": "请检查以下内容：",
        # the complaint form
        "complain_title": "提交投诉",
        "complain_intro": "请告诉我们发生了什么。提交后您会得到一个查询编号，以及我们最迟的答复时间。",
        "section_complaint": "您的投诉", "kind": "类型", "kind_complaint": "投诉", "kind_suggestion": "建议",
        "kind_praise": "表扬", "subject": "标题", "subject_hint": "一句话概括，例如“订单 1234 一直未送达”。",
        "description": "详细描述", "description_hint": "请写明时间、地点、经过，以及对您造成的影响。",
        "remedy": "您希望我们怎么做？",
        "section_hints": "帮助我们更快处理", "hints_hint": "以下各项均为选填，可帮助我们把投诉交给合适的团队。",
        "product": "涉及的产品或服务", "region": "地区（省、市）", "location": "具体地点（门店、网点等）",
        "occurred": "发生日期",
        "section_contact": "您的联系方式",
        "contact_hint": "请至少填写电子邮箱或手机号码之一：查询进度时需要用它核实身份。",
        "name": "姓名", "email": "电子邮箱", "phone": "手机号码",
        "section_consent": "同意事项",
        "consent_data": "我同意为处理本投诉而使用我提供的信息。", "consent_contact": "可以就本投诉与我联系。",
        "consent_survey": "处理完毕后，可以邀请我评价服务。",
        "submit": "提交投诉", "sending": "正在提交，请稍候…",
        "err_required": "请填写此项。", "err_email": "请输入有效的电子邮箱地址，例如 name@example.com。",
        "err_phone": "请输入有效的电话号码（只能包含数字、空格以及 + - ( )）。",
        "err_contact": "请至少填写电子邮箱或手机号码之一。", "err_consent": "需要您的同意，我们才能处理投诉。",
        "err_confirm": "请勾选以确认。",
        "err_too_long": "内容太长，请缩短。", "err_invalid": "此项无效，请检查。",
        "err_date": "请输入今天或更早的日期。",
        "err_network": "无法连接服务器，请检查网络后重试。您填写的内容仍在，重试也不会重复提交。",
        "err_server": "提交失败（{status}），请稍后重试。",
        # the acknowledgement
        "thanks_title": "投诉已提交", "thanks_lead": "我们已收到您的投诉。请记下您的查询编号：",
        "number_label": "查询编号", "spelled": "逐字读出：", "copy_number": "复制编号", "copied": "已复制查询编号。",
        "thanks_linked": "这与您最近提交的一条投诉几乎相同，我们会将两者一并处理。",
        "timeline_title": "接下来会怎样", "tl_received": "{at}：已受理您的投诉。",
        "tl_assign": "我们会把投诉交给最合适的专业团队处理，通常只需几分钟。",
        "tl_reply": "最迟于 {by} 前给您答复。", "tl_resolve": "处理完毕后，我们会告诉您结果，并邀请您评价服务。",
        "thanks_track_hint": "您可以随时凭查询编号和电子邮箱（或手机号后 4 位）查询进度、回复或撤回投诉。",
        "thanks_track_link": "查询进度",
        # the tracking page
        "track_title": "查询投诉进度",
        "track_intro": "请输入查询编号，以及提交时填写的电子邮箱或手机号码后 4 位。",
        "number": "查询编号", "number_hint": "例如 RD-7K3M-9QX2-T，字母大小写均可。",
        "verification": "电子邮箱或手机号后 4 位", "lookup": "查询", "loading": "正在查询…",
        "err_not_found": "查询编号与核实信息不匹配，请检查后重试。",
        "err_number": "这不是有效的查询编号，请检查是否有字符输错。",
        "status_label": "当前状态", "subject_label": "标题", "received_label": "提交时间",
        "reply_by_label": "最迟答复时间", "resolve_by_label": "预计解决时间",
        "escalation_requested_label": "申请升级时间", "escalated_label": "已升级至高级团队",
        "history_title": "处理记录", "refresh": "刷新", "updated": "已更新（{at}）。",
        "status_changed": "状态已更新：{status}", "awaiting": "我们需要您补充信息，请在下方回复。",
        "actions_title": "您还可以", "reply_title": "回复或补充信息", "reply_label": "您的回复",
        "reply_submit": "发送回复", "reply_done": "您的回复已发送。",
        "escalate_title": "申请升级处理", "escalate_hint": "如果您对处理情况不满意，可以申请由高级团队处理。",
        "escalate_reason": "申请原因", "escalate_submit": "申请升级", "escalate_done": "已收到您的升级申请。",
        "err_escalate_recent": "您最近已申请过升级，{at} 后可再次申请。",
        "withdraw_title": "撤回投诉", "withdraw_hint": "撤回后我们将不再处理此投诉，且无法恢复。",
        "withdraw_reason": "撤回原因", "withdraw_confirm": "我确认撤回此投诉",
        "withdraw_submit": "撤回投诉", "withdraw_done": "您的投诉已撤回。",
        "err_final": "此投诉已办结或已撤回，无法再进行此操作。",
        "final_note": "此投诉已办结或已撤回。如有新的问题，请提交新的投诉。",
    },
    "en": {
        "site": "Redress customer service", "skip": "Skip to main content", "language": "Language",
        "nav": "Pages", "nav_complain": "Make a complaint", "nav_track": "Track a complaint",
        "required": "(required)", "optional": "(optional)",
        "noscript": "This page needs JavaScript to send the form.", "errors_title": "Please check the following:",
        "complain_title": "Make a complaint",
        "complain_intro": "Tell us what happened. You will get a tracking number and the time by which we will "
                          "reply at the latest.",
        "section_complaint": "Your complaint", "kind": "What is it?", "kind_complaint": "A complaint",
        "kind_suggestion": "A suggestion", "kind_praise": "Praise", "subject": "Subject",
        "subject_hint": "In a few words, for example “Order 1234 never arrived”.",
        "description": "What happened", "description_hint": "When and where, what happened, and how it "
                                                            "affected you.",
        "remedy": "What would you like us to do?",
        "section_hints": "Help us handle it faster",
        "hints_hint": "All optional: they help us pass your complaint to the right team.",
        "product": "Product or service concerned", "region": "Region (province, city)",
        "location": "Place (shop, branch …)", "occurred": "Date it happened",
        "section_contact": "How we can reach you",
        "contact_hint": "Give at least an e-mail address or a phone number: you need one of them to track "
                        "your complaint.",
        "name": "Name", "email": "E-mail address", "phone": "Phone number",
        "section_consent": "Consent",
        "consent_data": "I agree that the information I give is used to handle this complaint.",
        "consent_contact": "You may contact me about this complaint.",
        "consent_survey": "You may ask me afterwards how satisfied I am.",
        "submit": "Send my complaint", "sending": "Sending, please wait…",
        "err_required": "Please fill this in.", "err_email": "Enter a valid e-mail address, like name@example.com.",
        "err_phone": "Enter a valid phone number (digits, spaces and + - ( ) only).",
        "err_contact": "Give an e-mail address or a phone number.",
        "err_consent": "We need your agreement to handle the complaint.", "err_confirm": "Tick the box to confirm.",
        "err_too_long": "This is too long; please shorten it.", "err_invalid": "This is not valid; please check it.",
        "err_date": "Enter today or an earlier date.",
        "err_network": "We could not reach our server. Check your connection and try again: what you wrote is "
                       "still here, and trying again never sends it twice.",
        "err_server": "Something went wrong ({status}). Please try again later.",
        "thanks_title": "Your complaint is in",
        "thanks_lead": "We have received your complaint. Please note your tracking number:",
        "number_label": "Tracking number", "spelled": "Spelled out:", "copy_number": "Copy the number",
        "copied": "The tracking number is copied.",
        "thanks_linked": "This is almost the same as a complaint you sent recently: we handle the two together.",
        "timeline_title": "What happens next", "tl_received": "{at}: we received your complaint.",
        "tl_assign": "We pass it to the specialist team best placed to handle it, usually within minutes.",
        "tl_reply": "We reply by {by} at the latest.",
        "tl_resolve": "When it is resolved we tell you the outcome and ask how we did.",
        "thanks_track_hint": "With the tracking number and your e-mail address (or the last 4 digits of your "
                             "phone number) you can follow it, reply or withdraw it at any time.",
        "thanks_track_link": "Track this complaint",
        "track_title": "Track your complaint",
        "track_intro": "Enter the tracking number and the e-mail address or the last 4 digits of the phone "
                       "number you gave.",
        "number": "Tracking number", "number_hint": "For example RD-7K3M-9QX2-T; upper or lower case.",
        "verification": "E-mail address or last 4 digits of your phone", "lookup": "Look it up",
        "loading": "Looking it up…",
        "err_not_found": "No complaint matches this tracking number and verification. Please check both.",
        "err_number": "This is not a valid tracking number; please check for a mistyped character.",
        "status_label": "Status", "subject_label": "Subject", "received_label": "Received",
        "reply_by_label": "We will reply by", "resolve_by_label": "We will resolve it by",
        "escalation_requested_label": "You asked for escalation", "escalated_label": "Escalated to a senior team",
        "history_title": "History", "refresh": "Refresh", "updated": "Updated ({at}).",
        "status_changed": "Status changed: {status}",
        "awaiting": "We need more information from you: please reply below.",
        "actions_title": "What you can do", "reply_title": "Reply or add information",
        "reply_label": "Your message", "reply_submit": "Send reply", "reply_done": "Your reply has been sent.",
        "escalate_title": "Ask for escalation",
        "escalate_hint": "Not happy with how it is handled? Ask for a senior team to take it on.",
        "escalate_reason": "Why", "escalate_submit": "Ask for escalation",
        "escalate_done": "We have your request for escalation.",
        "err_escalate_recent": "You asked for escalation recently; you can ask again from {at}.",
        "withdraw_title": "Withdraw the complaint",
        "withdraw_hint": "Once withdrawn, the complaint is no longer handled; this cannot be undone.",
        "withdraw_reason": "Why", "withdraw_confirm": "I want to withdraw this complaint",
        "withdraw_submit": "Withdraw the complaint", "withdraw_done": "Your complaint is withdrawn.",
        "err_final": "This complaint is closed or withdrawn; this is no longer possible.",
        "final_note": "This complaint is closed or withdrawn. For a new problem, please make a new complaint.",
    },
}


def _primary(tag: str) -> str:
    return tag.strip().replace("_", "-").split("-")[0].lower()


def accepted_languages(header: str | None) -> list[str]:
    """The primary languages of an Accept-Language header, most wanted first; q=0 means "not this one"."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "")[:MAX_HEADER].split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and quality > 0:
            ranked.append((-quality, position, _primary(tag)))
    return [language for _, _, language in sorted(ranked)]


def page_language(requested: str | None, accept_language: str | None) -> str:
    """`?lang=` when it names a language of the pages (zh, zh-CN, en-US …), else the browser's preference."""
    for candidate in [_primary(requested or ""), *accepted_languages(accept_language)]:
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def words(language: str) -> dict[str, str]:
    return WORDS[language]
