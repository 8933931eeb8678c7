"""Partner Pulse: Chalice entry point. Registers blueprints and schedules; nothing else of substance."""
import os

from chalice import Chalice, Rate

from chalicelib.jobs.reminders import reminder_jobs
from chalicelib.logging_setup import configure_logging
from chalicelib.web.actions_api import actions_api
from chalicelib.web.api import api
from chalicelib.web.dashboard import dashboard
from chalicelib.web.events_api import events_api
from chalicelib.web.form import form
from chalicelib.web.mail_links import mail_links
from chalicelib.web.moments_pages import moments_pages
from chalicelib.web.plans_pages import plans_pages
from chalicelib.web.request_guard import install_request_guard
from chalicelib.web.security_headers import install_security_headers
from chalicelib.web.staff_api import EXPORT_BINARY_TYPES, staff_api
from chalicelib.web.staff_signin import staff_signin

app = Chalice(app_name="partner-pulse")
app.register_blueprint(api)
app.register_blueprint(form)
app.register_blueprint(mail_links)
app.register_blueprint(reminder_jobs)
app.register_blueprint(staff_api)
app.register_blueprint(actions_api)
app.register_blueprint(dashboard)
app.register_blueprint(plans_pages)
app.register_blueprint(staff_signin)
app.register_blueprint(events_api)
app.register_blueprint(moments_pages)
app.api.binary_types.extend(EXPORT_BINARY_TYPES)
install_security_headers(app)  # outermost: its headers go on the guard's refusals too
install_request_guard(app)
configure_logging(app)

# Chalice reads schedule expressions when it imports this file (deploy/package), so the cron is an
# environment variable there; `python -m devtools.report_schedule STAGE` prints a stage's value.
REPORT_SCHEDULE = os.environ.get("PULSE_REPORT_SCHEDULE", "cron(0 7 ? * MON *)")


@app.schedule(REPORT_SCHEDULE, name="leadership_report", description="Leadership summary e-mail")
def leadership_report(event):
    """Build, archive and send the due leadership summaries (chalicelib/services/reporting.py)."""
    from chalicelib.reports.job import run_report_schedule

    return run_report_schedule(event)


@app.schedule(Rate(1, unit=Rate.HOURS), name="refresh_results", description="Results snapshot and follow-ups")
def refresh_results(event):
    """Recompute the results snapshot of open waves and create missing follow-ups."""
    from chalicelib.jobs.results_refresh import refresh_results_snapshots

    return refresh_results_snapshots(event)


@app.schedule(Rate(1, unit=Rate.DAYS), name="alerts_check", description="Alert rules against published results")
def alerts_check(event):
    """Mail the alert rules' findings (PULSE_ALERT_RULES) to their subscribers (chalicelib/jobs/alerts_check.py);
    the deployed schedule is the AlertSchedule parameter."""
    from chalicelib.jobs.alerts_check import handle_scheduled_event

    return handle_scheduled_event(event.to_dict())


@app.schedule(Rate(1, unit=Rate.DAYS), name="share_views", description="Saved views e-mailed to colleagues")
def share_views(event):
    """Saved views shared weekly or monthly, read with each recipient's scope (chalicelib/jobs/share_views.py)."""
    from chalicelib.jobs.share_views import handle_scheduled_event

    return handle_scheduled_event(event.to_dict())


@app.lambda_function(name="refresh_wave")
def refresh_wave(event, context):
    """One wave's snapshot refresh, invoked asynchronously by the API (chalicelib/jobs/snapshot_refresh.py)."""
    from chalicelib.jobs.snapshot_refresh import handle_refresh_event

    return handle_refresh_event(event)


@app.lambda_function(name="ses_feedback")
def ses_feedback(event, context):
    """SES bounces/complaints from SNS into the suppression list (chalicelib/jobs/ses_feedback.py)."""
    from chalicelib.jobs.ses_feedback import handle_sns_event

    return handle_sns_event(event)


@app.schedule(Rate(15, unit=Rate.MINUTES), name="send_due_pulses", description="Transactional pulses")
def send_due_pulses(event):
    """Send the due transactional pulses within the fatigue rules (chalicelib/jobs/pulses.py)."""
    from chalicelib.jobs.pulses import run_pulse_sender

    return run_pulse_sender(event.to_dict(), event.context)


@app.on_cw_event({"detail-type": ["partner-pulse.event"]}, name="program_events")
def program_events(event):
    """Program events from an EventBridge bus: the same handler code as POST /api/v1/events."""
    from chalicelib.jobs.pulses import handle_bus_event

    return handle_bus_event(event.to_dict())


# A placeholder: the packaged template points this event source at the stack table's StreamArn
# (deploy/template.py, stream_event_source); `chalice local` never runs stream handlers.
TABLE_STREAM_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/pulse/stream/placeholder"


@app.on_dynamodb_record(stream_arn=TABLE_STREAM_ARN, batch_size=100, name="results_stream")
def results_stream(event):
    """Fresh results: changed responses -> follow-ups now, snapshot rebuild when due."""
    from chalicelib.jobs.results_stream import handle_stream_event

    return handle_stream_event(event.to_dict())
