"""Independent recomputation of the nine KPI marts from the raw layer, in plain Python.

Written from kpis.md and the "Warehouse conventions" of docs/architecture.md, never from the dbt
models. DuckDB only fetches the raw JSON records (`loader.py`); everything else is Python:
`agents` (one agent per e-mail), `deletes` (deleted and merged contacts), `conversations`
(messaging threads of Twilio Conversations and Aircall message webhooks), `interactions` (calls
and conversations), `attribution` (first touch, credit), `deals` (status, money), `kpis_*` (one
function per export table), `tables` (columns, grain), `compare` (row-by-row diff). `fixture*`
is a hand-made raw layer of edge cases whose KPIs are checked by hand in `test_fixture_kpis.py`
and `test_fixture_messaging_kpis.py`; `test_conversations_recompute.py` checks the messaging
rules on tiny hand-built inputs; `pipeline` builds the warehouses under test.
"""
