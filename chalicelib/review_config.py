"""Settings of the experience-team review area, read from the environment on first use."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewSettings:
    staff_token_secret: str
    auth_mode: str                 # "token" (signed bearer tokens) or "cognito" (AWS stages)
    secure_cookies: bool
    followup_sla_days: int
    min_scores: int                # suppression threshold for score cells
    min_comments: int              # suppression threshold for comment cells
    min_partners: int = 3          # distinct partners a published cell, theme, quote or comparison needs
    min_changes: int = 0           # changed responses before restricted readers see a group move (0: min_scores)
    followup_rules_json: str = ""  # PULSE_FOLLOWUP_RULES: follow-up rules per survey id (JSON)
    live_rebuild_interval_s: int = 20  # PULSE_LIVE_REBUILD_SECONDS: at most one rebuild per wave per interval
    summary_release_interval_s: int = 600  # PULSE_SUMMARY_RELEASE_INTERVAL_S: least seconds between summary plans

    @property
    def followup_rules(self) -> dict:
        """Parsed follow-up rules per survey id (``chalicelib.services.followup_rules``)."""
        from chalicelib.services.followup_rules import parse_rules

        return parse_rules(self.followup_rules_json)

    @classmethod
    def from_environment(cls, environ: dict | None = None) -> ReviewSettings:
        env = os.environ if environ is None else environ
        stage = env.get("PULSE_STAGE", "local")
        return cls(
            # its own secret; falls back to the invitation key only on local/test (AWS stages use Cognito)
            staff_token_secret=env.get("PULSE_STAFF_TOKEN_SECRET") or (
                env.get("PULSE_TOKEN_SECRET", "") if stage in ("local", "test") else ""),
            # Cognito on the AWS stages; pasted staff tokens only on local and test (staff_auth).
            auth_mode=env.get("PULSE_AUTH_MODE") or ("cognito" if stage in ("dev", "prod") else "token"),
            secure_cookies=stage not in ("local", "test"),
            followup_sla_days=int(env.get("PULSE_FOLLOWUP_SLA_DAYS", "5")),
            min_scores=int(env.get("PULSE_SUPPRESS_MIN_SCORES", "5")),
            min_comments=int(env.get("PULSE_SUPPRESS_MIN_COMMENTS", "8")),
            min_partners=int(env.get("PULSE_SUPPRESS_MIN_PARTNERS", "3")),
            min_changes=int(env.get("PULSE_RELEASE_MIN_CHANGES", "0")),
            followup_rules_json=env.get("PULSE_FOLLOWUP_RULES", ""),
            live_rebuild_interval_s=int(env.get("PULSE_LIVE_REBUILD_SECONDS", "20")),
            summary_release_interval_s=int(env.get("PULSE_SUMMARY_RELEASE_INTERVAL_S", "600")),
        )
