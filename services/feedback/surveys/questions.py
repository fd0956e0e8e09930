"""The survey's questions and the page's words, in Chinese and English. Pure data."""

from dataclasses import dataclass

from services.feedback.evaluations.domain import DIMENSION_RANGE, DIMENSIONS, RANGES


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # scale or yes_no
    text: str
    required: bool
    min: int | None = None
    max: int | None = None
    low_label: str | None = None
    high_label: str | None = None


TEXT = {
    "en": {
        "title": "How did we do?",
        "intro": (
            "Your complaint {tracking} has been resolved. Please tell us how we "
            "handled it; it takes about a minute."
        ),
        "csat": "Overall, how satisfied are you with how your complaint was handled?",
        "solved": "Was your problem solved?",
        "yes": "Yes",
        "no": "No",
        "nps": "How likely are you to recommend us to a friend or colleague?",
        "ces": "How easy was it to get your problem handled?",
        "dimensions": "Please rate our service",
        "response_speed": "Speed of response",
        "attitude": "Attitude",
        "expertise": "Expertise",
        "problem_solving": "Problem solving",
        "communication": "Communication",
        "comment": "Anything else you would like to tell us? (optional)",
        "submit": "Send my answers",
        "required": "required",
        "optional": "optional",
        "very_dissatisfied": "very dissatisfied",
        "very_satisfied": "very satisfied",
        "not_likely": "not at all likely",
        "very_likely": "extremely likely",
        "very_hard": "very difficult",
        "very_easy": "very easy",
        "poor": "poor",
        "excellent": "excellent",
        "thanks_title": "Thank you",
        "thanks": "Thank you for your answers. They help us serve you better.",
        "expired_title": "This survey has closed",
        "expired": "The link has expired or the survey is no longer open.",
        "used_title": "Already answered",
        "used": "This survey has already been answered. Thank you!",
        "forged_title": "Survey not found",
        "forged": "We could not find a survey for this link. Please check that you copied the whole link.",
        "invalid_title": "Please check your answers",
        "language": "English",
    },
    "zh": {
        "title": "请评价我们的服务",
        "intro": "您的投诉 {tracking} 已处理完毕。请告诉我们您对处理过程的看法，大约需要一分钟。",
        "csat": "总体而言，您对投诉处理的满意程度如何？",
        "solved": "您的问题解决了吗？",
        "yes": "是",
        "no": "否",
        "nps": "您有多大可能向朋友或同事推荐我们？",
        "ces": "解决您的问题有多容易？",
        "dimensions": "请为我们的服务打分",
        "response_speed": "响应速度",
        "attitude": "服务态度",
        "expertise": "专业程度",
        "problem_solving": "解决问题",
        "communication": "沟通",
        "comment": "您还有什么想告诉我们的吗？（选填）",
        "submit": "提交",
        "required": "必填",
        "optional": "选填",
        "very_dissatisfied": "非常不满意",
        "very_satisfied": "非常满意",
        "not_likely": "完全不可能",
        "very_likely": "非常可能",
        "very_hard": "非常困难",
        "very_easy": "非常容易",
        "poor": "很差",
        "excellent": "很好",
        "thanks_title": "谢谢",
        "thanks": "感谢您的反馈，我们会据此改进服务。",
        "expired_title": "调查已结束",
        "expired": "该链接已过期，或调查已不再开放。",
        "used_title": "已提交",
        "used": "此调查已经提交过了，谢谢！",
        "forged_title": "未找到调查",
        "forged": "找不到与此链接对应的调查，请确认链接是否完整。",
        "invalid_title": "请检查您的回答",
        "language": "中文",
    },
}


def words(language: str) -> dict[str, str]:
    return TEXT.get(language, TEXT["en"])


def questions(language: str) -> list[Question]:
    t = words(language)
    low, high = RANGES["csat"]
    items = [
        Question("csat", "scale", t["csat"], True, low, high, t["very_dissatisfied"], t["very_satisfied"]),
        Question("solved", "yes_no", t["solved"], True),
        Question("nps", "scale", t["nps"], False, *RANGES["nps"], t["not_likely"], t["very_likely"]),
        Question("ces", "scale", t["ces"], False, *RANGES["ces"], t["very_hard"], t["very_easy"]),
    ]
    items += [Question(f"dimensions.{name}", "scale", t[name], False, *DIMENSION_RANGE, t["poor"], t["excellent"])
              for name in DIMENSIONS]
    return items
