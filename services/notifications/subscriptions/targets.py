"""Which URLs a webhook may point at: https, and never into the private network unless allowed (SSRF).

Checked when a subscription is made and again before every attempt (a name may resolve elsewhere
later). Refusals name the rule broken, never the URL or the address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from backbone.settings import Settings

MAX_URL_LENGTH = 2000


class TargetRefused(ValueError):
    """The target breaks a rule; `type` is a stable code, the message says which rule."""

    def __init__(self, type_: str, message: str) -> None:
        super().__init__(message)
        self.type = type_


@dataclass(frozen=True)
class TargetRules:
    allow_loopback: bool = False  # tests and development: http://127.0.0.1:PORT receivers
    allow_private_networks: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> TargetRules:
        """WEBHOOK_ALLOW_LOOPBACK and WEBHOOK_ALLOW_PRIVATE_NETWORKS."""
        return cls(settings.webhook_allow_loopback, settings.webhook_allow_private_networks)


def _host_of(url: str) -> tuple[str, str]:
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused("url_too_long", f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a bad port raises here)
    except ValueError:
        raise TargetRefused("url_parsing", "must be an absolute http(s) URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise TargetRefused("url_scheme", "must be an absolute https URL")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("url_credentials", "must not carry credentials; the signature authenticates")
    if parts.fragment:
        raise TargetRefused("url_fragment", "must not have a fragment")
    return parts.scheme, parts.hostname


def _kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "loopback"
    if address.is_private or address.is_link_local or address.is_reserved or address.is_multicast:
        return "private"
    if address.is_unspecified or not address.is_global:
        return "private"
    return "public"


async def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused("url_unresolvable", "the host name does not resolve") from None
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


async def check_target(url: str, rules: TargetRules) -> None:
    """Raise TargetRefused unless the URL may receive deliveries under these rules."""
    scheme, host = _host_of(url)
    kinds = {_kind(address) for address in await _addresses(host)}
    if "loopback" in kinds and not rules.allow_loopback:
        raise TargetRefused("url_loopback", "must not point to this machine (loopback)")
    if "private" in kinds and not rules.allow_private_networks:
        raise TargetRefused("url_private_network", "must not point to a private or reserved network address")
    # Plain http only to loopback receivers (tests, development): on the network, payloads and
    # signatures are never sent in the clear.
    if scheme != "https" and kinds != {"loopback"}:
        raise TargetRefused("url_scheme", "must use https (http only to an allowed loopback receiver)")
