"""New (Fern-generated) SDK `label_studio_sdk.LabelStudio` (label-studio-sdk==2.1.2) against LabelFleet.

Every test builds its own project(s) through the SDK and checks the returned data.
"""

from __future__ import annotations

import csv
import io
import json
import time
import uuid

import httpx
import jwt
import pytest
import requests

from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from compat_helpers import (
    CHOICE_LABELS,
    TEXT_CONFIG,
    assert_choice_result,
    choice_result,
    unique_title,
)


def _extra(model, name):
    """A field the server returned that the SDK model does not declare (pydantic extra='allow')."""
    value = getattr(model, name, None)
    if value is None and getattr(model, "model_extra", None):
        value = model.model_extra.get(name)
    return value


def _status_of(call) -> int:
    with pytest.raises(ApiError) as exc:
        call()
    return exc.value.status_code


# --------------------------------------------------------------------------- versions / users


def test_versions_get(ls):
    v = ls.versions.get()  # GET /api/version/
    assert isinstance(v.release, str) and v.release, v
    assert v.edition == "Community", f"edition must be 'Community' (else the SDK uses Enterprise flows): {v.edition!r}"


def test_users_whoami_current_user_and_token(ls, api_key):
    me = ls.users.whoami()  # GET /api/current-user/whoami
    assert isinstance(me.id, int), me
    assert isinstance(me.username, str), me
    assert isinstance(me.email, str) and "@" in me.email, me
    assert isinstance(me.active_organization, int), me
    expected_email = __import__("os").environ.get("LABEL_STUDIO_EMAIL")
    if expected_email:
        assert me.email == expected_email

    users = ls.users.list()  # GET /api/users/
    assert me.id in [u.id for u in users]
    assert [u for u in users if u.id == me.id][0].email == me.email

    assert ls.users.get(me.id).email == me.email  # GET /api/users/{id}/

    token = ls.users.get_token()  # GET /api/current-user/token
    assert token.token == api_key


def test_invalid_token_is_rejected_with_401(ls_url):
    bad = LabelStudio(base_url=ls_url, api_key="0" * 40)
    assert _status_of(lambda: bad.projects.get(1)) == 401
    assert _status_of(lambda: list(bad.projects.list())) == 401


# --------------------------------------------------------------------------- projects


def test_projects_create_get_update_delete(ls, cleanup_projects):
    title = unique_title("compat-new-crud")
    created = ls.projects.create(title=title, label_config=TEXT_CONFIG, description="made by projects.create")
    assert isinstance(created.id, int), created
    cleanup_projects.append(created.id)
    assert created.title == title
    assert created.description == "made by projects.create"
    assert created.label_config == TEXT_CONFIG

    got = ls.projects.get(created.id)  # GET /api/projects/{id}/
    assert got.id == created.id
    assert got.title == title
    assert got.label_config == TEXT_CONFIG
    parsed = got.parsed_label_config
    assert isinstance(parsed, dict) and parsed["sentiment"]["type"] == "Choices", parsed
    assert parsed["sentiment"]["labels"] == CHOICE_LABELS, parsed
    assert got.task_number == 0
    interface = got.get_label_interface()  # SDK parses the returned label_config
    assert interface.get_control("sentiment").labels == CHOICE_LABELS

    assert created.id in [p.id for p in ls.projects.list()]  # pager over GET /api/projects/

    new_title = title + "-u"
    updated = ls.projects.update(created.id, title=new_title, description="patched", maximum_annotations=2)
    assert updated.id == created.id
    assert updated.title == new_title
    assert updated.description == "patched"
    assert updated.maximum_annotations == 2
    again = ls.projects.get(created.id)
    assert (again.title, again.description, again.maximum_annotations) == (new_title, "patched", 2)

    ls.projects.delete(created.id)  # DELETE /api/projects/{id}/
    assert _status_of(lambda: ls.projects.get(created.id)) == 404


