"""`--scheduler`: the same findings from a Dask cluster (a real LocalCluster with two workers) as `--jobs 1`."""
import json
import subprocess
import sys

import pytest

from conftest import REPORTS
from conftest import gk  # noqa: E402

distributed = pytest.importorskip("distributed")
INPUTS = [str(REPORTS / "seeds"), str(REPORTS / "corpus"), str(REPORTS / "published")]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as c:
        yield c


def test_check_on_two_workers_equals_serial(cluster, tmp_path):
    serial = gk("check", *INPUTS, "--format", "json", "--jobs", "1")
    dask = gk("check", *INPUTS, "--format", "json", "--scheduler", cluster.scheduler_address)
    assert dask.returncode == serial.returncode == 1, dask.stderr
    assert json.loads(dask.stdout) == json.loads(serial.stdout)
    assert any(d["code"] == "GK524" for d in json.loads(dask.stdout))   # the cross-year pass ran on the results
    with distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2


def test_extract_on_workers_equals_serial(cluster):
    files = [str(p) for p in sorted((REPORTS / "seeds").glob("*.txt"))] + [str(REPORTS / "published" / "hongzequ_2023.pdf")]
    serial = json.loads(gk("extract", *files, "--format", "json").stdout)
    dask = json.loads(gk("extract", *files, "--format", "json", "--scheduler", cluster.scheduler_address).stdout)
    assert dask == serial and len(dask["cells"]) == 200 * len(files)


def test_failing_file_is_a_diagnostic_not_a_lost_result(cluster, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    gone = tmp_path / "gone.txt"
    p = gk("check", str(bad), str(gone), str(REPORTS / "seeds" / "004_c12fc4cb6f2af7bf.txt"), "--format", "json",
           "--scheduler", cluster.scheduler_address)
    paths = {d["path"] for d in json.loads(p.stdout)}
    assert {str(bad), str(gone)} <= paths


def test_local_scheduler():
    seeds = [str(p) for p in sorted((REPORTS / "seeds").glob("*.txt"))[:2]]
    local = gk("check", *seeds, "--format", "concise", "--scheduler", "local", "--jobs", "2")
    assert local.stdout == gk("check", *seeds, "--format", "concise").stdout and local.stdout
