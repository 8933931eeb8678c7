"""Phrasebank for demo comments: partner-program topics, in four languages and three tones."""
from __future__ import annotations

# topic -> tone -> language -> sentences. Tones: positive, negative, mixed.
COMMENTS: dict[str, dict[str, dict[str, list[str]]]] = {
    "deal_registration": {
        "positive": {
            "en": ["Deal registration is fast now and approvals come back within a day.",
                   "Deal registration protects our margin; approvals are quick and predictable."],
            "es": ["El registro de oportunidades ahora es rápido y la aprobación llega en un día."],
            "de": ["Die Deal-Registrierung ist jetzt schnell, Freigaben kommen innerhalb eines Tages."],
            "ja": ["案件登録が速くなり、承認も1日以内に届きます。"],
        },
        "negative": {
            "en": ["Deal registration takes weeks to approve and we lose deals to direct sales.",
                   "Deal registration is slow and rejected registrations are never explained.",
                   "Our registered deals were taken by the direct team; channel conflict is getting worse."],
            "es": ["El registro de oportunidades tarda semanas y perdemos negocios frente a la venta directa."],
            "de": ["Die Deal-Registrierung dauert Wochen und wir verlieren Deals an den Direktvertrieb."],
            "ja": ["案件登録の承認に数週間かかり、直販に案件を奪われています。"],
        },
        "mixed": {
            "en": ["Deal registration works for big deals, but small deals get stuck in approval."],
            "es": ["El registro funciona para grandes negocios, pero los pequeños se quedan atascados."],
            "de": ["Die Deal-Registrierung klappt bei großen Deals, kleine Deals bleiben hängen."],
            "ja": ["大型案件の登録は問題ありませんが、小規模案件は承認で止まります。"],
        },
    },
    "incentives_payouts": {
        "positive": {
            "en": ["Incentive payouts arrive on time and the rebate statements are clear.",
                   "The new incentive structure rewards services work, great change."],
            "es": ["Los pagos de incentivos llegan a tiempo y los informes son claros."],
            "de": ["Die Incentive-Auszahlungen kommen pünktlich und die Abrechnungen sind klar."],
            "ja": ["インセンティブの支払いが期日どおりで、明細も分かりやすいです。"],
        },
        "negative": {
            "en": ["Incentive payouts are late again, some rebates took over 120 days.",
                   "Nobody can explain how the incentive payouts are calculated; claims get rejected.",
                   "Payouts are slow and the claim process is painful."],
            "es": ["Los pagos de incentivos vuelven a llegar tarde; algunos reembolsos tardaron más de 120 días."],
            "de": ["Die Incentive-Auszahlungen kommen wieder zu spät, manche Rückvergütungen dauerten über 120 Tage."],
            "ja": ["インセンティブの支払いがまた遅れており、120日以上かかったリベートもあります。"],
        },
        "mixed": {
            "en": ["Incentives are generous, but the payouts are too slow."],
            "es": ["Los incentivos son generosos, pero los pagos son demasiado lentos."],
            "de": ["Die Incentives sind großzügig, aber die Auszahlungen sind zu langsam."],
            "ja": ["インセンティブは手厚いですが、支払いが遅すぎます。"],
        },
    },
    "partner_portal": {
        "positive": {
            "en": ["The new partner portal is much easier to use and search finally works.",
                   "Love the redesigned portal, quoting takes minutes now."],
            "es": ["El nuevo portal de partners es mucho más fácil de usar."],
            "de": ["Das neue Partnerportal ist viel einfacher zu bedienen."],
            "ja": ["新しいパートナーポータルはとても使いやすくなりました。"],
        },
        "negative": {
            "en": ["The partner portal is confusing and slow; I can never find the price lists.",
                   "Portal logins break every week and support tickets go unanswered.",
                   "The portal is terrible, too many clicks to register anything."],
            "es": ["El portal de partners es confuso y lento; nunca encuentro las listas de precios."],
            "de": ["Das Partnerportal ist unübersichtlich und langsam, Preislisten finde ich nie."],
            "ja": ["パートナーポータルは分かりにくく遅いので、価格表が見つかりません。"],
        },
        "mixed": {
            "en": ["The portal looks better, but finding content is still hard."],
            "es": ["El portal se ve mejor, pero sigue siendo difícil encontrar contenido."],
            "de": ["Das Portal sieht besser aus, aber Inhalte zu finden ist immer noch schwer."],
            "ja": ["ポータルの見た目は良くなりましたが、資料を探すのはまだ大変です。"],
        },
    },
    "technical_assessments": {
        "positive": {
            "en": ["Funded technical assessments helped us win three new customers this year.",
                   "Technical assessments are an excellent door opener with new accounts."],
            "es": ["Las evaluaciones técnicas financiadas nos ayudaron a ganar tres clientes nuevos."],
            "de": ["Geförderte technische Assessments haben uns drei neue Kunden gebracht."],
            "ja": ["資金提供付きの技術評価のおかげで、今年は新規顧客を3社獲得できました。"],
        },
        "negative": {
            "en": ["Technical assessment funding requests take too long to approve.",
                   "The technical assessment paperwork is heavier than the assessment itself."],
            "es": ["Las solicitudes de evaluaciones técnicas tardan demasiado en aprobarse."],
            "de": ["Anträge für technische Assessments dauern viel zu lange."],
            "ja": ["技術評価の資金申請の承認に時間がかかりすぎます。"],
        },
        "mixed": {
            "en": ["Technical assessments are useful, but the approval process is slow."],
            "es": ["Las evaluaciones técnicas son útiles, pero la aprobación es lenta."],
            "de": ["Technische Assessments sind nützlich, aber die Genehmigung ist langsam."],
            "ja": ["技術評価は役立ちますが、承認プロセスが遅いです。"],
        },
    },
    "proofs_of_concept": {
        "positive": {
            "en": ["Proof of concept funding made the difference in our largest deal.",
                   "The POC program is great, the lab environments are ready quickly."],
            "es": ["La financiación de pruebas de concepto fue decisiva en nuestro mayor negocio."],
            "de": ["Die Förderung von Proofs of Concept war in unserem größten Deal entscheidend."],
            "ja": ["PoCの資金支援が最大の案件で決め手になりました。"],
        },
        "negative": {
            "en": ["Proof of concept credits expire before the customer is ready; we wasted them.",
                   "POC funding is too small for enterprise customers."],
            "es": ["Los créditos para pruebas de concepto caducan antes de que el cliente esté listo."],
            "de": ["Die PoC-Guthaben verfallen, bevor der Kunde bereit ist."],
            "ja": ["PoCのクレジットが顧客の準備が整う前に失効してしまいます。"],
        },
        "mixed": {
            "en": ["Proofs of concept work well, but the funding caps are too low."],
            "es": ["Las pruebas de concepto funcionan bien, pero los límites son demasiado bajos."],
            "de": ["Proofs of Concept funktionieren gut, aber die Förderobergrenzen sind zu niedrig."],
            "ja": ["PoCはうまく機能していますが、資金の上限が低すぎます。"],
        },
    },
    "partner_to_partner": {
        "positive": {
            "en": ["Partner-to-partner deals with a cloud partner opened a new market for us."],
            "es": ["Los acuerdos entre partners nos abrieron un nuevo mercado."],
            "de": ["Partner-to-Partner-Deals haben uns einen neuen Markt eröffnet."],
            "ja": ["パートナー間取引のおかげで新しい市場に参入できました。"],
        },
        "negative": {
            "en": ["Partner-to-partner deals are hard to register and the split of credit is unclear.",
                   "Finding a partner for joint deals is impossible without help."],
            "es": ["Los acuerdos entre partners son difíciles de registrar y el reparto no está claro."],
            "de": ["Partner-to-Partner-Deals sind schwer zu registrieren, die Aufteilung ist unklar."],
            "ja": ["パートナー間取引は登録が難しく、実績の配分も不明確です。"],
        },
        "mixed": {
            "en": ["Partner-to-partner is a good idea, but the rules change too often."],
            "es": ["Los acuerdos entre partners son buena idea, pero las reglas cambian demasiado."],
            "de": ["Partner-to-Partner ist eine gute Idee, aber die Regeln ändern sich zu oft."],
            "ja": ["パートナー間取引は良い考えですが、ルールが頻繁に変わりすぎます。"],
        },
    },
    "enablement": {
        "positive": {
            "en": ["Training and certification are excellent; our engineers love the new labs.",
                   "The certification path is clear and the free exam vouchers help a lot."],
            "es": ["La formación y la certificación son excelentes."],
            "de": ["Schulungen und Zertifizierungen sind hervorragend."],
            "ja": ["トレーニングと認定資格は素晴らしく、エンジニアに好評です。"],
        },
        "negative": {
            "en": ["Certification exams are expensive and the training content is outdated.",
                   "Training is only in English and at times that do not suit our region."],
            "es": ["Los exámenes de certificación son caros y la formación está desactualizada."],
            "de": ["Zertifizierungsprüfungen sind teuer und die Schulungsinhalte veraltet."],
            "ja": ["認定試験が高額で、トレーニング内容も古くなっています。"],
        },
        "mixed": {
            "en": ["Good training content, but too few sessions in our time zone."],
            "es": ["Buen contenido de formación, pero pocas sesiones en nuestro horario."],
            "de": ["Gute Schulungsinhalte, aber zu wenige Termine in unserer Zeitzone."],
            "ja": ["トレーニング内容は良いですが、こちらの時間帯のセッションが少なすぎます。"],
        },
    },
    "technical_support": {
        "positive": {
            "en": ["Technical support is responsive and knows the product deeply."],
            "es": ["El soporte técnico responde rápido y conoce bien el producto."],
            "de": ["Der technische Support reagiert schnell und kennt das Produkt genau."],
            "ja": ["テクニカルサポートの対応が早く、製品知識も豊富です。"],
        },
        "negative": {
            "en": ["Support tickets sit for days and escalations go nowhere.",
                   "Technical support keeps asking for the same logs; resolution is very slow."],
            "es": ["Los tickets de soporte esperan días y las escalaciones no avanzan."],
            "de": ["Support-Tickets liegen tagelang und Eskalationen bringen nichts."],
            "ja": ["サポートチケットが何日も放置され、エスカレーションも進みません。"],
        },
        "mixed": {
            "en": ["Support engineers are good once you reach them, but the first line is slow."],
            "es": ["Los ingenieros de soporte son buenos, pero el primer nivel es lento."],
            "de": ["Die Support-Ingenieure sind gut, aber der First-Level ist langsam."],
            "ja": ["サポートエンジニアは優秀ですが、一次対応が遅いです。"],
        },
    },
    "pricing_margins": {
        "positive": {
            "en": ["Margins are competitive and the pricing tool is accurate."],
            "es": ["Los márgenes son competitivos y la herramienta de precios es precisa."],
            "de": ["Die Margen sind wettbewerbsfähig und das Preistool ist genau."],
            "ja": ["マージンは競争力があり、価格ツールも正確です。"],
        },
        "negative": {
            "en": ["Margins keep shrinking while the direct team discounts below our price.",
                   "Pricing changes arrive without notice and hurt our margins."],
            "es": ["Los márgenes siguen bajando mientras la venta directa descuenta por debajo de nuestro precio."],
            "de": ["Die Margen schrumpfen, während der Direktvertrieb unter unserem Preis anbietet."],
            "ja": ["直販が当社の価格より値引きする一方で、マージンは縮小し続けています。"],
        },
        "mixed": {
            "en": ["Pricing is fair, but discount approvals take too long."],
            "es": ["Los precios son justos, pero las aprobaciones de descuentos tardan demasiado."],
            "de": ["Die Preise sind fair, aber Rabattfreigaben dauern zu lange."],
            "ja": ["価格は妥当ですが、値引きの承認に時間がかかりすぎます。"],
        },
    },
    "subscription_transition": {
        "positive": {
            "en": ["The move to subscriptions gives us steady recurring revenue; the support was good."],
            "es": ["El paso a suscripciones nos da ingresos recurrentes estables."],
            "de": ["Der Wechsel zu Abonnements bringt uns stabile wiederkehrende Umsätze."],
            "ja": ["サブスクリプションへの移行で安定した継続収益が得られています。"],
        },
        "negative": {
            "en": ["The move to subscriptions cut our upfront revenue and the program did not help us adapt.",
                   "Subscription renewals are hard to track and we miss renewal credit."],
            "es": ["El paso a suscripciones redujo nuestros ingresos iniciales y el programa no nos ayudó."],
            "de": ["Der Wechsel zu Abonnements hat unsere Einmalumsätze halbiert, ohne Unterstützung."],
            "ja": ["サブスクリプションへの移行で初期収益が減り、プログラムの支援もありませんでした。"],
        },
        "mixed": {
            "en": ["Subscriptions make sense long term, but cash flow is hard during the transition."],
            "es": ["Las suscripciones tienen sentido a largo plazo, pero la transición es difícil."],
            "de": ["Abonnements sind langfristig sinnvoll, aber der Übergang belastet die Liquidität."],
            "ja": ["長期的にはサブスクリプションは理にかなっていますが、移行期の資金繰りが大変です。"],
        },
    },
    "account_management": {
        "positive": {
            "en": ["Our partner account manager is proactive and brings us real opportunities.",
                   "Excellent account manager, always available and helpful."],
            "es": ["Nuestro gestor de cuenta es proactivo y nos trae oportunidades reales."],
            "de": ["Unser Partner Account Manager ist proaktiv und bringt echte Chancen."],
            "ja": ["担当のアカウントマネージャーは積極的で、実際の商談機会をもたらしてくれます。"],
        },
        "negative": {
            "en": ["We had three account managers this year and none of them knew our business.",
                   "Our account manager never answers and we only hear from him at quarter end."],
            "es": ["Tuvimos tres gestores de cuenta este año y ninguno conocía nuestro negocio."],
            "de": ["Wir hatten dieses Jahr drei Account Manager, keiner kannte unser Geschäft."],
            "ja": ["今年は担当者が3回替わり、誰も当社のビジネスを理解していませんでした。"],
        },
        "mixed": {
            "en": ["Our account manager is friendly, but has too many partners to really help."],
            "es": ["Nuestro gestor es amable, pero tiene demasiados partners para ayudarnos."],
            "de": ["Unser Account Manager ist freundlich, betreut aber zu viele Partner."],
            "ja": ["担当者は親切ですが、担当パートナーが多すぎて十分な支援は受けられません。"],
        },
    },
}

# Which survey rating question speaks about which comment topic.
RATING_TOPICS = {
    "q_sat_incentives": "incentives_payouts",
    "q_sat_deal_reg": "deal_registration",
    "q_sat_portal": "partner_portal",
    "q_sat_enablement": "enablement",
    "q_sat_ta": "technical_assessments",
    "q_sat_poc": "proofs_of_concept",
    "q_sat_p2p": "partner_to_partner",
    "q_sat_account_mgr": "account_management",
    "q_sat_support": "technical_support",
}
EXTRA_TOPICS = ("pricing_margins", "subscription_transition")
