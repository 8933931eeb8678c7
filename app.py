"""Partner Pulse: Chalice entry point. Registers blueprints; nothing else of substance."""
from chalice import Chalice, Rate

from chalicelib.jobs.results_refresh import refresh_results_snapshots
from chalicelib.web.api import api
from chalicelib.web.dashboard import dashboard
from chalicelib.web.security_headers import install_security_headers
from chalicelib.web.staff_api import EXPORT_BINARY_TYPES, staff_api

app = Chalice(app_name="partner-pulse")
app.register_blueprint(api)
install_security_headers(app)
app.register_blueprint(staff_api)
app.register_blueprint(dashboard)
app.api.binary_types.extend(EXPORT_BINARY_TYPES)
app.schedule(Rate(1, unit=Rate.HOURS), name="refresh_results")(refresh_results_snapshots)
