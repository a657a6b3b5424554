"""Zalo ZNS rules: how our templates map to approved ZNS templates, the data each message
carries, when a message may go out, the daily quota's calendar, what Zalo's error codes mean,
and the signature on Zalo's delivery callbacks."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal, get_args

from .formatting import VIETNAM

ZnsTag = Literal["transaction", "customer_care", "promotion"]
ParamKind = Literal["string", "number", "date"]
ZnsVerdict = Literal["ok", "refresh_token", "quota", "permanent", "temporary"]

TAGS: tuple[str, ...] = get_args(ZnsTag)
KINDS: tuple[str, ...] = get_args(ParamKind)
DEFAULT_MAX_LENGTH = 30  # ZNS's limit for most string parameters
MAX_PARAM_LENGTH = 500
# Non-transactional messages only reach people in the daytime, Vietnam time.
OPEN_HOUR = 7
CLOSE_HOUR = 22

TEMPLATE_NAME = re.compile(r"^[a-z_]{3,64}$")
ZNS_TEMPLATE_ID = re.compile(r"^[0-9]{1,32}$")
PARAM_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
SOURCE_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")


@dataclass(frozen=True)
class ZnsParam:
    """One parameter of a ZNS template, taken from the message context at ``source``."""

    name: str
    source: str
    max_length: int = DEFAULT_MAX_LENGTH
    required: bool = True
    kind: ParamKind = "string"


@dataclass(frozen=True)
class ZnsMapping:
    template: str  # ours, e.g. "entry_received"
    zns_template_id: str  # Zalo's approved template
    tag: ZnsTag
    params: tuple[ZnsParam, ...]


class ZnsParamError(ValueError):
    """A template parameter is missing, too long or of the wrong kind; names the parameter."""

    def __init__(self, param: str, reason: str) -> None:
        super().__init__(reason)
        self.param = param


class ZnsMappingError(ValueError):
    """A mapping an operator entered is not usable; ``problems`` lists each reason (vi / en)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# Mappings, stored as JSON in zns_templates.params


def params_to_json(params: tuple[ZnsParam, ...] | list[ZnsParam]) -> str:
    return json.dumps([asdict(p) for p in params], ensure_ascii=False)


def params_from_json(text: str) -> tuple[ZnsParam, ...]:
    items: list[dict[str, Any]] = json.loads(text or "[]")
    return tuple(
        ZnsParam(
            name=str(item["name"]),
            source=str(item["source"]),
            max_length=int(item.get("max_length", DEFAULT_MAX_LENGTH)),
            required=bool(item.get("required", True)),
            kind=item.get("kind", "string"),
        )
        for item in items
    )


def mapping_from_json(template: str, zns_template_id: str, tag: str, params: str) -> ZnsMapping:
    """A mapping from its stored row (params as JSON)."""
    if tag not in TAGS:
        raise ZnsMappingError([_bad_tag(tag)])
    return ZnsMapping(template, zns_template_id, tag, params_from_json(params))  # type: ignore[arg-type]


def check_mapping(
    mapping: ZnsMapping, known_templates: Collection[str] | None = None
) -> ZnsMapping:
    """The mapping itself when usable; otherwise ZnsMappingError naming every problem.
    ``known_templates``: our message templates, one of which the mapping must name."""
    problems: list[str] = []
    if not TEMPLATE_NAME.match(mapping.template):
        problems.append(
            f"Tên mẫu {mapping.template!r} chỉ gồm chữ thường a-z và _, dài 3–64 ký tự "
            f"/ template name {mapping.template!r} must be 3–64 characters of a-z and _"
        )
    elif known_templates is not None and mapping.template not in known_templates:
        problems.append(
            f"Không có mẫu thông báo {mapping.template!r} / no message template "
            f"{mapping.template!r}"
        )
    if not ZNS_TEMPLATE_ID.match(mapping.zns_template_id):
        problems.append(
            f"Mã mẫu ZNS {mapping.zns_template_id!r} phải là dãy chữ số "
            f"/ ZNS template id {mapping.zns_template_id!r} must be digits"
        )
    if mapping.tag not in TAGS:
        problems.append(_bad_tag(mapping.tag))
    if not mapping.params:
        problems.append("Mẫu ZNS cần ít nhất một tham số / a ZNS template needs parameters")
    seen: set[str] = set()
    for param in mapping.params:
        problems.extend(_param_problems(param))
        if param.name in seen:
            problems.append(
                f"Tham số {param.name!r} bị lặp / parameter {param.name!r} appears twice"
            )
        seen.add(param.name)
    if problems:
        raise ZnsMappingError(problems)
    return mapping


def _param_problems(param: ZnsParam) -> list[str]:
    problems: list[str] = []
    name = param.name
    if not PARAM_NAME.match(name):
        problems.append(
            f"Tên tham số {name!r} chỉ gồm chữ, số và _ "
            f"/ parameter name {name!r} may have only letters, digits and _"
        )
    if not SOURCE_PATH.match(param.source):
        problems.append(
            f"Nguồn {param.source!r} của tham số {name!r} phải là khóa, có thể có dấu chấm "
            f"(vd. contest.title) / source {param.source!r} of {name!r} must be a key, "
            "dotted allowed (e.g. contest.title)"
        )
    if not 1 <= param.max_length <= MAX_PARAM_LENGTH:
        problems.append(
            f"Độ dài tối đa của {name!r} phải từ 1 đến {MAX_PARAM_LENGTH} "
            f"/ max_length of {name!r} must be 1..{MAX_PARAM_LENGTH}"
        )
    if param.kind not in KINDS:
        problems.append(
            f"Kiểu {param.kind!r} của {name!r} phải là một trong {', '.join(KINDS)} "
            f"/ kind of {name!r} must be one of {', '.join(KINDS)}"
        )
    return problems