def test_projects_list_paginates_with_title_filter(ls, cleanup_projects):
    prefix = f"cpg{uuid.uuid4().hex[:8]}"
    ids = []
    for _ in range(3):
        p = ls.projects.create(title=unique_title(prefix), label_config=TEXT_CONFIG)
        cleanup_projects.append(p.id)
        ids.append(p.id)

    first = ls.projects.list(title=prefix, page_size=2)
    assert first.response.count == 3, first.response
    assert len(first.items) == 2
    assert first.response.next, "page 1 of 2 must have a `next` link"

    listed = [p.id for p in ls.projects.list(title=prefix, page_size=1)]  # walks 3 pages, then stops
    assert sorted(listed) == sorted(ids), listed

    by_ids = [p.id for p in ls.projects.list(ids=f"{ids[0]},{ids[2]}")]
    assert sorted(by_ids) == sorted([ids[0], ids[2]])


# --------------------------------------------------------------------------- tasks


def test_tasks_create_get_update_list_delete(ls, project):
    created = [ls.tasks.create(data={"text": f"task {i}"}, project=project.id) for i in range(5)]
    for i, t in enumerate(created):
        assert isinstance(t.id, int), t
        assert t.data == {"text": f"task {i}"}
    ids = [t.id for t in created]
    assert len(set(ids)) == 5

    got = ls.tasks.get(ids[0])  # GET /api/tasks/{id}/
    assert got.id == ids[0]
    assert got.data == {"text": "task 0"}
    assert got.annotations == [] and got.predictions == []

    upd = ls.tasks.update(ids[1], data={"text": "changed"})
    assert upd.id == ids[1] and upd.data == {"text": "changed"}
    assert ls.tasks.get(ids[1]).data == {"text": "changed"}

    first = ls.tasks.list(project=project.id, page_size=2)  # GET /api/tasks/?fields=all&page=1&page_size=2
    assert first.response.total == 5, first.response
    assert first.response.total_annotations == 0 and first.response.total_predictions == 0
    assert len(first.items) == 2

    listed = list(ls.tasks.list(project=project.id, page_size=2))  # 3 pages, then 404 or empty page
    assert sorted(t.id for t in listed) == sorted(ids)
    assert {t.id: t.data["text"] for t in listed}[ids[4]] == "task 4"

    ls.tasks.delete(ids[0])
    assert _status_of(lambda: ls.tasks.get(ids[0])) == 404
    assert sorted(t.id for t in ls.tasks.list(project=project.id)) == sorted(ids[1:])


def test_import_tasks_return_task_ids(ls, project):
    resp = ls.projects.import_tasks(
        project.id,
        request=[{"data": {"text": "one"}}, {"data": {"text": "two"}}, {"data": {"text": "three"}}],
        return_task_ids=True,
    )  # POST /api/projects/{id}/import?return_task_ids=true
    assert resp.task_count == 3, resp
    assert resp.import_ is None, "Community import must be synchronous (no `import` id)"
    task_ids = _extra(resp, "task_ids")
    assert isinstance(task_ids, list) and len(task_ids) == 3, f"task_ids missing or wrong: {resp!r}"
    for tid, text in zip(task_ids, ["one", "two", "three"]):
        assert ls.tasks.get(tid).data == {"text": text}
    assert sorted(t.id for t in ls.tasks.list(project=project.id)) == sorted(task_ids)
    assert ls.projects.get(project.id).task_number == 3


def test_import_tasks_with_annotations_and_predictions(ls, project):
    resp = ls.projects.import_tasks(
        project.id,
        request=[
            {
                "data": {"text": "labelled on import"},
                "annotations": [{"result": choice_result("positive")}],
                "predictions": [{"result": choice_result("negative"), "score": 0.3, "model_version": "imp"}],
            }
        ],
        return_task_ids=True,
    )
    assert resp.task_count == 1
    assert resp.annotation_count == 1, resp
    prediction_count = _extra(resp, "prediction_count")
    assert 1 in (resp.predictions_count, prediction_count), (
        f"neither predictions_count (SDK field) nor prediction_count (LS) is 1: {resp!r}"
    )
    [tid] = _extra(resp, "task_ids")
    task = ls.tasks.get(tid)
    assert len(task.annotations) == 1
    assert_choice_result(task.annotations[0]["result"], "positive")
    assert len(task.predictions) == 1
    pred = task.predictions[0]
    pred = pred if isinstance(pred, dict) else pred.dict()
    assert_choice_result(pred["result"], "negative")
    assert pred["model_version"] == "imp"


