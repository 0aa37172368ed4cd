"""Legacy SDK (`label_studio_sdk._legacy.Client` / `Project`, label-studio-sdk==2.1.2) against LabelFleet.

Every test builds its own project through the SDK and checks the data the server
returned, not only that no exception was raised.
"""

from __future__ import annotations

import csv
import io
import json
import time
import uuid

import pytest
import requests

from compat_helpers import (
    CHOICE_LABELS,
    TEXT_CONFIG,
    assert_choice_result,
    choice_result,
    unique_title,
)


def _whoami(http) -> dict:
    r = http.get("/api/current-user/whoami")
    assert r.status_code == 200, f"GET /api/current-user/whoami -> {r.status_code} {r.text[:300]}"
    return r.json()


def _assert_past_last_page_is_404(http, project_id: int, page: int, page_size: int) -> None:
    """The legacy SDK's get_tasks() loops page += 1 until it gets a 404: an empty 200 would make it
    loop forever. Check the wire first so a wrong server fails this test clearly instead of hanging."""
    r = http.get("/api/tasks", params={"project": project_id, "page": page, "page_size": page_size})
    assert r.status_code == 404, (
        f"GET /api/tasks?project={project_id}&page={page}&page_size={page_size} (past the last page) must be 404 "
        f"(legacy Project.get_tasks() pages until a 404), got {r.status_code}: {r.text[:300]}"
    )


# --------------------------------------------------------------------------- connection / client


def test_check_connection_and_versions(legacy_client):
    health = legacy_client.check_connection()
    assert isinstance(health, dict) and health.get("status") == "UP", health

    versions = legacy_client.versions  # fetched from GET /api/version by the constructor
    assert isinstance(versions, dict), versions
    assert isinstance(versions.get("release"), str) and versions["release"], versions
    assert "label-studio-enterprise-backend" not in versions, "server must not claim to be Enterprise"
    assert legacy_client.is_enterprise is False


def test_get_users_and_organization(legacy_client, http):
    me = _whoami(http)
    users = legacy_client.get_users()  # builds pydantic User(**item) for every item
    assert users, "GET /api/users returned no users"
    by_id = {u.id: u for u in users}
    assert me["id"] in by_id, f"current user {me['id']} not in /api/users: {list(by_id)}"
    mine = by_id[me["id"]]
    assert mine.email == me["email"]
    assert isinstance(mine.username, str)
    assert isinstance(mine.initials, str)
    assert isinstance(mine.phone, str)

    org = legacy_client.get_organization()  # whoami.active_organization -> /api/organizations/{id}
    assert isinstance(org, dict), org
    assert org.get("id") == me["active_organization"], (org, me.get("active_organization"))


def test_login_with_email_and_password(ls_url, api_key, credentials):
    from label_studio_sdk._legacy import Client
    from label_studio_sdk._legacy.client import ClientCredentials

    client = Client(
        url=ls_url,
        credentials=ClientCredentials(email=credentials["email"], password=credentials["password"]),
    )
    # GET /user/login -> POST /user/login (form) -> GET /api/current-user/token
    assert client.api_key == api_key, f"login flow returned {client.api_key!r}, expected the user's legacy token"
    assert client.check_connection().get("status") == "UP"
    assert any(u.email == credentials["email"] for u in client.get_users())


def test_login_with_wrong_password_gets_no_token(ls_url, api_key, credentials):
    from label_studio_sdk._legacy import Client
    from label_studio_sdk._legacy.client import ClientCredentials

    try:
        client = Client(
            url=ls_url,
            credentials=ClientCredentials(email=credentials["email"], password="definitely-not-the-password"),
        )
    except (requests.RequestException, ValueError):
        return  # refused: fine
    assert not client.api_key, f"a wrong password must not yield an API token, got {client.api_key!r}"


# --------------------------------------------------------------------------- projects


