"""What an answer from QuickBooks means for one write: a pure function from (write, answers) to a decision.

The codes and what to do about them are NOTES.md 2.9; every branch here cites its row. Decisions never loop: each
either ends the write (applied, failed, held), or sends something different next (a query, a renamed add, a Mod
with a fresh EditSequence), or waits with a backoff and a bounded attempt count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from mlconnector.connectors.qbd.naming import MAX_SUFFIX, first_free, suffixed
from mlconnector.connectors.qbd.qbxml import item as item_builder
from mlconnector.connectors.qbd.qbxml.guids import same_guid
from mlconnector.connectors.qbd.qbxml.responses import NO_STATUS, Answer, text_of
from mlconnector.connectors.qbd.writes import states

MAX_LOCK_RETRIES = 5
MAX_RENAMES = 5
MAX_REFRESHES = 3
TRANSIENT = ("modified by another user", "locked", "in use", "failed to acquire the lock")
"""Substrings of 3170–3180 messages that mean "try again later" (quickbooks-php Callbacks/SQL/Errors.php)."""
_QUOTED = re.compile(r'"([^"]*)"')


@dataclass(frozen=True, slots=True)
class WriteView:
    """The parts of a write row a decision needs."""

    id: int
    operation_key: str
    object_type: str
    action: str
    step: str
    request: str
    match: dict[str, Any]
    attempt: int
    sent_version: str | None = None
    solo: bool = False


@dataclass(frozen=True, slots=True)
class IdentityUpdate:
    key: str
    object_type: str
    qb_id: str
    edit_sequence: str | None = None
    ref_number: str | None = None
    name: str | None = None
    external_guid: str | None = None
    content_hash: str | None = None


@dataclass(frozen=True, slots=True)
class CatalogRow:
    list_type: str
    list_id: str
    full_name: str
    name: str | None
    subtype: str | None
    is_active: bool


@dataclass(slots=True)
class Decision:
    state: str
    step: str = states.WRITE
    status_code: int | None = None
    status_message: str | None = None
    response: str | None = None
    result_id: str | None = None
    edit_sequence: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    request: str | None = None
    """A replacement request (renamed, refreshed, next page); ``None`` keeps the current one."""
    match: dict[str, Any] | None = None
    retry_after: int | None = None
    solo: bool | None = None
    identity: IdentityUpdate | None = None
    forget_identity: str | None = None
    catalog: list[CatalogRow] = field(default_factory=list)
    catalog_done: str | None = None
    """A list type whose listing finished: entries not seen in this listing are removed."""
    closing_date: str | None = None


def _answered(decision: Decision, answers: list[Answer]) -> Decision:
    decision.status_code = answers[0].status_code if answers else None
    decision.status_message = answers[0].message if answers else None
    decision.response = "".join(answer.xml() for answer in answers) or None
    return decision


def _id_of(ret: etree._Element) -> str | None:
    return text_of(ret, "ListID") or text_of(ret, "TxnID")


def _guid_sent(write: WriteView) -> bool:
    """Whether the ExternalGUID went out (an older QuickBooks gets requests without it)."""
    if not write.match.get("external_guid"):
        return False
    version = write.sent_version or "13.0"
    major, minor = (int(part) for part in version.split("."))
    gate = (9, 0) if write.object_type != "Customer" else (8, 0)
    return (major, minor) >= gate


def _applied(write: WriteView, ret: etree._Element) -> Decision:
    qb_id = _id_of(ret)
    if not qb_id:
        return Decision(state=states.IN_DOUBT, step=states.RECONCILE, reason="QuickBooks answered without an id")
    identity = IdentityUpdate(
        key=write.match.get("identity_key") or write.operation_key,
        object_type=write.object_type,
        qb_id=qb_id,
        edit_sequence=text_of(ret, "EditSequence"),
        ref_number=text_of(ret, "RefNumber"),
        name=text_of(ret, "FullName") or text_of(ret, "Name"),
        external_guid=text_of(ret, "ExternalGUID") or write.match.get("external_guid"),
        content_hash=write.match.get("content_hash"),
    )
    return Decision(
        state=states.APPLIED,
        result_id=qb_id,
        edit_sequence=identity.edit_sequence,
        identity=identity,
    )


def _reference_hold(message: str) -> str:
    """3140: 'There is an invalid reference to QuickBooks Item "X" in the Invoice line.' → what to fix."""
    names = _QUOTED.findall(message)
    kind = re.search(r"reference to QuickBooks (\w+)", message)
    what = kind.group(1).lower() if kind else "list entry"
    if names:
        return (
            f'QuickBooks has no {what} "{names[0]}": create it in QuickBooks or change the mapping, '
            "then retry the document"
        )
    return f"QuickBooks reported a missing {what}: {message}"


def _rejected(write: WriteView, answer: Answer) -> Decision:
    code, message = answer.status_code, answer.message
    if code in (3170, 3175, 3176, 3180) and any(text in message.lower() for text in TRANSIENT):
        if write.attempt >= MAX_LOCK_RETRIES:
            reason = f"QuickBooks kept the record locked after {write.attempt} attempts: {message}"
            return Decision(state=states.HELD, reason_code="locked", reason=reason)
        return Decision(state=states.PENDING, retry_after=min(600, 30 * 2**write.attempt))
    if code in (3170, 3175, 3176, 3180):
        reason = f"QuickBooks could not save the {write.object_type}: {message} Check the record in QuickBooks."
        return Decision(state=states.HELD, reason_code="save_error", reason=reason)
    if code == 3100 and write.action == "add" and write.object_type == "Customer":
        return Decision(state=states.PENDING, step=states.NAMES)
    if code == 3200 and write.action == "mod":
        if write.match.get("refreshes", 0) >= MAX_REFRESHES:
            reason = f"The record kept changing in QuickBooks while we updated it: {message}"
            return Decision(state=states.HELD, reason_code="edit_conflict", reason=reason)
        return Decision(state=states.PENDING, step=states.REFRESH)
    if code == 3140:
        return Decision(state=states.HELD, reason_code="missing_reference", reason=_reference_hold(message))
    if code == 3120:
        forget = write.match.get("identity_key") if write.action == "mod" else None
        reason = (
            f"QuickBooks no longer has a record we referred to (deleted or merged there): {message} "
            "Choose in the dashboard whether to create it again or ignore this document."
        )
        return Decision(state=states.HELD, reason_code="deleted_in_quickbooks", reason=reason, forget_identity=forget)
    if code == 3000:
        reason = f"QuickBooks did not accept an id we sent (is this the right company file?): {message}"
        return Decision(state=states.HELD, reason_code="invalid_id", reason=reason)
    if code in (3260, 3261):
        reason = (
            "QuickBooks refused access: the QuickBooks administrator must allow ml-connector under "
            f"Edit > Preferences > Integrated Applications. ({message})"
        )
        return Decision(state=states.HELD, reason_code="no_permission", reason=reason)
    if code == 3250:
        reason = f"This QuickBooks edition or company file does not have the feature this needs: {message}"
        return Decision(state=states.HELD, reason_code="feature_unavailable", reason=reason)
    reason = f"QuickBooks rejected the {write.object_type} ({code}): {message}".rstrip(": ")
    return Decision(state=states.FAILED, reason_code=f"qb_{code}" if code != NO_STATUS else "unreadable", reason=reason)


def _decide_write(write: WriteView, answer: Answer) -> Decision:
    if answer.status_code == NO_STATUS:
        return Decision(state=states.IN_DOUBT, step=_doubt_step(write), reason="QuickBooks' answer had no status")
    if write.action == "query":
        return _decide_listing(write, answer)
    if answer.status_code < 1000 and answer.status_code != 1:
        rets = answer.rets
        if rets:
            return _applied(write, rets[0])
        return Decision(state=states.IN_DOUBT, step=_doubt_step(write), reason=answer.message)
    return _rejected(write, answer)


def _catalog_rows(list_type: str, answer: Answer) -> list[CatalogRow]:
    rows = []
    for ret in answer.rets:
        list_id, full_name = text_of(ret, "ListID"), text_of(ret, "FullName") or text_of(ret, "Name")
        if list_id and full_name:
            active = (text_of(ret, "IsActive") or "true").lower() != "false"
            rows.append(CatalogRow(list_type, list_id, full_name, text_of(ret, "Name"), ret.tag[:-3], active))
    return rows


def _decide_listing(write: WriteView, answer: Answer) -> Decision:
    """A list read (items page by page, accounts, payment methods, preferences)."""
    list_type = write.match.get("list", write.object_type)
    if answer.status_code not in (0, 1):
        return Decision(state=states.FAILED, reason_code=f"qb_{answer.status_code}", reason=answer.message)
    if list_type == "Preferences":
        ret = answer.rets[0] if answer.rets else None
        closing = text_of(ret, "AccountingPreferences/ClosingDate") if ret is not None else None
        return Decision(state=states.APPLIED, closing_date=closing or "")
    rows = _catalog_rows(list_type, answer)
    if answer.iterator_remaining and answer.iterator_id:
        page = item_builder.item_query(iterator="Continue", iterator_id=answer.iterator_id)
        return Decision(state=states.PENDING, catalog=rows, request=page.xml)
    return Decision(state=states.APPLIED, catalog=rows, catalog_done=list_type)


def _doubt_step(write: WriteView) -> str:
    if write.action == "mod":
        return states.REFRESH
    if write.action == "query":
        return states.WRITE
    return states.RECONCILE


def _ours(write: WriteView, ret: etree._Element) -> bool:
    """A list object or transaction is ours when it carries our ExternalGUID — or, when the GUID could not be sent
    (older QuickBooks), when its e-mail (customers) or amount (transactions) matches."""
    guid = text_of(ret, "ExternalGUID")
    if _guid_sent(write):
        return same_guid(guid, write.match.get("external_guid"))
    if guid:
        return False
    if write.object_type == "Customer":
        email = write.match.get("email")
        return bool(email) and (text_of(ret, "Email") or "").casefold() == email.casefold()
    amount = write.match.get("amount")
    total = text_of(ret, "TotalAmount") or text_of(ret, "Subtotal")
    return amount is not None and total is not None and total == amount


def _decide_reconcile(write: WriteView, answer: Answer) -> Decision:
    """NOTES.md 4.3: exactly one match that is ours → adopt; none → safe to send again; anything else → a person."""
    if answer.status_code == 1 or (answer.status_code == 0 and not answer.rets):
        return Decision(state=states.PENDING, step=states.WRITE)
    if answer.status_code not in (0, 500):
        return Decision(state=states.IN_DOUBT, step=states.RECONCILE, reason=answer.message)
    candidates = answer.rets
    if write.object_type != "Customer":
        ref = write.match.get("ref_number")
        candidates = [ret for ret in candidates if text_of(ret, "RefNumber") == ref]
    ours = [ret for ret in candidates if _ours(write, ret)]
    if len(ours) == 1 and len(candidates) == 1:
        return _applied(write, ours[0])
    if not candidates:  # 500 "could not be found": QuickBooks never got it, so it goes again under the same name
        return Decision(state=states.PENDING, step=states.WRITE)
    if write.object_type == "Customer" and not ours:
        return Decision(state=states.PENDING, step=states.NAMES)
    found = ", ".join(_id_of(ret) or "?" for ret in candidates)
    reason = (
        f"Could not tell whether QuickBooks saved this {write.object_type}: it already has {len(candidates)} "
        f"record(s) numbered {write.match.get('ref_number') or write.match.get('name')} ({found}) that we cannot "
        "prove are ours. Check QuickBooks, then mark the document as posted or send it again."
    )
    return Decision(state=states.HELD, reason_code="ambiguous_match", reason=reason)


def _names_in(answers: list[Answer]) -> list[str]:
    """Every top-level name the namesake queries found. A job's FullName (``Parent:Job``) is unique only under its
    parent, so it takes no top-level name."""
    found = []
    for answer in answers:
        if answer.status_code not in (0, 500):
            continue
        for ret in answer.rets:
            name = text_of(ret, "FullName") or text_of(ret, "Name")
            if name and ":" not in name:
                found.append(name)
    return found


def _renamed(write: WriteView, answers: list[Answer], claimed: frozenset[str] = frozenset()) -> Decision:
    """After 3100 (or a name in doubt held by someone else): adopt our own customer if one of the namesakes is it,
    otherwise add under the lowest ``Base (n)`` that no list holds and no other write of ours is about to use
    (``claimed``). One query finds every namesake, so this normally costs one round trip; a name taken in between
    costs another, at most :data:`MAX_RENAMES` times (NOTES.md 2.7)."""
    customers = next((a for a in answers if a.kind == "CustomerQuery"), None)
    ours = [ret for ret in customers.rets if _ours(write, ret)] if customers is not None else []
    if len(ours) == 1:
        return _applied(write, ours[0])
    base = write.match.get("base_name") or write.match["name"]
    if ours:
        found = ", ".join(_id_of(ret) or "?" for ret in ours)
        reason = (
            f'QuickBooks has {len(ours)} customers that are all this buyer ("{base}": {found}): merge them in '
            "QuickBooks, then retry the document"
        )
        return Decision(state=states.HELD, reason_code="ambiguous_match", reason=reason)
    tries = write.match.get("renames", 0) + 1
    refused = [*write.match.get("refused", []), write.match["name"]]
    if tries > MAX_RENAMES:
        reason = f'QuickBooks refused {MAX_RENAMES} free-looking names for this customer in a row, last "{refused[-1]}"'
        return Decision(state=states.HELD, reason_code="name_in_use", reason=reason)
    name = first_free(base, [*_names_in(answers), *refused, *claimed])
    if name is None:
        reason = f'Every QuickBooks name from "{base}" to "{suffixed(base, MAX_SUFFIX)}" is in use'
        return Decision(state=states.HELD, reason_code="name_in_use", reason=reason)
    root = etree.fromstring(write.request)
    root.find("CustomerAdd/Name").text = name
    match = {**write.match, "name": name, "renames": tries, "refused": refused}
    return Decision(
        state=states.PENDING, step=states.WRITE, request=etree.tostring(root, encoding="unicode"), match=match
    )


def _refreshed(write: WriteView, answer: Answer) -> Decision:
    """After 3200 (or a Mod in doubt): take QuickBooks' current EditSequence and send the Mod again."""
    if answer.status_code != 0 or not answer.rets:
        reason = f"The record we were updating is gone from QuickBooks: {answer.message}"
        forget = write.match.get("identity_key")
        return Decision(state=states.HELD, reason_code="deleted_in_quickbooks", reason=reason, forget_identity=forget)
    sequence = text_of(answer.rets[0], "EditSequence")
    root = etree.fromstring(write.request)
    node = next(iter(root.iter("EditSequence")), None)
    if node is None or not sequence:
        return Decision(state=states.FAILED, reason_code="unreadable", reason="no EditSequence to refresh")
    node.text = sequence
    match = {**write.match, "refreshes": write.match.get("refreshes", 0) + 1}
    return Decision(state=states.PENDING, request=etree.tostring(root, encoding="unicode"), match=match)


