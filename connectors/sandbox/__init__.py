"""Offline simulator of the HubSpot and Aircall APIs over a synthetic French SME."""

from connectors.sandbox.business import Business
from connectors.sandbox.config import (
    AIRCALL_API_ID,
    AIRCALL_API_TOKEN,
    HUBSPOT_TOKEN,
    SandboxConfig,
)
from connectors.sandbox.runner import RunningSandbox, sandbox_env, serve_forever, start_sandbox

__all__ = [
    "AIRCALL_API_ID",
    "AIRCALL_API_TOKEN",
    "HUBSPOT_TOKEN",
    "Business",
    "RunningSandbox",
    "SandboxConfig",
    "sandbox_env",
    "serve_forever",
    "start_sandbox",
]