def test_start_project_and_get_project(legacy_client, cleanup_projects):
    title = unique_title("compat-legacy-start")
    project = legacy_client.start_project(
        title=title, label_config=TEXT_CONFIG, description="made by legacy start_project"
    )
    pid = project.params.get("id")
    assert isinstance(pid, int), project.params
    cleanup_projects.append(pid)
    assert project.params["title"] == title
    assert project.params["description"] == "made by legacy start_project"
    assert project.params["label_config"] == TEXT_CONFIG

    # parsed locally by the SDK from the returned label_config
    parsed = project.parsed_label_config
    assert parsed["sentiment"]["type"] == "Choices"
    assert parsed["sentiment"]["labels"] == CHOICE_LABELS

    fetched = legacy_client.get_project(pid)  # GET /api/projects/{id}
    assert fetched.id == pid
    assert fetched.title == title
    params = fetched.get_params()
    server_parsed = params.get("parsed_label_config")
    assert isinstance(server_parsed, dict), f"parsed_label_config missing: {params.get('parsed_label_config')!r}"
    assert server_parsed["sentiment"]["type"] == "Choices", server_parsed
    assert server_parsed["sentiment"]["to_name"] == ["text"], server_parsed
    assert server_parsed["sentiment"]["inputs"][0]["type"] == "Text", server_parsed
    assert server_parsed["sentiment"]["inputs"][0]["value"] == "text", server_parsed
    assert server_parsed["sentiment"]["labels"] == CHOICE_LABELS, server_parsed
    assert params.get("task_number") == 0, params.get("task_number")

    listed = legacy_client.list_projects()  # GET /api/projects?page_size=10000000
    assert pid in [p.id for p in listed]
    assert [p for p in listed if p.id == pid][0].params["title"] == title

    fetched.set_params(description="changed by set_params")  # PATCH /api/projects/{id} must be 200
    assert legacy_client.get_project(pid).get_params()["description"] == "changed by set_params"


def test_delete_project(legacy_client, legacy_project):
    pid = legacy_project.id
    resp = legacy_client.delete_project(pid)  # DELETE /api/projects/{id}/
    assert resp.status_code == 204, resp.status_code
    with pytest.raises(requests.HTTPError) as exc:
        legacy_client.get_project(pid)
    assert exc.value.response.status_code == 404


# --------------------------------------------------------------------------- tasks


def test_import_tasks_returns_ids_and_get_tasks(legacy_project):
    texts = ["first text", "second text", "third text"]
    ids = legacy_project.import_tasks([{"text": t} for t in texts])
    assert isinstance(ids, list) and len(ids) == 3, ids
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 3, ids

    tasks = legacy_project.get_tasks()
    assert sorted(t["id"] for t in tasks) == sorted(ids)
    assert sorted(t["data"]["text"] for t in tasks) == sorted(texts)
    for t in tasks:
        assert t["annotations"] == [] and t["predictions"] == [], t

    assert sorted(legacy_project.get_tasks_ids()) == sorted(ids)

    for task_id, text in zip(ids, texts):  # ids come back in import order
        task = legacy_project.get_task(task_id)
        assert task["id"] == task_id
        assert task["data"] == {"text": text}

    assert legacy_project.get_params()["task_number"] == 3


def test_get_tasks_pages_until_404(legacy_project, http):
    n = 205  # three pages of 100 for Project.get_tasks()
    ids = legacy_project.import_tasks([{"text": f"bulk {i}"} for i in range(n)])
    assert len(ids) == n and len(set(ids)) == n

    page = legacy_project.get_paginated_tasks(page=1, page_size=100)
    assert len(page["tasks"]) == 100
    assert page["total"] == n, {k: v for k, v in page.items() if k != "tasks"}
    assert page["total_annotations"] == 0 and page["total_predictions"] == 0
    last = legacy_project.get_paginated_tasks(page=3, page_size=100)
    assert len(last["tasks"]) == 5

    _assert_past_last_page_is_404(http, legacy_project.id, page=4, page_size=100)
    assert legacy_project.get_paginated_tasks(page=4, page_size=100).get("end_pagination") is True

    tasks = legacy_project.get_tasks()
    got = [t["id"] for t in tasks]
    assert len(got) == n, f"get_tasks returned {len(got)} tasks, expected {n}"
    assert sorted(got) == sorted(ids)

    only_ids = legacy_project.get_paginated_tasks_ids(page=1, page_size=10)  # include=id
    assert len(only_ids["tasks"]) == 10 and all(isinstance(i, int) for i in only_ids["tasks"]), only_ids["tasks"]


