"""Serves model.TextClassifier with label-studio-ml's own Flask app (label_studio_ml.api).

Started by run.sh. Adds two things around the package's routes: every request to /setup, /predict,
/webhook and /train is recorded in <MODEL_DIR>/received.jsonl before label-studio-ml handles it (the
annotation of a webhook is kept as a training example right then, before the package hands the event
to a job process), and GET /received answers that record as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os

from flask import jsonify, request

from label_studio_ml.api import init_app
from model import RECEIVED, TextClassifier, record, save_example

logging.basicConfig(level=logging.WARNING, format="[%(asctime)s] [%(levelname)s] [%(name)s] %(message)s")

RECORDED = {"/setup", "/predict", "/webhook", "/train"}


def summary(path: str, body: dict) -> dict:
    """What a test needs of each call, without whole task lists."""
    if path == "/webhook":
        return {
            "action": body.get("action"),
            "project": (body.get("project") or {}).get("id"),
            "annotation": (body.get("annotation") or {}).get("id") if isinstance(body.get("annotation"), dict) else None,
        }
    if path == "/predict":
        return {"project": body.get("project"), "tasks": [t.get("id") for t in body.get("tasks") or []]}
    if path == "/setup":
        return {"project": body.get("project"), "hostname": body.get("hostname"), "has_token": bool(body.get("access_token"))}
    return {"project": body.get("project"), "annotations": len(body.get("annotations") or [])}


def build_app(model_dir: str):
    app = init_app(model_class=TextClassifier, model_dir=model_dir)

    @app.before_request
    def keep_record():
        if request.path not in RECORDED or request.method != "POST":
            return None
        body = request.get_json(silent=True) or {}
        record("request", path=request.path, **summary(request.path, body))
        if request.path == "/webhook" and body.get("action") in ("ANNOTATION_CREATED", "ANNOTATION_UPDATED"):
            save_example(body["action"], body)
        return None

    @app.route("/received", methods=["GET"])
    def received():
        if not os.path.exists(RECEIVED):
            return jsonify([])
        with open(RECEIVED, encoding="utf-8") as f:
            return jsonify([json.loads(line) for line in f if line.strip()])

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="LabelFleet compat ML backend")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9090)
    parser.add_argument("--model-dir", default=os.environ.get("MODEL_DIR", "."))
    args = parser.parse_args()
    build_app(args.model_dir).run(host=args.host, port=args.port, threaded=True)
