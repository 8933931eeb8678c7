"""Partner Pulse: Chalice entry point. Registers blueprints; nothing else of substance."""
from chalice import Chalice

from chalicelib.jobs.reminders import reminder_jobs
from chalicelib.logging_setup import configure_logging
from chalicelib.web.api import api
from chalicelib.web.form import form
from chalicelib.web.mail_links import mail_links
from chalicelib.web.security_headers import install_security_headers

app = Chalice(app_name="partner-pulse")
app.register_blueprint(api)
app.register_blueprint(form)
app.register_blueprint(mail_links)
app.register_blueprint(reminder_jobs)
install_security_headers(app)
configure_logging(app)