def test_import_tasks_with_annotations_and_predictions(legacy_project):
    ids = legacy_project.import_tasks(
        [
            {
                "data": {"text": "imported with labels"},
                "annotations": [{"result": choice_result("negative")}],
                "predictions": [{"result": choice_result("positive"), "score": 0.4, "model_version": "imported"}],
            },
            {"data": {"text": "plain"}},
        ]
    )
    assert len(ids) == 2
    task = legacy_project.get_task(ids[0])
    assert task["data"] == {"text": "imported with labels"}
    assert len(task["annotations"]) == 1, task["annotations"]
    assert_choice_result(task["annotations"][0]["result"], "negative")
    assert len(task["predictions"]) == 1, task["predictions"]
    assert_choice_result(task["predictions"][0]["result"], "positive")
    assert task["predictions"][0]["model_version"] == "imported"
    assert task["predictions"][0]["score"] == pytest.approx(0.4)
    assert task["total_annotations"] == 1
    assert task["total_predictions"] == 1
    plain = legacy_project.get_task(ids[1])
    assert plain["annotations"] == [] and plain["predictions"] == []


def test_update_task(legacy_project):
    [tid] = legacy_project.import_tasks([{"text": "before"}])
    updated = legacy_project.update_task(tid, data={"text": "after"}, meta={"source": "compat"})
    assert updated["id"] == tid
    assert updated["data"] == {"text": "after"}
    task = legacy_project.get_task(tid)
    assert task["data"] == {"text": "after"}
    assert task["meta"] == {"source": "compat"}


def test_delete_task(legacy_project):
    ids = legacy_project.import_tasks([{"text": "doomed"}, {"text": "survivor"}])
    resp = legacy_project.delete_task(ids[0])  # DELETE /api/tasks/{id}
    assert resp.status_code == 204, resp.status_code
    assert [t["id"] for t in legacy_project.get_tasks()] == [ids[1]]
    with pytest.raises(requests.HTTPError) as exc:
        legacy_project.get_task(ids[0])
    assert exc.value.response.status_code == 404


def test_delete_tasks_via_data_manager_action(legacy_project):
    ids = legacy_project.import_tasks([{"text": f"t{i}"} for i in range(4)])
    resp = legacy_project.delete_tasks(ids[:2])  # POST /api/dm/actions?project=P&id=delete_tasks
    assert resp.status_code == 200, resp.text
    assert sorted(legacy_project.get_tasks_ids()) == sorted(ids[2:])
    resp = legacy_project.delete_all_tasks(excluded_ids=[ids[3]])
    assert resp.status_code == 200, resp.text
    assert legacy_project.get_tasks_ids() == [ids[3]]


# --------------------------------------------------------------------------- predictions / annotations


def test_create_prediction_short_forms(legacy_project):
    [tid] = legacy_project.import_tasks([{"text": "I love it"}])

    # the plain label string: the server picks the first single-choice control
    pred = legacy_project.create_prediction(tid, "positive", score=0.9, model_version="m1")
    assert isinstance(pred.get("id"), int), pred
    assert pred["task"] == tid
    assert pred["model_version"] == "m1"
    assert pred["score"] == pytest.approx(0.9)
    assert_choice_result(pred["result"], "positive")

    # the bare value dict
    pred2 = legacy_project.create_prediction(tid, {"choices": ["negative"]}, score=0.2, model_version="m1")
    assert_choice_result(pred2["result"], "negative")

    # the full result list
    pred3 = legacy_project.create_prediction(tid, choice_result("neutral"), model_version="m2")
    assert_choice_result(pred3["result"], "neutral")
    assert pred3["model_version"] == "m2"

    task = legacy_project.get_task(tid)
    assert sorted(p["id"] for p in task["predictions"]) == sorted([pred["id"], pred2["id"], pred3["id"]])
    assert task["total_predictions"] == 3

    versions = legacy_project.get_model_versions()  # GET /api/projects/{id}/model-versions
    assert "m1" in versions and "m2" in versions, versions


