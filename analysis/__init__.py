"""Partner Pulse analysis engine: pandas + TextBlob, pure functions over tidy frames (no boto3).

Modules: ``frame`` (records -> tidy and respondent frames), ``stats`` (NPS, CSAT, intervals,
tests), ``suppression`` (confidentiality), ``drivers`` (Johnson's relative weights),
``sentiment`` and ``themes`` (comments), ``comments`` (per-segment comment summaries),
``scorecard`` (the stable JSON document the CLI, dashboard and reports share).
"""
