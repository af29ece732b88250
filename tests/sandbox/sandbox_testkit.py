"""Constants shared by the sandbox tests (a uniquely named module: conftest names collide)."""

import datetime as dt

AS_OF = dt.date(2025, 3, 15)
HUBSPOT_HEADERS = {"Authorization": "Bearer sandbox-hubspot-token"}
AIRCALL_AUTH = ("sandbox-aircall-id", "sandbox-aircall-token")
