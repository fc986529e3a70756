"""Every model, imported in one place so that the metadata is complete wherever it is used."""

from intake.accounts.models import Role, User
from intake.accounts.security_models import AccountEvent, RecoveryCode, UserSession
from intake.cases.models import (
    Attachment,
    Case,
    CaseClock,
    CaseEvent,
    ClockReminder,
    CooperationRequest,
)
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

__all__ = [
    "AccountEvent",
    "Attachment",
    "BacklogSnapshot",
    "CalendarOverride",
    "Case",
    "CaseClock",
    "CaseEvent",
    "ClockReminder",
    "CooperationRequest",
    "DeadlinePolicy",
    "Field",
    "OutboxMessage",
    "Procedure",
    "ReceivedRollup",
    "RecoveryCode",
    "ReportEntry",
    "ReportRollup",
    "Role",
    "RoutingRule",
    "SnapshotDay",
    "Unit",
    "User",
    "UserSession",
    "WorkerHeartbeat",
]
