"""Partner directory. Item: PK ``PARTNER#<id>``, SK ``PROFILE``; GSI1 ``PARTNERS`` lists them all."""
from __future__ import annotations

from decimal import Decimal

from chalicelib.domain.partners import Contact, Partner

from .table import DynamoTable


def partner_to_item(partner: Partner, now: str) -> dict:
    return {
        "PK": f"PARTNER#{partner.partner_id}", "SK": "PROFILE", "type": "partner",
        "GSI1PK": "PARTNERS", "GSI1SK": f"PARTNER#{partner.partner_id}",
        "partner_id": partner.partner_id, "name": partner.name, "tier": partner.tier,
        "region": partner.region, "country": partner.country,
        "partner_types": list(partner.partner_types), "transacting": partner.transacting,
        "annual_revenue": partner.annual_revenue, "revenue_band": partner.revenue_band,
        "programs": list(partner.programs), "account_manager_email": partner.account_manager_email,
        "contacts": [{"contact_id": c.contact_id, "name": c.name, "email": c.email,
                      "language": c.language} for c in partner.contacts],
        "updated_at": now,
    }


def partner_from_item(item: dict) -> Partner:
    revenue = item.get("annual_revenue")
    return Partner(
        partner_id=item["partner_id"], name=item["name"], tier=item["tier"],
        region=item["region"], country=item["country"],
        partner_types=tuple(item.get("partner_types", [])), transacting=bool(item["transacting"]),
        annual_revenue=Decimal(str(revenue)) if revenue is not None else None,
        revenue_band=item.get("revenue_band"), programs=tuple(item.get("programs", [])),
        account_manager_email=item["account_manager_email"],
        contacts=tuple(Contact(**c) for c in item.get("contacts", [])),
    )


class DynamoPartnerRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def get(self, partner_id: str) -> Partner | None:
        item = self.table.get(f"PARTNER#{partner_id}", "PROFILE")
        return partner_from_item(item) if item else None

    def all(self) -> list[Partner]:
        return [partner_from_item(item) for item in self.table.query_all("PARTNERS", index="GSI1")]

    def any_exist(self) -> bool:
        items, _ = self.table.query("PARTNERS", index="GSI1", page_size=1)
        return bool(items)

    def put_many(self, partners: list[Partner], now: str) -> int:
        return self.table.batch_put([partner_to_item(p, now) for p in partners])
