"""Webhook targets: https to public addresses; loopback and private networks only when allowed (SSRF);
refusals name the rule, never the URL."""

import pytest

from services.notifications.subscriptions.targets import TargetRefused, TargetRules, check_target

STRICT = TargetRules()
DEVELOPMENT = TargetRules(allow_loopback=True)


@pytest.mark.parametrize(
    ("url", "rules", "kind"),
    [
        ("http://203.0.113.10/hooks", STRICT, "url_private_network"),  # documentation range: reserved
        ("http://8.8.8.8/hooks", STRICT, "url_scheme"),
        ("ftp://8.8.8.8/hooks", STRICT, "url_scheme"),
        ("hooks.example", STRICT, "url_scheme"),
        ("https://127.0.0.1/hooks", STRICT, "url_loopback"),
        ("https://[::1]:8443/hooks", STRICT, "url_loopback"),
        ("https://10.1.2.3/hooks", STRICT, "url_private_network"),
        ("https://192.168.0.7/hooks", DEVELOPMENT, "url_private_network"),
        ("https://169.254.169.254/latest/meta-data", STRICT, "url_private_network"),
        ("https://[::ffff:10.0.0.1]/hooks", STRICT, "url_private_network"),
        ("https://user:pw@8.8.8.8/hooks", STRICT, "url_credentials"),
        ("https://8.8.8.8:99999/hooks", STRICT, "url_parsing"),
        ("https://8.8.8.8/" + "a" * 2001, STRICT, "url_too_long"),
    ],
)
async def test_refused_targets_name_the_rule_not_the_value(url: str, rules: TargetRules, kind: str) -> None:
    with pytest.raises(TargetRefused) as refused:
        await check_target(url, rules)
    assert refused.value.type == kind
    assert "8.8" not in str(refused.value) and "10." not in str(refused.value)


async def test_public_https_and_allowed_loopback_http_are_accepted() -> None:
    await check_target("https://8.8.8.8/hooks", STRICT)
    await check_target("http://127.0.0.1:8999/hooks", DEVELOPMENT)
    await check_target("https://10.1.2.3/hooks", TargetRules(allow_private_networks=True))
