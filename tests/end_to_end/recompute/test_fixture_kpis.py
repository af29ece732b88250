"""The checker checked: recomputed KPIs on the hand-made fixture against hand-computed values."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from . import fixture
from .agents import agent_key
from .channels import crm_channel, line_channel, normalise_phone
from .compare import diff
from .deletes import final_survivor
from .kpis_customers import customer_key
from .loader import load_raw
from .model import Warehouse, build_warehouse
from .tables import BY_NAME

LEA = agent_key("lea.dubois@example.com", "")
SAM = agent_key("sam@example.com", "")
MARC = agent_key("marc@example.com", "")
NOMAIL = "aircall_user_503"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    path = tmp_path_factory.mktemp("fixture") / "raw.duckdb"
    fixture.write_fixture(path)
    with duckdb.connect(str(path), read_only=True) as con:
        raw = load_raw(con)
    yield build_warehouse(raw, fixture.settings())


def rows(w: Warehouse, table: str) -> list[dict]:
    spec = BY_NAME[table]
    return [dict(zip(spec.columns, r, strict=True)) for r in spec.compute(w)]


def test_phone_normalisation_drops_anonymous_and_keeps_both_formats() -> None:
    # given two formats of French numbers and non-numbers
    # then both formats reach E.164, and non-numbers match nothing
    assert normalise_phone("06 11 11 11 11", "FR") == "+33611111111"
    assert normalise_phone("+33 6 11 11 11 11", "FR") == "+33611111111"
    assert normalise_phone("anonymous", "FR") is None
    assert normalise_phone("", "FR") is None
    assert normalise_phone("+33 7 22 22 22 22", "FR") is None  # not a valid number


def test_channels_follow_number_type_seed_and_crm_source() -> None:
    settings = fixture.settings()
    assert line_channel("+33800123456", settings).channel == "phone_toll_free"
    mapped = line_channel("+33970123456", settings)
    assert (mapped.group, mapped.channel, mapped.label) == (
        "phone",
        "campaign_radio_2026",
        "Radio campaign 2026",
    )
    assert crm_channel("PAID_SEARCH").label == "CRM: Paid search"
    assert crm_channel(None).channel == "unknown"


def test_agents_unify_owner_and_user_by_email_case_and_spaces(warehouse: Warehouse) -> None:
    assert warehouse.agents.of_owner("101") == warehouse.agents.of_user("501") == LEA
    assert warehouse.agents.dims(LEA) == (LEA, "Léa Dubois", "Inside Sales")
    assert warehouse.agents.dims(SAM) == (SAM, "Sam Support", "Night")  # lowest team id
    # no primary CRM team: the telephony twin's first team
    assert warehouse.agents.dims(MARC) == (MARC, "Marc Petit", "Support")
    assert warehouse.agents.dims(NOMAIL)[1] == "Nomail"


def test_first_touch_grace_is_24_hours(warehouse: Warehouse) -> None:
    leads = warehouse.leads
    assert leads["1"].channel.channel == "phone_toll_free"  # 2 h after creation
    assert leads["2"].channel.channel == "crm_organic_search"  # 30 h after creation
    assert leads["7"].channel.channel == "unknown"  # 25 h after, no CRM source
    assert leads["3"].channel.channel == "outbound_call"  # the company called first
    assert leads["4"].channel.channel == "campaign_radio_2026"
    # the first touch was missed: the first-touch agent is the first handled call's agent
    assert leads["1"].first_touch_agent == LEA
    assert leads["2"].first_touch_agent == SAM  # handled, though outside the grace


def test_leads_daily_speed_to_lead(warehouse: Warehouse) -> None:
    by_date = {r["date"]: r for r in rows(warehouse, "kpi_leads_daily")}
    # missed at 12:00, called back at 12:59 -> 3540 s, not within 5 min
    assert by_date[date(2026, 3, 2)]["response_seconds"] == 3540
    assert by_date[date(2026, 3, 2)]["leads_responded_within_5m"] == 0
    # created 22:10Z on the 23 h day is local 2026-03-30; response at 61 min
    assert by_date[date(2026, 3, 30)]["response_seconds"] == 3660
    # an answered first call responds after its wait (45 s)
    assert by_date[date(2026, 10, 25)]["response_seconds"] == 45
    assert by_date[date(2026, 10, 25)]["leads_responded_within_5m"] == 1
    # an outbound first touch has no speed to lead
    assert by_date[date(2026, 4, 1)]["leads_responded"] == 0
    # a non-primary contact of a won deal is still a won lead
    assert by_date[date(2026, 5, 2)]["leads_won"] == 1
    # 12 leads, plus the survivors C33 and C36 and the restored C39; deleted contacts are none;
    # plus the 8 messaging leads C50-C57 (fixture_messaging)
    assert sum(r["leads_created"] for r in by_date.values()) == 23
    assert by_date[date(2026, 9, 10)]["channel"] == "outbound_call"  # from a seed-mapped line
    # first call at exactly +24 h is a first touch; an outbound attempt at exactly 300 s responds
    assert (
        by_date[date(2026, 8, 3)]["channel"],
        by_date[date(2026, 8, 3)]["response_seconds"],
    ) == (
        "phone_geographic",
        300,
    )
    assert by_date[date(2026, 8, 3)]["leads_responded_within_5m"] == 1
    assert by_date[date(2026, 3, 30)]["leads_with_opportunity"] == 0  # its deal is archived


def test_calls_daily_callbacks_and_dst(warehouse: Warehouse) -> None:
    table = rows(warehouse, "kpi_calls_daily")
    keyed = {(r["date"], r["business_line"], r["agent_id"], r["direction"]): r for r in table}
    first = keyed[(date(2026, 3, 2), "+33800123456", "unassigned", "inbound")]
    assert (first["missed_calls"], first["voicemails"], first["missed_called_back_1h"]) == (1, 1, 1)
    late = keyed[(date(2026, 3, 30), "+33970123456", "unassigned", "inbound")]
    assert (late["missed_out_of_hours"], late["missed_called_back_1h"]) == (1, 0)  # 61 min
    assert late["missed_called_back_24h"] == 1
    anonymous = keyed[(date(2026, 3, 30), "+33800123456", "unassigned", "inbound")]
    assert anonymous["missed_called_back_24h"] == 0
    # 23:10Z on the 25 h day is local 2026-10-26; the answered call exactly 24 h later counts
    boundary = keyed[(date(2026, 10, 26), "+33187654321", "unassigned", "inbound")]
    assert (boundary["missed_called_back_1h"], boundary["missed_called_back_24h"]) == (0, 1)
    answered = keyed[(date(2026, 3, 5), "+33187654321", SAM, "inbound")]
    assert (answered["talk_seconds"], answered["wait_seconds"]) == (600, 40)
    assert sum(r["calls"] for r in table) == len(fixture.CALLS)  # anonymous + archived count


def test_sales_daily_totals_money_and_archived(warehouse: Warehouse) -> None:
    table = rows(warehouse, "kpi_sales_daily")
    # one archived (D15) and one gone (D35) of 21, plus D50 (won) and D53 (open) of messaging
    assert sum(r["opportunities_created"] for r in table) == 21
    assert sum(r["opportunities_won"] for r in table) == 15
    assert sum(r["opportunities_lost"] for r in table) == 1
    # 1200 (home currency) + 500 (no currency) + 920 (1000 USD) + 250 + 2000
    # + 117.59 (100.5 GBP x 1.17 = 117.585, half up) + 0 (no amount) + 400 + 50 + 333.33
    # + 310 + 700 + 340 + 400.40 (July: deals of deleted and merged contacts) + 500 (D50)
    assert sum(r["revenue_won"] for r in table) == Decimal("8021.32")
    closed = [r for r in table if r["opportunities_won"] and r["pipeline"] == "Sales Pipeline"]
    # closed 2026-03-28 23:30Z, still winter time: local 2026-03-29
    assert next(r for r in closed if r["revenue_won"] == 1200)["date"] == date(2026, 3, 29)
    lost = next(r for r in table if r["opportunities_lost"])
    assert (lost["agent_id"], lost["channel"]) == ("unassigned", "crm_organic_search")


def test_agent_credit_of_a_deal_with_two_contacts(warehouse: Warehouse) -> None:
    table = [r for r in rows(warehouse, "kpi_agent_credit_daily") if r["date"] == date(2026, 6, 1)]
    roles = {(r["credit_role"], r["agent_id"]): r["credited_revenue_won"] for r in table}
    assert roles[("owner", LEA)] == roles[("first_touch", LEA)] == 920.0
    assert roles[("last_touch", NOMAIL)] == 920.0  # a later call after close is ignored
    assists = {a: v for (role, a), v in roles.items() if role == "assist"}
    assert assists.keys() == {LEA, SAM, NOMAIL}
    assert sum(assists.values()) == pytest.approx(920.0, abs=1e-9)
    assert all(r["revenue_won"] == Decimal("920.00") for r in table)


def test_agent_credit_windows(warehouse: Warehouse) -> None:
    table = rows(warehouse, "kpi_agent_credit_daily")

    def roles(day: date) -> dict[tuple[str, str], dict]:
        return {(r["credit_role"], r["agent_id"]): r for r in table if r["date"] == day}

    # open deal D7 with a past expected close date: "now" bounds the last touch
    open_deal = roles(date(2026, 4, 2))
    assert ("last_touch", LEA) in open_deal and ("last_touch", SAM) not in open_deal
    assert {a for role, a in open_deal if role == "assist"} == {LEA, SAM}
    # D19: the primary's first handled call is after the close: no assist window
    late = roles(date(2026, 8, 15))
    assert set(late) == {("owner", LEA), ("first_touch", NOMAIL), ("last_touch", LEA)}
    assert late[("owner", LEA)]["revenue_won"] == Decimal("117.59")
    # D20: a non-primary contact handled before the window is no assist
    d20 = roles(date(2026, 8, 20))
    assert [k for k in d20 if k[0] == "assist"] == [("assist", LEA)]
    assert d20[("assist", LEA)]["credited_opportunities_won"] == 1.0


def test_targets_split_evenly_over_local_months(warehouse: Warehouse) -> None:
    keyed = {(r["month"], r["agent_id"]): r for r in rows(warehouse, "kpi_targets_monthly")}
    march = keyed[(date(2026, 3, 1), LEA)]
    assert (march["target_amount"], march["targets_met"], march["revenue_won"]) == (
        Decimal("1000.00"),
        1,
        Decimal("1200.00"),
    )
    assert keyed[(date(2026, 4, 1), LEA)]["targets_met"] == 0
    assert keyed[(date(2026, 6, 1), LEA)]["targets_set"] == 0  # a won deal, no target
    # a goal ending 23:59Z on June 30 ends on July 1 local time: split over June and July
    assert keyed[(date(2026, 7, 1), MARC)]["target_amount"] == Decimal("250.00")
    # a third of 1000 ships as 333.33, and revenue of 333.33 meets it
    september = keyed[(date(2026, 9, 1), MARC)]
    assert (september["target_amount"], september["targets_met"]) == (Decimal("333.33"), 1)
    # a deal of an archived duplicate owner (same e-mail) is Léa's, named by the active owner
    assert keyed[(date(2026, 9, 1), LEA)]["revenue_won"] == Decimal("50.00")
    assert keyed[(date(2026, 9, 1), LEA)]["agent_name"] == "Léa Dubois"


def test_customers_retention_and_cohorts(warehouse: Warehouse) -> None:
    customers = {r["customer_key"]: r for r in rows(warehouse, "kpi_customers")}
    repeat = customers[customer_key("1", fixture.KEY)]
    assert (repeat["orders"], repeat["revenue"], repeat["is_repeat_customer"]) == (
        2,
        Decimal("1700.00"),
        1,
    )
    assert customers[customer_key("6", fixture.KEY)]["owner_agent_id"] == MARC
    # won deals with a contact; D22's only contact is absent from the raw layer, D31's is gone;
    # D50 is the messaging lead C50's
    assert sum(r["orders"] for r in customers.values()) == 11
    retention = {(r["month"], r["channel"]): r for r in rows(warehouse, "kpi_retention_monthly")}
    may = retention[(date(2026, 5, 1), "phone_toll_free")]
    assert (may["returning_customers"], may["customers_base"]) == (1, 1)
    assert retention[(date(2026, 11, 1), "phone_toll_free")]["customers_base"] == 2
    # an order in February 2025 is in the base of February 2026 (12 months), not March
    assert retention[(date(2026, 2, 1), "crm_organic_search")]["customers_base"] == 1
    assert (date(2026, 3, 1), "crm_organic_search") not in retention
    cohorts = rows(warehouse, "kpi_customer_cohorts")
    # cohorts Feb 2025 (22 months to Nov 2026), Mar (9), Jun (6), Jul (5), Aug (4), Oct (2)
    assert len(cohorts) == 22 + 9 + 6 + 5 + 4 + 2
    assert {r["cohort_customers"] for r in cohorts if r["cohort_month"] == date(2026, 8, 1)} == {2}


def test_deleted_contacts_are_no_leads_but_their_calls_count(warehouse: Warehouse) -> None:
    # given archived (30, 38), gone (31) and merged-away (32, 34, 35, 37) contacts
    # then only survivors and the restored contact are leads
    july = {cid for cid in warehouse.leads if cid in {str(n) for n in range(30, 41)}}
    assert july == {"33", "36", "39"}
    # and every call still counts, the archived contact's answered call included
    table = rows(warehouse, "kpi_calls_daily")
    first_july = [r for r in table if r["date"] == date(2026, 7, 1)]
    assert sum(r["calls"] for r in first_july) == 2
    assert sum(r["answered_calls"] for r in first_july) == 1


def test_a_merged_contacts_phones_deals_and_calls_belong_to_its_survivor(
    warehouse: Warehouse,
) -> None:
    leads = warehouse.leads
    # C32's call (its phone) is C33's first touch, answered by Sam after 20 s
    assert leads["33"].first_touch is not None and leads["33"].first_touch.interaction_id == "32"
    assert (leads["33"].channel.channel, leads["33"].first_touch_agent) == ("phone_geographic", SAM)
    # the chain 34 -> 35 -> 36: C34's outbound call is C36's first touch
    assert (leads["36"].channel.channel, leads["36"].first_touch_agent) == ("outbound_call", MARC)
    primary = {
        o.deal.id: o.primary.contact.id if o.primary else None for o in warehouse.opportunities
    }
    assert (primary["32"], primary["33"], primary["34"], primary["40"]) == ("33", "33", "36", "36")
    assert (primary["31"], primary["37"], primary["39"]) == (None, None, "39")
    assert "35" not in primary  # found gone at the vendor
    d33 = next(o for o in warehouse.opportunities if o.deal.id == "33")
    assert len(d33.leads) == 1  # it named C32 and C33: one lead
    customers = {r["customer_key"]: r for r in rows(warehouse, "kpi_customers")}
    assert customers[customer_key("33", fixture.KEY)]["revenue"] == Decimal("700.00")
    assert customers[customer_key("36", fixture.KEY)]["orders"] == 2
    assert customer_key("32", fixture.KEY) not in customers


def test_final_survivor_follows_chains_and_settles_ties_by_lowest_id() -> None:
    # given "merged into" links: a chain, a contact absorbed by two survivors, and a cycle
    absorbed_by = {"1": {"2"}, "2": {"3"}, "4": {"6", "5"}, "7": {"8"}, "8": {"7"}}
    # then chains run to the end, two ends give the lowest id, a cycle its lowest id
    assert [final_survivor(c, absorbed_by) for c in ("1", "2", "3")] == ["3", "3", "3"]
    assert final_survivor("4", absorbed_by) == "5"
    assert (final_survivor("7", absorbed_by), final_survivor("8", absorbed_by)) == ("7", "7")


def test_diff_reports_missing_changed_and_share_tolerance() -> None:
    spec = BY_NAME["kpi_customer_cohorts"]
    expected = [(date(2026, 3, 1), 0, 1, 1, Decimal("10.00")), (date(2026, 3, 1), 1, 1, 0, 0)]
    actual = [(date(2026, 3, 1), 0, 1, 1, 10.004)]
    problems = diff(spec, expected, actual)
    assert len(problems) == 1 and problems[0].startswith("missing in mart")
    changed = diff(spec, expected[:1], [(date(2026, 3, 1), 0, 1, 2, 10.0)])
    assert "active_customers: expected 1 got 2" in changed[0]


def test_fixture_raw_layer_has_the_contract_columns(tmp_path: Path) -> None:
    path = tmp_path / "raw.duckdb"
    fixture.write_fixture(path)
    with duckdb.connect(str(path), read_only=True) as con:
        columns = [c[0] for c in con.execute("describe raw_aircall.calls").fetchall()]
    assert columns == [
        "id",
        "record",
        "modified_at",
        "is_archived",
        "_loaded_at",
        "_run_id",
        "_deleted_at",
    ]
