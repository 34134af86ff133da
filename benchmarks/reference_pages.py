"""Reference-data reads (API lists with filters, role home page) against a trivial authenticated request."""

from benchmarks.harness import ThrowawayDatabase, measure_against, report


def run():
    with ThrowawayDatabase():
        from django.test import Client

        from demo import reference as demo
        from masterdata import services
        from masterdata.models import User

        services.load_reference_data()
        demo.seed_users()
        client = Client()
        client.force_login(User.objects.get(username="bappeda"))

        def get(url):
            def call():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return call

        print("\nReference data: 6,700 nomenclature rows, 5,003 accounts, 406 funding sources, 59 OPDs")
        trivial = get("/api/v1/me/")
        cases = [
            ("nomenclature list, level filter", "/api/v1/nomenclature/?level=sub_kegiatan"),
            ("nomenclature search q=kesehatan", "/api/v1/nomenclature/?q=kesehatan"),
            ("accounts by code prefix 5.1.02", "/api/v1/accounts/?code_prefix=5.1.02"),
            ("role home page (Bappeda)", "/beranda/"),
        ]
        return report([measure_against(trivial, name, get(url)) for name, url in cases])
