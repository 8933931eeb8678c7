"""A non-default program: silver/gold/platinum tiers and custom regions."""
from __future__ import annotations

METAL_PROGRAM = {
    "version": 1,
    "name": "Metal partner network",
    "sender_name": "Metal Partner Team",
    "revenue_currency": "EUR",
    "tiers": [{"id": "silver", "label": "Silver", "order": 1},
              {"id": "platinum", "label": "Platinum", "order": 3},
              {"id": "gold", "label": "Gold", "order": 2}],
    "regions": [{"id": "NORTH", "label": "Nordics"}, {"id": "DACH", "label": "Germany, Austria, Switzerland"}],
    "partner_types": [{"id": "reseller", "label": "Reseller"}, {"id": "msp", "label": "Managed service provider"}],
    "programs": [{"id": "co_marketing", "label": "Co-marketing"}, {"id": "deal_desk", "label": "Deal desk"}],
    "themes": {"pricing": {"label": "Pricing", "phrases": {"en": ["price", "pricing"], "de": ["preis"]}}},
}

METAL_CSV_HEADER = ("partner_id,name,tier,region,country,partner_types,transacting,annual_revenue,programs,"
                    "account_manager_email,contact_name,contact_email,contact_language")


def metal_csv(rows: int = 6) -> str:
    """Partners spread over the metal tiers (two per tier) and both regions."""
    tiers = ["silver", "gold", "platinum"]
    lines = [METAL_CSV_HEADER]
    for n in range(1, rows + 1):
        lines.append(f"M{n:03d},Metal {n},{tiers[(n - 1) % 3]},{'NORTH' if n % 2 else 'DACH'},SE,"
                     f"{'msp' if n % 2 else 'reseller'},yes,{n * 10000},co_marketing,am@vendor.example,"
                     f"Contact {n},c{n}@metal{n}.example,en")
    return "\n".join(lines) + "\n"


def write(path, data):
    """``data`` as YAML at ``path`` (returned)."""
    import yaml

    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