# --------------------------------------------------------------------------- annotations / predictions


def test_annotations_create_list_get_update_delete(ls, project, me):
    task = ls.tasks.create(data={"text": "annotate"}, project=project.id)

    ann = ls.annotations.create(task.id, result=choice_result("positive"), lead_time=1.25, ground_truth=False)
    assert isinstance(ann.id, int), ann
    assert ann.task == task.id
    assert_choice_result(ann.result, "positive")
    assert ann.completed_by == me.id
    assert ann.was_cancelled is False
    assert ann.ground_truth is False
    assert ann.lead_time == pytest.approx(1.25)

    assert [a.id for a in ls.annotations.list(task.id)] == [ann.id]  # GET /api/tasks/{id}/annotations/
    got = ls.annotations.get(ann.id)
    assert got.id == ann.id
    assert_choice_result(got.result, "positive")

    upd = ls.annotations.update(ann.id, result=choice_result("neutral"))
    assert upd.id == ann.id
    assert_choice_result(upd.result, "neutral")

    t = ls.tasks.get(task.id)
    assert t.total_annotations == 1
    assert t.is_labeled is True
    assert [a["id"] for a in t.annotations] == [ann.id]
    assert_choice_result(t.annotations[0]["result"], "neutral")

    ls.annotations.delete(ann.id)
    assert ls.annotations.list(task.id) == []
    assert _status_of(lambda: ls.annotations.get(ann.id)) == 404
    assert ls.tasks.get(task.id).total_annotations == 0


def test_predictions_create_list_get_delete(ls, project, project_factory):
    task = ls.tasks.create(data={"text": "predict"}, project=project.id)
    pred = ls.predictions.create(task=task.id, result=choice_result("negative"), score=0.75, model_version="v2")
    assert isinstance(pred.id, int), pred
    assert pred.task == task.id
    assert pred.model_version == "v2"
    assert pred.score == pytest.approx(0.75)
    assert_choice_result(pred.result, "negative")

    # a prediction in another project must not leak into this project's/task's listing
    other = project_factory("compat-new-other")
    other_task = ls.tasks.create(data={"text": "elsewhere"}, project=other.id)
    other_pred = ls.predictions.create(task=other_task.id, result=choice_result("positive"), model_version="x")

    assert [p.id for p in ls.predictions.list(task=task.id)] == [pred.id]  # GET /api/predictions/?task=
    by_project = [p.id for p in ls.predictions.list(project=project.id)]
    assert by_project == [pred.id], by_project
    assert other_pred.id in [p.id for p in ls.predictions.list(project=other.id)]

    got = ls.predictions.get(pred.id)
    assert got.id == pred.id and got.model_version == "v2"
    assert_choice_result(got.result, "negative")

    t = ls.tasks.get(task.id)
    assert t.total_predictions == 1

    ls.predictions.delete(pred.id)
    assert ls.predictions.list(task=task.id) == []
    assert _status_of(lambda: ls.predictions.get(pred.id)) == 404


# --------------------------------------------------------------------------- export


@pytest.fixture
def labelled_project(ls, project):
    """Two tasks: the first annotated positive, the second unannotated."""
    t1 = ls.tasks.create(data={"text": "liked it"}, project=project.id)
    t2 = ls.tasks.create(data={"text": "no label"}, project=project.id)
    ls.annotations.create(t1.id, result=choice_result("positive"))
    return project, t1.id, t2.id


def test_exports_as_json_binary_pandas(ls, labelled_project):
    project, t1, t2 = labelled_project

    data = ls.projects.exports.as_json(project.id)  # Community: GET /api/projects/{id}/export?export_type=JSON&download_all_tasks=true
    assert isinstance(data, list), type(data)
    by_id = {t["id"]: t for t in data}
    assert set(by_id) == {t1, t2}
    assert by_id[t1]["data"] == {"text": "liked it"}
    assert len(by_id[t1]["annotations"]) == 1
    assert_choice_result(by_id[t1]["annotations"][0]["result"], "positive")
    assert by_id[t2]["annotations"] == []

    raw = ls.projects.exports.as_binary(project.id, export_type="CSV")
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    assert {"id", "text", "sentiment"} <= set(reader.fieldnames or []), reader.fieldnames
    rows = {int(float(r["id"])): r for r in reader}
    assert set(rows) == {t1, t2}
    assert rows[t1]["sentiment"] == "positive"

    df = ls.projects.exports.as_pandas(project.id)
    assert "sentiment" in df.columns and len(df) == 2, df

    formats = ls.projects.exports.list_formats(project.id)  # GET /api/projects/{id}/export/formats
    names = [f["name"] if isinstance(f, dict) else f for f in formats]
    assert "JSON" in names and "CSV" in names, names


