"""What a webhook is told of each event: the facts an organizer's system needs, without
contact details (no e-mail addresses or phone numbers leave in a webhook)."""

from __future__ import annotations

from typing import Any

from shared.contracts.judging import JurorAssignedPayload, ResultsApprovedPayload
from shared.contracts.publish import PublicationPayload
from shared.contracts.submissions import (
    EntryScreenedPayload,
    EntrySubmittedPayload,
    EntryWithdrawnPayload,
)


def entry_submitted(p: EntrySubmittedPayload) -> dict[str, Any]:
    return {
        "entry_id": p.entry_id,
        "code": p.code,
        "title": p.title,
        "category": p.category_name,
        "version": p.version,
        "submitted_at": p.submitted_at.isoformat(),
    }


def entry_screened(p: EntryScreenedPayload) -> dict[str, Any]:
    return {
        "entry_id": p.entry_id,
        "code": p.code,
        "decision": p.decision.value,
        "reason": p.reason,
        "decided_at": p.decided_at.isoformat(),
    }


def entry_withdrawn(p: EntryWithdrawnPayload) -> dict[str, Any]:
    return {"entry_id": p.entry_id, "code": p.code, "withdrawn_at": p.withdrawn_at.isoformat()}


def juror_assigned(p: JurorAssignedPayload) -> dict[str, Any]:
    return {
        "round_id": p.round_id,
        "round_name": p.round_name,
        "juror_id": p.juror_id,
        "assigned": p.assigned,
        "deadline": p.deadline.isoformat(),
    }


def results_approved(p: ResultsApprovedPayload) -> dict[str, Any]:
    return {
        "contest_title": p.contest_title,
        "approved_at": p.approved_at.isoformat(),
        "snapshot_hash": p.snapshot_hash,
        "total_prize_vnd": p.total_prize_vnd,
        "winners": [
            {
                "entry_id": w.entry_id,
                "code": w.code,
                "title": w.title,
                "category": w.category_name,
                "tier": w.tier_name,
                "tier_code": w.tier_code,
                "prize_vnd": w.prize_vnd,
                "authors": [a.pen_name or a.full_name for a in w.authors],
            }
            for w in p.winners
        ],
    }


def entry_published(p: PublicationPayload) -> dict[str, Any]:
    return {
        "entry_id": p.entry_id,
        "code": p.entry_code,
        "title": p.title,
        "outlet": p.outlet_name,
        "url": p.url,
        "published_at": p.at.isoformat(),
    }