def decide(write: WriteView, answers: list[Answer], *, claimed: frozenset[str] = frozenset()) -> Decision:
    """The decision for one write that was sent, given every answer that carried its attempt id. ``claimed``: the
    customer names other writes of ours have sent or will send, which a renamed customer must not take."""
    if not answers:
        reason = "QuickBooks' answer did not include this request"
        return Decision(state=states.IN_DOUBT, step=_doubt_step(write), reason=reason)
    if write.step == states.NAMES:
        decision = _renamed(write, answers, claimed)
    elif write.step == states.REFRESH:
        decision = _refreshed(write, answers[0])
    elif write.step == states.RECONCILE:
        decision = _decide_reconcile(write, answers[0])
    else:
        decision = _decide_write(write, answers[0])
    return _answered(decision, answers)


def rejected_message_set(write: WriteView, hresult: str, message: str, batch_size: int) -> Decision:
    """QuickBooks refused the whole message set before running any of it (0x80040400: our XML). Nothing was
    written, so the requests of a batch are retried one by one; a request that fails alone is held with the exact
    text kept — never re-sent in a loop (qbwc/qbwc#53)."""
    if batch_size > 1 and not write.solo:
        return Decision(state=states.PENDING, step=write.step, solo=True)
    reason = (
        f"QuickBooks could not read this request ({hresult}: {message.strip() or 'no message'}). "
        "Nothing was saved; the exact request is kept for support."
    )
    return Decision(state=states.HELD, step=write.step, reason_code="request_rejected", reason=reason)