def _bad_tag(tag: str) -> str:
    return f"Loại tin {tag!r} phải là một trong {', '.join(TAGS)} / tag must be one of them"


# The data of one message


def template_data(mapping: ZnsMapping, context: dict[str, Any]) -> dict[str, str]:
    """Each parameter's value from ``context``, as the strings ZNS expects, within its limit."""
    data: dict[str, str] = {}
    for param in mapping.params:
        value = _lookup(context, param.source)
        text = "" if value is None else _as_text(param, value).strip()
        if not text:
            if param.required:
                raise ZnsParamError(
                    param.name,
                    f"Thiếu giá trị cho tham số {param.name} (lấy từ {param.source}) "
                    f"/ no value for parameter {param.name} (from {param.source})",
                )
            continue
        if len(text) > param.max_length:
            raise ZnsParamError(
                param.name,
                f"Tham số {param.name} dài {len(text)} ký tự, quá giới hạn {param.max_length} "
                f"/ parameter {param.name} has {len(text)} characters, over its limit of "
                f"{param.max_length}",
            )
        data[param.name] = text
    return data


def _lookup(context: dict[str, Any], source: str) -> Any:
    value: Any = context
    for key in source.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _as_text(param: ZnsParam, value: Any) -> str:
    if isinstance(value, bool):
        raise ZnsParamError(
            param.name,
            f"Tham số {param.name} không nhận giá trị đúng/sai "
            f"/ parameter {param.name} cannot be a true/false value",
        )
    if param.kind == "number":
        if isinstance(value, int | Decimal) or (isinstance(value, float) and value.is_integer()):
            return str(int(value)) if not isinstance(value, Decimal) else str(value)
        if isinstance(value, float):
            return str(value)
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]+([.,][0-9]+)?", value.strip()):
            return value
        raise ZnsParamError(
            param.name,
            f"Tham số {param.name} phải là số, nhận được {value!r} "
            f"/ parameter {param.name} must be a number, got {value!r}",
        )
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ZnsParamError(param.name, f"{param.name}: naive datetime / giờ thiếu múi giờ")
        return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    raise ZnsParamError(
        param.name,
        f"Tham số {param.name} phải là chữ hoặc số, nhận được {type(value).__name__} "
        f"/ parameter {param.name} must be text or a number, got {type(value).__name__}",
    )


# When, and how many


def sending_window(now: datetime, tag: str) -> datetime | None:
    """None when a message of ``tag`` may go out at ``now``; otherwise the next 07:00 in
    Vietnam (UTC-aware). Transaction messages go at any hour."""
    if tag == "transaction":
        return None
    local = _aware(now).astimezone(VIETNAM)
    if OPEN_HOUR <= local.hour < CLOSE_HOUR:
        return None
    day = local.date() if local.hour < OPEN_HOUR else local.date() + timedelta(days=1)
    return datetime.combine(day, time(OPEN_HOUR), tzinfo=VIETNAM).astimezone(UTC)


def quota_day(now: datetime) -> date:
    """The Vietnam calendar day the daily quota counts against."""
    return _aware(now).astimezone(VIETNAM).date()


def next_quota_reset(now: datetime) -> datetime:
    """The next local midnight in Vietnam, UTC-aware: when a new day's quota starts."""
    tomorrow = quota_day(now) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=VIETNAM).astimezone(UTC)


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("naive datetime given where an aware one is required")
    return now


# What Zalo's answer means (https://zalo.cloud/zns/guidelines/handle-error-code)

REFRESH_CODES = frozenset({-124, -216})  # access token invalid or expired
QUOTA_CODES = frozenset(
    {
        -115,  # out of quota: the ZNS account's balance is used up
        -126,  # development-mode wallet has no balance left
        -137,  # ZCA payment failed (wallet balance)
        -144,  # the OA has sent its daily ZNS limit
        -147,  # the template has sent its daily limit
    }
)
# -100 unknown error, -129 could not make an RSA key: "try again later"; -133 "not at
# night" passes once the night does.
TEMPORARY_CODES = frozenset({-100, -129, -133})
# The rest of -101..-153 is about the request or the account's set-up (app, OA, phone,
# template id/data, consent, permissions): sending the same request again cannot help.
PERMANENT_CODES = frozenset(range(-153, -100)) - REFRESH_CODES - QUOTA_CODES - TEMPORARY_CODES


def classify_zns_error(code: int) -> ZnsVerdict:
    """What to do about a ZNS answer's ``error``: unknown codes are worth another try."""
    if code == 0:
        return "ok"
    if code in REFRESH_CODES:
        return "refresh_token"
    if code in QUOTA_CODES:
        return "quota"
    if code in PERMANENT_CODES:
        return "permanent"
    return "temporary"


# Zalo's delivery callbacks


def event_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The X-ZEvent-Signature Zalo sends: "mac=" + sha256(app id, body, timestamp, secret)."""
    signed = app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()
    return "mac=" + hashlib.sha256(signed).hexdigest()


def signature_matches(
    header: str, app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str
) -> bool:
    expected = event_signature(app_id, raw_body, timestamp, oa_secret_key)
    return hmac.compare_digest(header.strip().lower().encode(), expected.encode())
