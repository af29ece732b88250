"""Settings: defaults, and the real-run check that names every missing variable."""

import pytest

from orchestration.settings import (
    MissingConfigurationError,
    missing_variables,
    require_real_run_configuration,
    setting,
)

FULL_ENVIRONMENT = {
    "HUBSPOT_ACCESS_TOKEN": "pat-eu1-secret",
    "AIRCALL_API_ID": "id",
    "AIRCALL_API_TOKEN": "token",
    "PII_HASH_KEY": "key",
}


def test_setting_falls_back_to_documented_default_when_unset_or_blank():
    assert setting("HUBSPOT_BASE_URL", {}) == "https://api.hubapi.com"
    assert setting("REPORTING_TIMEZONE", {"REPORTING_TIMEZONE": "  "}) == "Europe/Paris"
    assert setting("REPORTING_TIMEZONE", {"REPORTING_TIMEZONE": "America/New_York"}) == (
        "America/New_York"
    )


def test_require_real_run_configuration_passes_with_every_secret_set():
    require_real_run_configuration(FULL_ENVIRONMENT)


@pytest.mark.parametrize(
    "unset",
    [
        pytest.param(["HUBSPOT_ACCESS_TOKEN"], id="hubspot-token"),
        pytest.param(["AIRCALL_API_ID", "AIRCALL_API_TOKEN"], id="aircall-pair"),
        pytest.param(list(FULL_ENVIRONMENT), id="everything"),
    ],
)
def test_require_real_run_configuration_names_every_missing_variable(unset):
    # given
    environment = {name: value for name, value in FULL_ENVIRONMENT.items() if name not in unset}
    # when
    with pytest.raises(MissingConfigurationError) as raised:
        require_real_run_configuration(environment)
    # then
    message = str(raised.value)
    for name in unset:
        assert name in message
    assert "--sandbox" in message


def test_a_partly_configured_source_names_only_its_missing_credentials():
    environment = dict(FULL_ENVIRONMENT, AIRCALL_API_TOKEN="")
    assert [item.name for item in missing_variables(environment)] == ["AIRCALL_API_TOKEN"]


def test_a_run_needs_a_crm_and_a_telephony_or_messaging_source():
    # given: only a telephony source has credentials
    environment = {name: value for name, value in FULL_ENVIRONMENT.items() if "HUBSPOT" not in name}
    # when
    with pytest.raises(MissingConfigurationError) as raised:
        require_real_run_configuration(environment)
    # then: the message says which kind is missing and how to enable one of each CRM
    message = str(raised.value)
    assert "no CRM source is enabled" in message
    assert "HUBSPOT_ACCESS_TOKEN" in message and "telephony" not in message.split("no CRM")[0]


def test_sources_names_the_enabled_sources_and_rejects_unknown_ones():
    environment = dict(FULL_ENVIRONMENT, SOURCES="hubspot,nosuchvendor")
    with pytest.raises(MissingConfigurationError) as raised:
        require_real_run_configuration(environment)
    assert "unknown source 'nosuchvendor'" in str(raised.value)


def test_require_real_run_configuration_never_echoes_secret_values():
    environment = dict(FULL_ENVIRONMENT, AIRCALL_API_TOKEN="")
    with pytest.raises(MissingConfigurationError) as raised:
        require_real_run_configuration(environment)
    assert "pat-eu1-secret" not in str(raised.value)