def test_create_predictions_bulk(legacy_project):
    ids = legacy_project.import_tasks([{"text": "a"}, {"text": "b"}])
    resp = legacy_project.create_predictions(
        [
            {"task": ids[0], "result": choice_result("negative"), "score": 0.5, "model_version": "bulk"},
            {"task": ids[1], "result": choice_result("neutral"), "score": 0.6, "model_version": "bulk"},
        ]
    )  # POST /api/projects/{id}/import/predictions
    assert resp.get("created") == 2, resp
    t0 = legacy_project.get_task(ids[0])
    assert len(t0["predictions"]) == 1
    assert_choice_result(t0["predictions"][0]["result"], "negative")
    assert t0["predictions"][0]["model_version"] == "bulk"
    t1 = legacy_project.get_task(ids[1])
    assert_choice_result(t1["predictions"][0]["result"], "neutral")


def test_create_annotation_and_crud(legacy_project, http):
    me = _whoami(http)
    [tid] = legacy_project.import_tasks([{"text": "annotate me"}])

    ann = legacy_project.create_annotation(tid, result=choice_result("positive"), lead_time=2.5)
    aid = ann.get("id")
    assert isinstance(aid, int), ann
    assert ann["task"] == tid
    assert_choice_result(ann["result"], "positive")
    assert ann["completed_by"] == me["id"], ann.get("completed_by")
    assert ann["was_cancelled"] is False
    assert ann["ground_truth"] is False
    assert ann["lead_time"] == pytest.approx(2.5)

    assert [a["id"] for a in legacy_project.list_annotations(tid)] == [aid]
    got = legacy_project.get_annotation(aid)
    assert got["id"] == aid and got["task"] == tid
    assert_choice_result(got["result"], "positive")

    task = legacy_project.get_task(tid)
    assert [a["id"] for a in task["annotations"]] == [aid]
    assert task["total_annotations"] == 1
    assert task["is_labeled"] is True

    upd = legacy_project.update_annotation(aid, result=choice_result("negative"), ground_truth=True)
    assert upd["id"] == aid
    assert_choice_result(upd["result"], "negative")
    assert upd["ground_truth"] is True
    assert_choice_result(legacy_project.get_annotation(aid)["result"], "negative")

    assert legacy_project.delete_annotation(aid) == 204
    assert legacy_project.list_annotations(tid) == []
    task = legacy_project.get_task(tid)
    assert task["annotations"] == []
    assert task["total_annotations"] == 0
    assert task["is_labeled"] is False


# --------------------------------------------------------------------------- export


@pytest.fixture
def annotated_project(legacy_project):
    """Three tasks; the first labeled positive, the second negative, the third unlabeled."""
    texts = ["good one", "bad one", "untouched"]
    ids = legacy_project.import_tasks([{"text": t} for t in texts])
    legacy_project.create_annotation(ids[0], result=choice_result("positive"))
    legacy_project.create_annotation(ids[1], result=choice_result("negative"))
    return legacy_project, ids, texts


def test_export_tasks_json(annotated_project):
    project, ids, texts = annotated_project
    expected = {ids[0]: "positive", ids[1]: "negative"}

    exported = project.export_tasks(export_type="JSON")  # default: only annotated tasks
    assert isinstance(exported, list), type(exported)
    assert sorted(t["id"] for t in exported) == sorted(expected)
    for task in exported:
        assert task["data"]["text"] == texts[ids.index(task["id"])]
        assert len(task["annotations"]) == 1, task["annotations"]
        ann = task["annotations"][0]
        assert isinstance(ann["id"], int)
        assert_choice_result(ann["result"], expected[task["id"]])
        assert isinstance(task.get("predictions"), list), task

    everything = project.export_tasks(export_type="JSON", download_all_tasks=True)
    assert sorted(t["id"] for t in everything) == sorted(ids)
    unlabeled = [t for t in everything if t["id"] == ids[2]][0]
    assert unlabeled["annotations"] == []


