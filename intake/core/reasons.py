"""Refusal reason codes (DOMAIN.md §3). The codes are stored; the words shown for them, and the
message templates sent to the citizen, live with the translations."""

from __future__ import annotations

import enum


class RejectReason(enum.StrEnum):
    MISSING_REQUIRED_INFO = "missing_required_info"
    NOT_VIETNAMESE = "not_vietnamese"
    COMPLAINT_OR_DENUNCIATION = "complaint_or_denunciation"
    NOT_ABOUT_ADMINISTRATIVE_REGULATIONS = "not_about_administrative_regulations"
    DUPLICATE = "duplicate"
    ABUSIVE_OR_SPAM = "abusive_or_spam"
    NO_REPLY_TO_INFO_REQUEST = "no_reply_to_info_request"
    # Feedback on a law, decree or circular itself: since 2025 the national legal portal has
    # its own feedback channel (DOMAIN §2, §3).
    LEGAL_NORMATIVE_DOCUMENT = "legal_normative_document"


#: Reasons an officer picks in the rejection form; "duplicate" comes from its own action, which
#: links the original. "No reply" applies once the worker has flagged the request as run out.
MANUAL_REJECT_REASONS = (
    RejectReason.MISSING_REQUIRED_INFO,
    RejectReason.NOT_VIETNAMESE,
    RejectReason.COMPLAINT_OR_DENUNCIATION,
    RejectReason.NOT_ABOUT_ADMINISTRATIVE_REGULATIONS,
    RejectReason.LEGAL_NORMATIVE_DOCUMENT,
    RejectReason.ABUSIVE_OR_SPAM,
    RejectReason.NO_REPLY_TO_INFO_REQUEST,
)


class ReturnReason(enum.StrEnum):
    """Why a unit sends an item back to the intake office."""

    NOT_COMPETENT = "not_competent"  # không đúng thẩm quyền
    WRONG_UNIT = "wrong_unit"
    NEEDS_SPLITTING = "needs_splitting"
    OTHER = "other"