def test_export_download_sync_ids_filter(ls, labelled_project):
    # The new SDK sends `ids=<id>` (repeated). Label Studio 1.23 only reads `ids[]` and ignores it;
    # LabelFleet's reference (docs/label-studio-api.md section 3.6) requires honouring all spellings.
    project, t1, t2 = labelled_project
    only = json.loads(
        b"".join(
            ls.projects.exports.download_sync(project.id, export_type="JSON", download_all_tasks=True, ids=[str(t2)])
        )
    )
    assert [t["id"] for t in only] == [t2]


def _wait_export(ls, project_id, export_id, timeout=60):
    deadline = time.time() + timeout
    while True:
        snap = ls.projects.exports.get(project_id, export_id)
        assert snap.status != "failed", snap
        if snap.status == "completed":
            return snap
        assert time.time() < deadline, f"export {export_id} not completed in {timeout}s: {snap!r}"
        time.sleep(0.5)


def test_export_snapshots_create_list_get_download_delete(ls, labelled_project):
    project, t1, t2 = labelled_project
    snap = ls.projects.exports.create(project.id, title="compat snapshot")  # POST /api/projects/{id}/exports/
    assert isinstance(snap.id, int), snap
    assert snap.status in ("created", "in_progress", "completed"), snap
    assert snap.title == "compat snapshot"

    done = _wait_export(ls, project.id, snap.id)
    assert done.id == snap.id
    assert done.finished_at is not None

    assert snap.id in [e.id for e in ls.projects.exports.list(project.id)]

    raw = b"".join(ls.projects.exports.download(project.id, snap.id, export_type="JSON"))
    tasks = json.loads(raw)
    assert isinstance(tasks, list)
    by_id = {t["id"]: t for t in tasks}
    assert t1 in by_id, sorted(by_id)
    assert_choice_result(by_id[t1]["annotations"][0]["result"], "positive")

    ls.projects.exports.delete(project.id, snap.id)
    assert snap.id not in [e.id for e in ls.projects.exports.list(project.id)]
    assert _status_of(lambda: ls.projects.exports.get(project.id, snap.id)) == 404


def test_export_snapshot_convert_to_csv(ls, labelled_project):
    project, t1, _ = labelled_project
    snap = ls.projects.exports.create(project.id, title="compat convert")
    _wait_export(ls, project.id, snap.id)

    conv = ls.projects.exports.convert(project.id, snap.id, export_type="CSV")  # POST .../exports/{pk}/convert
    assert conv.export_type == "CSV", conv

    deadline = time.time() + 60
    while True:
        current = ls.projects.exports.get(project.id, snap.id)
        fmts = {c.export_type: c.status for c in (current.converted_formats or [])}
        if fmts.get("CSV") == "completed":
            break
        assert fmts.get("CSV") != "failed", current
        assert time.time() < deadline, f"CSV conversion not completed: {current!r}"
        time.sleep(0.5)

    raw = b"".join(ls.projects.exports.download(project.id, snap.id, export_type="CSV"))
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    assert {"id", "text", "sentiment"} <= set(reader.fieldnames or []), reader.fieldnames
    rows = {int(float(r["id"])): r for r in reader}
    assert rows[t1]["sentiment"] == "positive"
    ls.projects.exports.delete(project.id, snap.id)


# --------------------------------------------------------------------------- JWT personal access token