def test_export_tasks_json_ids_filter(annotated_project):
    # The legacy SDK sends the ids as repeated `ids=<id>` query parameters. Label Studio 1.23 itself
    # only reads `ids[]` and silently ignores them (returns every task); LabelFleet's reference
    # (docs/label-studio-api.md section 3.6) requires honouring all three spellings, as the SDK documents.
    project, ids, _ = annotated_project
    subset = project.export_tasks(export_type="JSON", download_all_tasks=True, ids=[ids[2]])
    assert [t["id"] for t in subset] == [ids[2]]
    assert subset[0]["annotations"] == []
    two = project.export_tasks(export_type="JSON", download_all_tasks=True, ids=[ids[0], ids[2]])
    assert sorted(t["id"] for t in two) == sorted([ids[0], ids[2]])


def test_export_tasks_json_min(annotated_project):
    project, ids, texts = annotated_project
    records = project.export_tasks(export_type="JSON_MIN")
    assert isinstance(records, list) and len(records) == 2, records
    by_id = {r["id"]: r for r in records}
    assert set(by_id) == {ids[0], ids[1]}
    assert by_id[ids[0]]["sentiment"] == "positive"
    assert by_id[ids[1]]["sentiment"] == "negative"
    assert by_id[ids[0]]["text"] == texts[0]


def test_export_tasks_csv(annotated_project, tmp_path):
    project, ids, texts = annotated_project
    with pytest.raises(ValueError):
        project.export_tasks(export_type="CSV")  # the SDK itself requires a location for non-JSON formats

    path = project.export_tasks(export_type="CSV", export_location=str(tmp_path / "out" / "export.csv"))
    content = path.read_bytes()
    assert content, "empty CSV export"
    text = content.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    for column in ("id", "text", "sentiment", "annotation_id", "annotator"):
        assert column in header, f"CSV header {header} lacks {column!r}"
    rows = list(reader)
    assert len(rows) == 2, rows
    by_id = {int(float(r["id"])): r for r in rows}
    assert set(by_id) == {ids[0], ids[1]}
    assert by_id[ids[0]]["sentiment"] == "positive"
    assert by_id[ids[1]]["sentiment"] == "negative"
    assert by_id[ids[0]]["text"] == texts[0]


def test_export_snapshot_flow(annotated_project, tmp_path):
    project, ids, _ = annotated_project
    snap = project.export_snapshot_create(title="legacy snapshot")  # POST /api/projects/{id}/exports?interpolate_key_frames=False
    eid = snap.get("id")
    assert isinstance(eid, int), snap
    assert snap.get("status") in ("created", "in_progress", "completed"), snap

    deadline = time.time() + 60
    while True:
        status = project.export_snapshot_status(eid)
        assert not status.is_failed(), status.response
        if status.is_completed():
            break
        assert time.time() < deadline, f"snapshot {eid} not completed in 60 s: {status.response}"
        time.sleep(0.5)

    assert eid in [e["id"] for e in project.export_snapshot_list()]

    code, filename = project.export_snapshot_download(eid, export_type="JSON", path=str(tmp_path))
    assert code == 200
    assert filename and filename.endswith(".json"), filename
    tasks = json.loads((tmp_path / filename).read_text())
    assert isinstance(tasks, list)
    by_id = {t["id"]: t for t in tasks}
    assert ids[0] in by_id and ids[1] in by_id, sorted(by_id)
    assert_choice_result(by_id[ids[0]]["annotations"][0]["result"], "positive")
    assert_choice_result(by_id[ids[1]]["annotations"][0]["result"], "negative")

    assert project.export_snapshot_delete(eid) == 204
    assert eid not in [e["id"] for e in project.export_snapshot_list()]


