"""The scheduled sender with a fixed clock: delay, expiry, exactly once, and the fatigue rules at send time."""
from datetime import timedelta

from tests.builders import given_open_wave, make_partner
from tests.pulses.conftest import T0


def test_nothing_goes_out_before_the_delay_and_one_mail_after(pulse_world):
    pulse_world.event("evt-1")
    assert pulse_world.run(T0 + timedelta(days=1, hours=23))["due"] == 0
    assert pulse_world.mails() == []
    run = pulse_world.run(T0 + timedelta(days=2, minutes=15))
    assert run["sent"] == 1 and run["skipped"] == {}
    [mail] = pulse_world.mails()
    text = mail.read_text()
    assert "c0.p001@partner.example" in text.lower() and "/u/" in text  # the opt-out link
    assert "Content-Language: es" in text  # the contact's language (the pulse offers es)
    event = pulse_world.stored_event("evt-1")
    assert event["status"] == "sent" and event["wave_id"] == "pulse-poc-funded-2026-12"
    assert pulse_world.repos.invitations.get(event["invitation_id"]).state == "sent"


def test_a_pulse_past_its_expiry_is_dropped_and_counted(pulse_world):
    pulse_world.event("evt-late")
    run = pulse_world.run(T0 + timedelta(days=14, minutes=1))
    assert run == {"due": 1, "sent": 0, "skipped": {"expired": 1}, "stopped": None}
    assert pulse_world.mails() == []
    assert pulse_world.stored_event("evt-late")["reason"] == "expired"
    assert pulse_world.wiring.pulse_store().skipped_counts("2026-12") == {"expired": 1}


def test_a_rerun_sends_nothing_twice_even_after_a_crash_before_the_pulse_was_marked(pulse_world):
    pulse_world.event("evt-1")
    at = T0 + timedelta(days=2, hours=1)
    assert pulse_world.run(at)["sent"] == 1
    assert pulse_world.run(at)["due"] == 0  # handled pulses left the due index
    # a crash after the mail left but before the pulse was marked: the pending item is due again
    store = pulse_world.wiring.pulse_store()
    pending = store.get_pending("evt-1")
    pulse_world.table.update(pending["PK"], pending["SK"], "SET #s = :p, GSI2PK = :pk, GSI2SK = :sk",
                             {":p": "pending", ":pk": "PULSEDUE#2026-12-03", ":sk": pending["due_at"] + "#evt-1"},
                             names={"#s": "status"})
    rerun = pulse_world.run(at + timedelta(minutes=15))
    assert rerun["due"] == 1 and rerun["sent"] == 1  # finished, not re-sent
    assert len(pulse_world.mails()) == 1


def test_simultaneous_events_for_one_contact_invite_once(pulse_world):
    pulse_world.event("evt-a")
    pulse_world.event("evt-b", attributes={"outcome": "declined"})
    run = pulse_world.run(T0 + timedelta(days=2, hours=1))
    assert run["sent"] == 1 and run["skipped"] == {"contact_asked_recently": 1}
    assert len(pulse_world.mails()) == 1


def test_the_contact_rule_counts_days_and_the_boundary_day_passes(pulse_world):
    pulse_world.event("evt-1")
    pulse_world.run(T0 + timedelta(days=2))
    pulse_world.event("evt-2", T0 + timedelta(days=27))  # due day 29: one day inside the 30 days
    assert pulse_world.run(T0 + timedelta(days=29, hours=12))["skipped"] == {"contact_asked_recently": 1}
    pulse_world.event("evt-3", T0 + timedelta(days=30))  # due exactly 30 days after the first invitation
    assert pulse_world.run(T0 + timedelta(days=32))["sent"] == 1


def test_no_pulse_while_a_relationship_wave_is_open_for_the_partner(pulse_world, tokens):
    given_open_wave(pulse_world.table, tokens, [make_partner("P001")], wave_id="px-2026-h2",
                    now=T0 - timedelta(days=1))
    pulse_world.event("evt-1")
    run = pulse_world.run(T0 + timedelta(days=2, hours=1))
    assert run["skipped"] == {"relationship_wave_open": 1} and pulse_world.mails() == []


def test_an_opted_out_contact_is_not_asked_again(pulse_world):
    from chalicelib.services.distribution import opt_out

    pulse_world.event("evt-1")
    pulse_world.run(T0 + timedelta(days=2))
    invitation = pulse_world.repos.invitations.get(pulse_world.stored_event("evt-1")["invitation_id"])
    d = pulse_world.wiring.distribution()
    assert opt_out(d, d.unsubscribe_tokens.issue(invitation.invitation_id, invitation.wave_id), T0 + timedelta(days=3))
    pulse_world.event("evt-2", T0 + timedelta(days=40))
    run = pulse_world.run(T0 + timedelta(days=42, hours=1))
    assert run["skipped"] == {"opted_out": 1} and len(pulse_world.mails()) == 1


def test_the_partner_cap_holds_back_pulses_beyond_it(pulse_world):
    for i in range(3):  # three contacts of one partner, one event each
        pulse_world.event(f"evt-{i}", contact={"email": f"c{i}.P001@partner.example"})
    run = pulse_world.run(T0 + timedelta(days=2, hours=1), partner_cap=2)
    assert run["sent"] == 2 and run["skipped"] == {"partner_cap": 1}


def test_unknown_contacts_and_partners_are_skipped_with_their_reason(pulse_world):
    pulse_world.event("evt-stranger", contact={"email": "someone@else.example"})
    pulse_world.event("evt-nobody", partner_id="P404")
    run = pulse_world.run(T0 + timedelta(days=2, hours=1))
    assert run["skipped"] == {"contact_not_in_directory": 1, "partner_not_in_directory": 1}


def test_primary_contact_events_ask_the_partners_first_contact(pulse_world):
    pulse_world.event("pay-1", event_type="payout_made", contact=None, attributes={"amount": 1200, "on_time": False})
    run = pulse_world.run(T0 + timedelta(days=3, hours=1))
    assert run["sent"] == 1
    assert "c0.p001@partner.example" in pulse_world.mails()[0].read_text().lower()