def test_personal_access_token_jwt_flow(ls_url, http, project, me):
    r = http.post("/api/token/", json={})  # created with the legacy token
    assert r.status_code != 409, "the user already has a personal access token; revoke it (POST /api/token/blacklist/)"
    assert r.status_code == 201, f"POST /api/token/ -> {r.status_code} {r.text[:300]}"
    body = r.json()
    pat = body["token"]
    blacklisted = False
    try:
        claims = jwt.decode(pat, options={"verify_signature": False})
        assert claims.get("token_type") == "refresh", claims
        assert isinstance(claims.get("exp"), int) and claims["exp"] > time.time() + 3600, claims

        listed = http.get("/api/token/")
        assert listed.status_code == 200, listed.text
        assert isinstance(listed.json(), list) and len(listed.json()) >= 1, listed.json()

        seen = []
        hooks = {"request": [lambda req: seen.append((req.method, req.url.path, req.headers.get("authorization")))]}
        with httpx.Client(timeout=60, event_hooks=hooks) as hx:
            pat_ls = LabelStudio(base_url=ls_url, api_key=pat, httpx_client=hx)
            assert pat_ls._client_wrapper._tokens_client._use_legacy_token is False

            ids = [p.id for p in pat_ls.projects.list()]
            assert project.id in ids
            assert pat_ls.users.whoami().id == me.id
            assert pat_ls.projects.get(project.id).title == project.title

        refreshes = [s for s in seen if s[1] == "/api/token/refresh/"]
        assert refreshes and refreshes[0][0] == "POST", seen
        api_calls = [s for s in seen if s[1] != "/api/token/refresh/"]
        assert api_calls, seen
        for _, path, auth in api_calls:
            assert auth and auth.startswith("Bearer "), (path, auth)
        access = api_calls[0][2].split(" ", 1)[1]
        access_claims = jwt.decode(access, options={"verify_signature": False})
        assert access_claims.get("token_type") == "access", access_claims
        assert isinstance(access_claims.get("exp"), int), access_claims

        # the access token works as a plain Bearer header too
        direct = requests.get(f"{ls_url}/api/projects/{project.id}/", headers={"Authorization": f"Bearer {access}"}, timeout=60)
        assert direct.status_code == 200 and direct.json()["id"] == project.id, direct.text[:300]

        # refresh with garbage is a 401
        bad = requests.post(f"{ls_url}/api/token/refresh/", json={"refresh": "not-a-token"}, timeout=60)
        assert bad.status_code == 401, bad.text[:300]

        # revoke: the PAT can no longer be refreshed
        rb = http.post("/api/token/blacklist/", json={"refresh": pat})
        assert rb.status_code == 204, f"POST /api/token/blacklist/ -> {rb.status_code} {rb.text[:300]}"
        blacklisted = True
        after = requests.post(f"{ls_url}/api/token/refresh/", json={"refresh": pat}, timeout=60)
        assert after.status_code == 401, after.text[:300]
    finally:
        if not blacklisted:
            http.post("/api/token/blacklist/", json={"refresh": pat})


# --------------------------------------------------------------------------- more surfaces


def test_tasks_list_with_query_filters_and_ordering(ls, project):
    ids = []
    for text in ["alpha one", "beta two", "alpha three"]:
        ids.append(ls.tasks.create(data={"text": text}, project=project.id).id)
    query = {
        "filters": {
            "conjunction": "and",
            "items": [{"filter": "filter:tasks:data.text", "operator": "contains", "type": "String", "value": "alpha"}],
        },
        "ordering": ["-tasks:id"],
    }
    got = [t.id for t in ls.tasks.list(project=project.id, query=json.dumps(query))]
    assert got == sorted([ids[0], ids[2]], reverse=True), got

    only_ids = ls.tasks.list(project=project.id, include="id", fields="task_only")
    assert sorted(t.id for t in only_ids) == sorted(ids)


def test_import_predictions(ls, project):
    from label_studio_sdk import PredictionRequest

    t1 = ls.tasks.create(data={"text": "one"}, project=project.id)
    t2 = ls.tasks.create(data={"text": "two"}, project=project.id)
    resp = ls.projects.import_predictions(
        project.id,
        request=[
            PredictionRequest(task=t1.id, result=choice_result("positive"), score=0.9, model_version="bulk-v"),
            PredictionRequest(task=t2.id, result=choice_result("negative"), score=0.1, model_version="bulk-v"),
        ],
    )  # POST /api/projects/{id}/import/predictions
    assert _extra(resp, "created") == 2, resp
    preds = {p.task: p for p in ls.predictions.list(project=project.id)}
    assert set(preds) == {t1.id, t2.id}
    assert_choice_result(preds[t1.id].result, "positive")
    assert preds[t2.id].model_version == "bulk-v"
    assert preds[t2.id].score == pytest.approx(0.1)