# --------------------------------------------------------------------------- Data Manager: filters, ordering, views


def test_get_tasks_with_filters_ordering_and_views(legacy_project):
    from label_studio_sdk.data_manager import Column, Filters, Operator, Type

    texts = ["apple pie", "banana split", "apple juice", "cherry tart"]
    ids = legacy_project.import_tasks([{"text": t} for t in texts])
    legacy_project.create_annotation(ids[3], result=choice_result("positive"))

    by_id = Filters.create(Filters.AND, [Filters.item(Column.id, Operator.GREATER, Type.Number, Filters.value(ids[1]))])
    assert sorted(t["id"] for t in legacy_project.get_tasks(filters=by_id)) == sorted(ids[2:])

    by_text = Filters.create(
        Filters.AND, [Filters.item(Column.data("text"), Operator.CONTAINS, Type.String, Filters.value("apple"))]
    )
    assert sorted(legacy_project.get_tasks_ids(filters=by_text)) == sorted([ids[0], ids[2]])

    either = Filters.create(
        Filters.OR,
        [
            Filters.item(Column.id, Operator.EQUAL, Type.Number, Filters.value(ids[0])),
            Filters.item(Column.total_annotations, Operator.GREATER, Type.Number, Filters.value(0)),
        ],
    )
    assert sorted(legacy_project.get_tasks_ids(filters=either)) == sorted([ids[0], ids[3]])

    desc = legacy_project.get_tasks_ids(ordering=["-" + Column.id])
    assert desc == sorted(ids, reverse=True), desc

    selected = legacy_project.get_tasks_ids(selected_ids=[ids[1], ids[2]])
    assert sorted(selected) == sorted([ids[1], ids[2]])

    view = legacy_project.create_view(filters=by_text, title="apples")  # POST /api/dm/views
    assert isinstance(view.get("id"), int), view
    assert view.get("project") == legacy_project.id, view
    assert view["id"] in [v["id"] for v in legacy_project.get_views()]
    assert sorted(legacy_project.get_tasks_ids(view_id=view["id"])) == sorted([ids[0], ids[2]])
    legacy_project.delete_view(view["id"])
    assert view["id"] not in [v["id"] for v in legacy_project.get_views()]


def test_create_annotations_from_predictions(legacy_project):
    ids = legacy_project.import_tasks([{"text": "p1"}, {"text": "p2"}, {"text": "p3"}])
    legacy_project.create_prediction(ids[0], choice_result("positive"), model_version="mv1")
    legacy_project.create_prediction(ids[1], choice_result("negative"), model_version="mv1")
    legacy_project.create_prediction(ids[2], choice_result("neutral"), model_version="other")

    resp = legacy_project.create_annotations_from_predictions(model_versions=["mv1"])
    assert isinstance(resp, dict), resp  # POST /api/dm/actions?id=predictions_to_annotations&project=P

    t0, t1, t2 = (legacy_project.get_task(i) for i in ids)
    assert len(t0["annotations"]) == 1 and len(t1["annotations"]) == 1, (t0["annotations"], t1["annotations"])
    assert_choice_result(t0["annotations"][0]["result"], "positive")
    assert_choice_result(t1["annotations"][0]["result"], "negative")
    assert t2["annotations"] == [], "only predictions of the requested model version are converted"


# --------------------------------------------------------------------------- imports from files / validation


def test_import_tasks_from_json_and_csv_files(legacy_project, tmp_path):
    json_file = tmp_path / "tasks.json"
    json_file.write_text(json.dumps([{"text": "from json 1"}, {"data": {"text": "from json 2"}}]))
    json_ids = legacy_project.import_tasks(str(json_file))  # multipart upload, field "file"
    assert len(json_ids) == 2, json_ids

    csv_file = tmp_path / "tasks.csv"
    csv_file.write_text('text\n"from csv 1"\n"from csv, with comma"\n')
    csv_ids = legacy_project.import_tasks(str(csv_file))
    assert len(csv_ids) == 2, csv_ids

    texts = {t["id"]: t["data"]["text"] for t in legacy_project.get_tasks()}
    assert sorted(texts) == sorted(json_ids + csv_ids)
    assert sorted(texts.values()) == sorted(["from json 1", "from json 2", "from csv 1", "from csv, with comma"])


