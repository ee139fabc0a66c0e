from django.urls import reverse


def test_it_welcomes_an_anonymous_visitor_with_a_sign_in_link(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert reverse("accounts:login") in response.content.decode()


def test_it_shows_a_member_their_communities_and_roles(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("core:home"))
    body = response.content.decode()
    assert "CoP Achterhoek" in body
    assert "Communitytrekker" in body
    assert "CoP Zeeland" not in body


def test_it_tells_a_coordinator_which_communities_lack_guidance(client, world):
    client.force_login(world.coordinator)
    body = client.get(reverse("core:home")).content.decode()
    # Zeeland has only a participant: no lead and no facilitator.
    assert "CoP Zeeland" in body
    assert "Er is nog geen communitytrekker." in body
    assert "SWW Utrecht" not in body


def test_it_explains_a_refusal_in_dutch(client, world):
    client.force_login(world.system_partner)
    response = client.get(reverse("communities:community", args=[world.community.pk]))
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_the_health_check_reaches_the_database(client, db):
    assert client.get(reverse("core:health")).json() == {"status": "ok"}


def test_a_member_finds_what_other_communities_work_on(client, world):
    client.force_login(world.participant)
    body = client.get(reverse("core:home")).content.decode()
    assert reverse("dissemination:knowledge", args=[world.programme.slug]) in body
    assert reverse("signalling:venster", args=[world.programme.slug]) not in body


def test_a_lead_finds_the_venster_and_a_system_partner_their_inbox(client, world):
    client.force_login(world.lead)
    assert (
        reverse("signalling:venster", args=[world.programme.slug])
        in client.get(reverse("core:home")).content.decode()
    )
    client.force_login(world.system_partner)
    assert (
        reverse("signalling:system_inbox", args=[world.programme.slug])
        in client.get(reverse("core:home")).content.decode()
    )
