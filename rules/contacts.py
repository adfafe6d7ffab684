"""Built-in detectors for off-platform contact handles, used by the `contact:` condition.

They run on folded text (lower case, simplified, separators removed, leetspeak undone), so
`加 微 信`, `薇信`, `ＶＸ：` and `v.x:` all reach them in one spelling. Each is a linear-time RE2
pattern; a detector needs a cue word *and* something shaped like a handle or number, so "is this
like WeChat?" is not a contact handle.
"""

from __future__ import annotations

_HANDLE = r"[a-z0-9][a-z0-9_-]{4,19}"
_WECHAT_WORD = r"(?:微信|薇信|威信|维信|徽信|v信|vx|wx|weixin|wechat|卫星号)"

DETECTORS: dict[str, str] = {
    "wechat": (
        rf"(?:(?:加|\+|add)\s*(?:{_WECHAT_WORD}|v|微|薇|威)\s*(?:号|id)?\s*:?\s*{_HANDLE}"
        rf"|{_WECHAT_WORD}\s*(?:号|id)?\s*:\s*{_HANDLE}"
        rf"|(?:薇信|威信|维信|徽信|v信|vx)\s*{_HANDLE}"
        r"|加\s*(?:微信|薇信|威信|v信|vx|v)(?:\W|$))"
    ),
    "qq": r"(?:qq|扣扣|企鹅号|q群)\s*(?:号|群)?\s*:?\s*\d{5,11}",
    "telegram": (
        r"(?:telegram|电报|纸飞机|\btg\b)\W{0,6}@?[a-z0-9_]{5,32}"
        r"|\bt\.?me/[a-z0-9_]{4,}"
    ),
    "whatsapp": r"(?:whatsapp|whats app|瓦次普|\bwa\b)\W{0,6}\+?\d[\d\s-]{7,}|wa\.me/\d+",
    "line": r"(?:\bline\s*id|加line|赖)\s*:?\s*@?[a-z0-9][a-z0-9_.-]{4,}",
    "phone": (
        r"\+\d{1,3}[\s-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b"
        r"|\b\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"
        r"|(?:^|\D)1[3-9]\d{9}(?:\D|$)"
    ),
    "qr": r"扫码|扫一扫|二维码|\bqr\s*code|\bscan\s+(?:the|my|this)\s+qr",
}

# Links in the text itself, for the link conditions (besides the post's own `links`).
URL = r"\bhttps?://[^\s/]+|\bwww\.[^\s/]+|\b[a-z0-9-]+\.(?:com|net|org|top|xyz|cc|ly|me|io|co)/\S*"