def test_invalid_label_config_is_rejected(legacy_client, cleanup_projects):
    bad = '<View><Text name="text" value="$text"/><Choices name="c" toName="nope"><Choice value="a"/></Choices></View>'
    with pytest.raises(requests.HTTPError) as exc:
        project = legacy_client.start_project(title=unique_title("compat-bad-config"), label_config=bad)
        cleanup_projects.append(project.params["id"])
    resp = exc.value.response
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert "label_config" in (body.get("validation_errors") or {}), body


def test_import_with_missing_data_key_is_rejected(legacy_project):
    with pytest.raises(requests.HTTPError) as exc:
        legacy_project.import_tasks([{"not_text": "x"}])
    assert exc.value.response.status_code == 400, exc.value.response.text
    assert legacy_project.get_params()["task_number"] == 0, "a rejected import must not create tasks"


def test_labeled_and_unlabeled_tasks(legacy_project):
    ids = legacy_project.import_tasks([{"text": "l1"}, {"text": "u1"}, {"text": "l2"}])
    legacy_project.create_annotation(ids[0], result=choice_result("positive"))
    legacy_project.create_annotation(ids[2], result=choice_result("negative"))
    # filter:tasks:completed_at empty=false / empty=true
    assert sorted(legacy_project.get_labeled_tasks_ids()) == sorted([ids[0], ids[2]])
    assert legacy_project.get_unlabeled_tasks_ids() == [ids[1]]
    labeled = legacy_project.get_labeled_tasks()
    assert all(t["is_labeled"] is True and t["completed_at"] for t in labeled), labeled


def test_skipped_annotation_counters(legacy_project):
    [tid] = legacy_project.import_tasks([{"text": "skip me"}])
    skipped = legacy_project.create_annotation(tid, result=[], was_cancelled=True)
    assert skipped["was_cancelled"] is True, skipped
    task = legacy_project.get_task(tid)
    assert task["cancelled_annotations"] == 1, task
    assert task["total_annotations"] == 0, task
    params = legacy_project.get_params()
    assert params["skipped_annotations_number"] == 1, params.get("skipped_annotations_number")


def test_import_with_preannotated_from_fields(legacy_project):
    ids = legacy_project.import_tasks(
        [{"text": "pre 1", "sentiment": "positive"}, {"text": "pre 2", "sentiment": "negative"}],
        preannotated_from_fields=["sentiment"],
    )
    assert len(ids) == 2
    t0 = legacy_project.get_task(ids[0])
    assert t0["data"]["text"] == "pre 1", t0["data"]
    assert len(t0["predictions"]) == 1, t0["predictions"]
    assert_choice_result(t0["predictions"][0]["result"], "positive")
    t1 = legacy_project.get_task(ids[1])
    assert_choice_result(t1["predictions"][0]["result"], "negative")


def test_create_user_and_duplicate(legacy_client):
    from label_studio_sdk._legacy.users import User

    email = f"compat-{uuid.uuid4().hex[:8]}@example.com"
    created = legacy_client.create_user({"username": email, "email": email, "first_name": "Com", "last_name": "Pat"})
    assert created is not None, "POST /api/users did not create the user"
    assert isinstance(created, User)
    assert created.email == email
    assert created.first_name == "Com" and created.last_name == "Pat"
    assert email in [u.email for u in legacy_client.get_users()]
    # a second create of the same user answers >= 400 with "already exists" in the body -> None
    assert legacy_client.create_user({"username": email, "email": email}, exist_ok=True) is None


def test_missing_project_is_404(legacy_client):
    with pytest.raises(requests.HTTPError) as exc:
        legacy_client.get_project(987654321)
    resp = exc.value.response
    assert resp.status_code == 404
    body = resp.json()
    assert body.get("status_code") == 404 and isinstance(body.get("detail"), str), body
