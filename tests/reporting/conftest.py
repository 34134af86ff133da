import datetime

import pytest
import time_machine

from budgeting.services import dpa as dpa_services
from tests.budgeting.factories import adopt, small_apbd


@pytest.fixture
def executed(reference_data):
    """The small year adopted and published, its DPAs issued, on 15 April 2024."""
    with time_machine.travel(datetime.datetime(2024, 4, 15, 9, tzinfo=datetime.UTC), tick=False):
        small = small_apbd(reference_data)
        small.version = adopt(small.version, small.finance, publish=True)
        for dpa in dpa_services.prepare_dpas(actor=small.finance, version=small.version):
            dpa_services.issue_dpa(actor=small.finance, dpa=dpa, number=f"DPA/{dpa.opd.code}")
        yield small
