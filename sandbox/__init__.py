"""Offline simulator of the HubSpot and Aircall APIs over a synthetic French SME."""

from sandbox.config import (
    AIRCALL_API_ID,
    AIRCALL_API_TOKEN,
    HUBSPOT_TOKEN,
    SandboxConfig,
)
from sandbox.runner import RunningSandbox, sandbox_env, serve_forever, start_sandbox
from sandbox.world.business import Business

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
