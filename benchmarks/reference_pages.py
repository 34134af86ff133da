"""Reference-data reads (API lists with filters, role home page) against a trivial authenticated request."""

from benchmarks.harness import ThrowawayDatabase, measure, report


def run():
    with ThrowawayDatabase():
        from django.test import Client

        from masterdata import demo, services
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
        baseline = measure("trivial authenticated request (/api/v1/me/)", get("/api/v1/me/"))
        cases = [
            measure("nomenclature list, level filter", get("/api/v1/nomenclature/?level=sub_kegiatan")),
            measure("nomenclature search q=kesehatan", get("/api/v1/nomenclature/?q=kesehatan")),
            measure("accounts by code prefix 5.1.02", get("/api/v1/accounts/?code_prefix=5.1.02")),
            measure("role home page (Bappeda)", get("/beranda/")),
        ]
        return report(baseline, cases)
