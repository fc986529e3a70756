"""Every model, imported in one place so that the metadata is complete wherever it is used."""

from intake.accounts.models import Role, User
from intake.accounts.security_models import AccountEvent, RecoveryCode, UserSession
from intake.api_keys.models import ApiKey
from intake.audit.models import AuditEntry
from intake.cache_versions import DataVersion
from intake.cases.anchors import AuditCheckpoint, CaseAnchor, EventErasure
from intake.cases.models import (
    Attachment,
    Case,
    CaseClock,
    CaseEvent,
    ClockReminder,
    CooperationRequest,
)
from intake.cases.search import SCOPES as _SEARCH_INDEX  # noqa: F401  (its DDL events)
from intake.cases.sources import SubmissionSource
from intake.exchange.models import ExchangeRun
from intake.letters.models import IssuedLetter
from intake.monitoring.models import WorkerHeartbeat
from intake.notifications.models import OutboxMessage
from intake.org.models import (
    CalendarOverride,
    DeadlinePolicy,
    Field,
    Procedure,
    RoutingRule,
    Unit,
)
from intake.reports.models import (
    BacklogSnapshot,
    ReceivedRollup,
    ReportEntry,
    ReportRollup,
    SnapshotDay,
)
from intake.responses.models import ResponseTemplate

__all__ = [
    "AccountEvent",
    "ApiKey",
    "AuditCheckpoint",
    "AuditEntry",
    "CaseAnchor",
    "EventErasure",
    "ExchangeRun",
    "Attachment",
    "BacklogSnapshot",
    "CalendarOverride",
    "Case",
    "CaseClock",
    "CaseEvent",
    "ClockReminder",
    "CooperationRequest",
    "DataVersion",
    "DeadlinePolicy",
    "Field",
    "IssuedLetter",
    "OutboxMessage",
    "Procedure",
    "ReceivedRollup",
    "RecoveryCode",
    "ReportEntry",
    "ReportRollup",
    "ResponseTemplate",
    "Role",
    "RoutingRule",
    "SnapshotDay",
    "SubmissionSource",
    "Unit",
    "User",
    "UserSession",
    "WorkerHeartbeat",
]
