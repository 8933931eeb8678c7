"""The invitation state machine: which event may move an invitation from which state.

::

    created ─send─► sent ─open─► opened ─save─► started ─submit─► submitted ─submit─► submitted
       │  └────open────┘  └──────save/submit───────┘
       ├─cancel─► cancelled          (only before the first e-mail)
       ├─withdraw─► withdrawn        (any live state before submission)
       └─expire─► expired            (any live state before submission)

A partial save of a submitted response is a submit (its answers must be complete, see
``services.submissions``), so nothing moves a submitted invitation back to "started".
A response (a partial save or a submit) is accepted only in a live state; cancelled,
withdrawn and expired invitations are terminal and refuse it. The storage layer turns each
row of ``TRANSITIONS`` into a DynamoDB condition (``#state IN (...)``), so the check and the
write are one conditional write, never a read-then-write.
"""
from __future__ import annotations

CREATED, SENT, OPENED, STARTED, SUBMITTED = "created", "sent", "opened", "started", "submitted"
CANCELLED, WITHDRAWN, EXPIRED = "cancelled", "withdrawn", "expired"
STATES = (CREATED, SENT, OPENED, STARTED, SUBMITTED, CANCELLED, WITHDRAWN, EXPIRED)
LIVE = (CREATED, SENT, OPENED, STARTED, SUBMITTED)
TERMINAL = (CANCELLED, WITHDRAWN, EXPIRED)
BEFORE_SUBMISSION = (CREATED, SENT, OPENED, STARTED)

SEND, OPEN, SAVE, SUBMIT, CANCEL, WITHDRAW, EXPIRE = (
    "send", "open", "save", "submit", "cancel", "withdraw", "expire")
EVENTS = (SEND, OPEN, SAVE, SUBMIT, CANCEL, WITHDRAW, EXPIRE)

# event -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    SEND: ((CREATED,), SENT),
    OPEN: ((CREATED, SENT), OPENED),
    SAVE: (BEFORE_SUBMISSION, STARTED),
    SUBMIT: (LIVE, SUBMITTED),
    CANCEL: ((CREATED,), CANCELLED),
    WITHDRAW: (BEFORE_SUBMISSION, WITHDRAWN),
    EXPIRE: (BEFORE_SUBMISSION, EXPIRED),
}


def allowed_from(event: str) -> tuple[str, ...]:
    """The states from which ``event`` is allowed."""
    return TRANSITIONS[event][0]


def next_state(state: str, event: str) -> str | None:
    """The state after ``event``, or None when the event is forbidden in ``state``."""
    sources, target = TRANSITIONS[event]
    return target if state in sources else None


def accepts_response(state: str) -> bool:
    """Whether an invitation in ``state`` may take a (partial or final) response."""
    return state in LIVE
