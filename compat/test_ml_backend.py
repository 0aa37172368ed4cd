"""A real ML backend against LabelFleet: compat/ml_backend (a text classifier on label-studio-ml 1.0.9 from
PyPI) runs on a free 127.0.0.1 port; the project is driven with the real label-studio-sdk.

Asserts the active-learning loop end to end: connecting (/health, /setup, the project webhook), pre-labeling
on import through LabelFleet's job queue (predictions land with the backend's score and model version),
uncertainty sampling in the label stream, training started after N annotations (the backend records
what it received), and predictions from the retrained model under its new version.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from typing import Callable, Dict, List, Optional

import pytest
import requests

from compat_helpers import TEXT_CONFIG, choice_result

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_SH = os.path.join(HERE, "ml_backend", "run.sh")


def wait_for(what: str, check: Callable[[], object], timeout: float = 60.0):
    """Polls `check` until it returns something truthy; fails the test with the last value after `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; last value: {last!r}")


class Backend:
    def __init__(self, url: str, model_dir: str):
        self.url = url
        self.model_dir = model_dir

    def received(self, kind: Optional[str] = None, **match) -> List[Dict]:
        """The backend's record (GET /received), filtered by kind and field values."""
        rows = requests.get(f"{self.url}/received", timeout=10).json()
        return [r for r in rows if (kind is None or r["kind"] == kind) and all(r.get(k) == v for k, v in match.items())]


@pytest.fixture(scope="module")
def ml_backend():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model_dir = tempfile.mkdtemp(prefix="labelfleet-ml-backend-")
    log_path = os.path.join(model_dir, "server.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            ["bash", RUN_SH, "--host", "127.0.0.1", "--port", str(port), "--model-dir", model_dir],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"

    def healthy():
        if proc.poll() is not None:
            with open(log_path) as f:
                pytest.fail(f"the ML backend exited with {proc.returncode}:\n{f.read()[-3000:]}")
        try:
            return requests.get(f"{url}/health", timeout=2).json().get("status") == "UP"
        except requests.RequestException:
            return False

    try:
        wait_for("the ML backend's /health", healthy, timeout=120)
        yield Backend(url, model_dir)
    finally:
        # the backend and the job processes label-studio-ml forks share one process group
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_real_ml_backend_prelabels_imports_and_retrains_every_n_annotations(ls, http, project_factory, ml_backend):
    project = project_factory("compat-ml", evaluate_predictions_automatically=True, min_annotations_to_start_training=3)

    # connecting: /health, then /setup with the project uid and a token; the project gets <url>/webhook
    ml = ls.ml.create(url=ml_backend.url, project=project.id, title="text classifier")
    assert ml.state == "CO", ml
    assert ml.model_version == "INITIAL", ml  # what label-studio-ml 1.0.9 reports before any training
    setup = ml_backend.received("request", path="/setup")[-1]
    assert setup["project"].startswith(f"{project.id}.") and setup["has_token"], setup
    assert [h.url for h in ls.webhooks.list(project=str(project.id))] == [f"{ml_backend.url}/webhook"]

    # pre-labeling on import: the tasks go to /predict through the job queue
    texts = ["I feel positive about it", "a negative review", "nothing to say here", "neutral, honestly"]
    ids = ls.projects.import_tasks(project.id, request=[{"text": t} for t in texts], return_task_ids=True).task_ids
    expected = {ids[0]: ("positive", 0.9), ids[1]: ("negative", 0.9), ids[2]: ("positive", 0.3333), ids[3]: ("neutral", 0.9)}

    def predictions_of(model_version: str) -> Optional[Dict[int, dict]]:
        found = {}
        for tid in ids:
            preds = [p for p in http.get(f"/api/tasks/{tid}").json()["predictions"] if p["model_version"] == model_version]
            if preds:
                found[tid] = preds
        return found if len(found) == len(ids) else None

    first = wait_for("predictions on every imported task", lambda: predictions_of("INITIAL"))
    for tid, (label, score) in expected.items():
        assert len(first[tid]) == 1, first[tid]
        assert first[tid][0]["result"] == choice_result(label), first[tid]
        assert first[tid][0]["score"] == pytest.approx(score), first[tid]
    predicted = sorted(t for r in ml_backend.received("predict") for t in r["tasks"])
    assert predicted == sorted(ids), predicted

    # active learning: the label stream serves the least certain task first
    ls.projects.update(project.id, sampling="Uncertainty sampling")
    assert http.get(f"/api/projects/{project.id}/next").json()["id"] == ids[2]

    # training: annotation events reach /webhook; START_TRAINING follows the third annotation
    def annotation_events() -> List[Dict]:
        return ml_backend.received("request", path="/webhook", action="ANNOTATION_CREATED", project=project.id)

    ls.annotations.create(ids[0], result=choice_result("positive"))
    ls.annotations.create(ids[1], result=choice_result("negative"))
    wait_for("two ANNOTATION_CREATED webhooks", lambda: len(annotation_events()) == 2)
    assert ml_backend.received("request", path="/webhook", action="START_TRAINING") == []
    ls.annotations.create(ids[3], result=choice_result("neutral"))
    trained = wait_for("a training run", lambda: ml_backend.received("trained", project=project.id))
    assert len(trained) == 1 and trained[0]["examples"] == 3, trained
    webhooks = [r["action"] for r in ml_backend.received("request", path="/webhook", project=project.id)]
    assert webhooks.count("START_TRAINING") == 1, webhooks
    assert webhooks.index("START_TRAINING") > max(i for i, a in enumerate(webhooks) if a == "ANNOTATION_CREATED"), webhooks

    # the retrained model: its run is listed as a version, and re-predicting stores predictions under it
    versions = wait_for("the trained model version", lambda: ls.ml.list_model_versions(ml.id).versions)
    new_version = str(versions[-1])
    assert new_version == str(trained[0]["job_id"]), (versions, trained)
    r = http.post(f"/api/dm/actions?id=retrieve_tasks_predictions&project={project.id}", json={"selectedItems": {"all": True, "excluded": []}})
    assert r.status_code == 200 and r.json()["processed_items"] == len(ids), r.text
    second = wait_for("predictions of the retrained model", lambda: predictions_of(new_version))
    assert second[ids[1]][0]["result"] == choice_result("negative"), second[ids[1]]
    assert all(0 < p[0]["score"] <= 1 for p in second.values()), second
    assert ml_backend.received("predict")[-1]["trained"] is True
    assert ls.ml.get(ml.id).model_version == new_version