def test_invalid_label_config_and_import_are_rejected_with_400(ls, project, cleanup_projects):
    bad = '<View><Text name="text" value="$text"/><Choices name="c" toName="nope"><Choice value="a"/></Choices></View>'
    with pytest.raises(ApiError) as exc:
        p = ls.projects.create(title=unique_title("compat-bad"), label_config=bad)
        cleanup_projects.append(p.id)
    assert exc.value.status_code == 400, exc.value
    assert "label_config" in ((exc.value.body or {}).get("validation_errors") or {}), exc.value.body

    with pytest.raises(ApiError) as exc:
        ls.projects.import_tasks(project.id, request=[{"data": {"wrong_key": "x"}}], return_task_ids=True)
    assert exc.value.status_code == 400, exc.value
    assert ls.projects.get(project.id).task_number == 0


def test_views_create_list_delete(ls, project):
    t1 = ls.tasks.create(data={"text": "keep me"}, project=project.id)
    ls.tasks.create(data={"text": "drop me"}, project=project.id)
    view = ls.views.create(
        project=project.id,
        data={
            "title": "compat view",
            "filters": {
                "conjunction": "and",
                "items": [{"filter": "filter:tasks:data.text", "operator": "contains", "type": "String", "value": "keep"}],
            },
        },
    )  # POST /api/dm/views/
    assert isinstance(view.id, int), view
    assert view.project == project.id
    assert view.id in [v.id for v in ls.views.list(project=project.id)]
    assert [t.id for t in ls.tasks.list(project=project.id, view=view.id)] == [t1.id]
    ls.views.delete(str(view.id))
    assert view.id not in [v.id for v in ls.views.list(project=project.id)]


def test_webhooks_create_list_delete(ls, project):
    hook = ls.webhooks.create(
        url="http://127.0.0.1:9/compat-hook", project=project.id, send_payload=True, send_for_all_actions=True
    )  # POST /api/webhooks/
    try:
        assert isinstance(hook.id, int), hook
        assert hook.url == "http://127.0.0.1:9/compat-hook"
        assert hook.project == project.id
        assert hook.id in [h.id for h in ls.webhooks.list(project=str(project.id))]
        assert ls.webhooks.get(hook.id).url == hook.url
    finally:
        ls.webhooks.delete(hook.id)
    assert hook.id not in [h.id for h in ls.webhooks.list(project=str(project.id))]


def test_project_counters_follow_tasks_annotations_predictions(ls, project):
    t1 = ls.tasks.create(data={"text": "c1"}, project=project.id)
    t2 = ls.tasks.create(data={"text": "c2"}, project=project.id)
    ls.tasks.create(data={"text": "c3"}, project=project.id)
    ls.annotations.create(t1.id, result=choice_result("positive"))
    ls.annotations.create(t2.id, result=[], was_cancelled=True)
    ls.predictions.create(task=t1.id, result=choice_result("negative"), model_version="cnt")
    ls.predictions.create(task=t2.id, result=choice_result("neutral"), model_version="cnt")

    p = ls.projects.get(project.id)
    assert p.task_number == 3
    assert p.total_annotations_number == 1, p.total_annotations_number
    assert p.skipped_annotations_number == 1, p.skipped_annotations_number
    assert p.total_predictions_number == 2, p.total_predictions_number
    assert p.num_tasks_with_annotations == 1, p.num_tasks_with_annotations
    assert p.finished_task_number == 1, p.finished_task_number

    listed = [x for x in ls.projects.list(ids=str(project.id))]
    assert len(listed) == 1 and listed[0].task_number == 3, listed


def test_users_create_list_get(ls):
    email = f"compat-{uuid.uuid4().hex[:8]}@example.com"
    user = ls.users.create(username=email, email=email, first_name="New", last_name="User")  # POST /api/users/
    assert isinstance(user.id, int), user
    assert user.email == email and user.first_name == "New" and user.last_name == "User"
    assert user.id in [u.id for u in ls.users.list()]
    assert ls.users.get(user.id).email == email
