import pytest
from django.contrib.auth import get_user_model

@pytest.mark.django_db
def test_client_login(demo_db, client):
    from django.http import HttpRequest
    assert client.login(request=HttpRequest(), username="udp.altosebino", password="zona-demo-2025")

@pytest.mark.django_db
def test_force_login(demo_db, client):
    client.force_login(get_user_model().objects.get(username="udp.altosebino"))
    r = client.get("/ambiti/alto-sebino/ufficio-di-piano/modifica/")
    assert r.status_code == 200

@pytest.mark.django_db
def test_login_fixture(demo_db, client, login):
    login("udp.altosebino")
    r = client.get("/ambiti/alto-sebino/ufficio-di-piano/modifica/")
    assert r.status_code == 200

@pytest.mark.django_db(transaction=True)
def test_tx(demo_db):
    from territorio.models import Ambito
    assert Ambito.objects.count() == 14

def test_after_flush_order_check():
    pass

@pytest.mark.django_db
def test_demo_after(demo_db):
    from territorio.models import Ambito
    assert Ambito.objects.count() == 14

@pytest.mark.django_db
def test_demo_after2(demo_db, django_assert_max_num_queries):
    from territorio.models import Ambito
    with django_assert_max_num_queries(1):
        assert Ambito.objects.count() == 14
