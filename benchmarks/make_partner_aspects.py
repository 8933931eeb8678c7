"""Write ``analysis/data/eval/partner_aspects.tsv``: partner-style comments with a tone per theme.

Hand-written clauses (one positive and one negative per theme and language, below) are paired into
comments of two themes with opposite tones, joined by a sentence break or a contrast word of the
language; each theme's gold tone is the tone its clause was written with. Six themes × 15 theme pairs
× 2 tone orders per language would be 30 comments; all 30 are kept for en, es, de and ja (120).
The file is committed; this script documents how it was made and rewrites it identically.

    .venv/bin/python -m benchmarks.make_partner_aspects
"""
from __future__ import annotations

from itertools import combinations
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "analysis" / "data" / "eval" / "partner_aspects.tsv"

CLAUSES = {
    "en": {
        "partner_portal": ("the partner portal is fast and easy to use",
                           "the partner portal is slow and keeps crashing"),
        "incentives_payouts": ("rebate payouts now arrive on time", "incentive payouts are late every single quarter"),
        "enablement_training": ("the certification training was excellent",
                                "the training webinars are useless and outdated"),
        "technical_support": ("the support team solved our issue within hours",
                              "the support team never answers, it is awful"),
        "pricing_margins": ("pricing is fair and our margin is healthy",
                            "the latest price increase destroyed our margin"),
        "account_management": ("our account manager is helpful and responsive",
                               "our account manager ignores our emails"),
    },
    "es": {
        "partner_portal": ("el portal de socios es rápido y fácil de usar",
                           "el portal de socios es lento y falla constantemente"),
        "incentives_payouts": ("el incentivo llega siempre a tiempo y es generoso",
                               "el incentivo siempre llega tarde y mal"),
        "enablement_training": ("la formación fue excelente y muy útil", "la formación es inútil y anticuada"),
        "technical_support": ("el soporte técnico resolvió el problema en horas, genial",
                              "el soporte técnico nunca responde, es un desastre"),
        "pricing_margins": ("el precio es justo y el margen es muy bueno",
                            "la subida de precio destruyó nuestro margen"),
        "account_management": ("nuestro gerente de cuenta es muy atento y nos ayuda mucho",
                               "nuestro gerente de cuenta ignora nuestros correos"),
    },
    "de": {
        "partner_portal": ("das Partnerportal ist schnell und einfach zu bedienen",
                           "das Partnerportal ist langsam und stürzt ständig ab"),
        "incentives_payouts": ("die Auszahlung kommt immer pünktlich, super",
                               "die Auszahlung kommt immer zu spät, eine Katastrophe"),
        "enablement_training": ("die Schulung war hervorragend und sehr hilfreich",
                                "die Schulung ist nutzlos und veraltet"),
        "technical_support": ("der Kundensupport hat unser Problem schnell gelöst, danke",
                              "der Kundensupport antwortet nie, das ist ärgerlich"),
        "pricing_margins": ("die Preise sind fair und die Marge ist gut",
                            "die Preiserhöhung hat unsere Marge ruiniert"),
        "account_management": ("unser Partnermanager ist sehr hilfsbereit und schnell",
                               "unser Partnermanager ignoriert unsere E-Mails"),
    },
    "ja": {
        "partner_portal": ("ポータルはとても使いやすくて便利です", "ポータルは遅くて使いにくいです"),
        "incentives_payouts": ("インセンティブはいつも期日通りに支払われて助かります",
                               "インセンティブの支払いがいつも遅れて非常に不満です"),
        "enablement_training": ("研修はとても分かりやすくて役に立ちました", "研修は内容が古くて役に立ちません"),
        "technical_support": ("サポート窓口の対応は迅速で丁寧です", "サポート窓口は返事がなく本当に困っています"),
        "pricing_margins": ("価格は妥当で利益率も良いです", "値上げのせいで利益率が大きく下がりました"),
        "account_management": ("担当営業はとても親切で頼りになります", "担当営業は連絡をくれず不満です"),
    },
}
JOINS = {
    "en": ("{a}, but {b}.", "{A}. However, {b}.", "{A}; {b}.", "{A}. {B}."),
    "es": ("{a}, pero {b}.", "{A}. Sin embargo, {b}.", "{A}; {b}.", "{A}. {B}."),
    "de": ("{a}, aber {b}.", "{A}; {b}.", "{A}. {B}.", "{a}, doch {b}."),
    "ja": ("{a}が、{b}。", "{a}。{b}。", "{a}。しかし、{b}。", "{a}けど、{b}。"),
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def comments() -> list[tuple[str, str, dict[str, str]]]:
    """(language, comment, {theme: gold tone}) of every composed comment."""
    out = []
    for language, clauses in CLAUSES.items():
        k = 0
        for first, second in combinations(clauses, 2):
            for tones in (("positive", "negative"), ("negative", "positive")):
                a = clauses[first][tones[0] == "negative"]
                b = clauses[second][tones[1] == "negative"]
                join = JOINS[language][k % len(JOINS[language])]
                k += 1
                text = join.format(a=_cap(a), A=_cap(a), b=b, B=_cap(b))
                out.append((language, text, {first: tones[0], second: tones[1]}))
    return out


def main() -> None:
    lines = ["# language<TAB>comment<TAB>theme=tone;theme=tone  (composed from hand-written clauses: see",
             "# benchmarks/make_partner_aspects.py and SOURCES.md; written for this project, same licence as the code)"]
    for language, text, gold in comments():
        lines.append(f"{language}\t{text}\t" + ";".join(f"{t}={v}" for t, v in gold.items()))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines) - 2} comments)")


if __name__ == "__main__":
    main()
