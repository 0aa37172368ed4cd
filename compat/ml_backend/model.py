"""A small text classifier for Label Studio's ML backend protocol, on the real `label-studio-ml` package.

It labels the first <Choices> of a config over a <Text>. Untrained, it picks the label whose name
appears in the text (score 0.9), else the first label (score 1/number of labels). A training run
(`START_TRAINING` on /webhook, which LabelFleet sends every N annotations) fits a naive Bayes model on
every annotation the backend has received through /webhook; the run's job id becomes the model version
label-studio-ml reports from then on.

Everything the backend receives is appended to <MODEL_DIR>/received.jsonl (see _wsgi.py), so tests can
check what LabelFleet sent and when training happened.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections import Counter, defaultdict
from typing import Dict, List, Optional, Tuple

from label_studio_ml.model import LabelStudioMLBase

MODEL_DIR = os.environ.get("MODEL_DIR", ".")
RECEIVED = os.path.join(MODEL_DIR, "received.jsonl")
EXAMPLES = os.path.join(MODEL_DIR, "examples")


def record(kind: str, **fields) -> None:
    """One JSON line per event; a single short write, so the server and its job processes can share the file."""
    line = json.dumps({"kind": kind, "time": time.time(), "pid": os.getpid(), **fields}, sort_keys=True)
    with open(RECEIVED, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def tokens(text: str) -> List[str]:
    return re.findall(r"[a-z']+", text.lower())


def choices_control(parsed: Dict) -> Tuple[str, str, str, List[str]]:
    """(from_name, to_name, data key, labels) of the first Choices control over a Text."""
    for from_name, info in parsed.items():
        if info.get("type") == "Choices" and info.get("inputs"):
            return from_name, info["to_name"][0], info["inputs"][0]["value"], list(info["labels"])
    raise ValueError("the labeling config has no <Choices> over a <Text>")


def save_example(event: str, data: Dict) -> None:
    """Keeps the text and chosen label of an annotation from a webhook payload (the latest per annotation)."""
    annotation = data.get("annotation") or {}
    task = data.get("task") or {}
    project = data.get("project") or {}
    label = None
    for item in annotation.get("result") or []:
        if item.get("type") == "choices" and item.get("value", {}).get("choices"):
            label = item["value"]["choices"][0]
    if label is None or annotation.get("was_cancelled"):
        return
    os.makedirs(EXAMPLES, exist_ok=True)
    example = {"project": project.get("id"), "task": task.get("id"), "data": task.get("data") or {}, "label": label}
    with open(os.path.join(EXAMPLES, f"{annotation.get('id')}.json"), "w", encoding="utf-8") as f:
        json.dump(example, f)


def load_examples(project_id: Optional[int]) -> List[Dict]:
    if not os.path.isdir(EXAMPLES):
        return []
    out = []
    for name in sorted(os.listdir(EXAMPLES)):
        with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
            example = json.load(f)
        if project_id is None or example.get("project") == project_id:
            out.append(example)
    return out


class TextClassifier(LabelStudioMLBase):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.from_name, self.to_name, self.value, self.labels = choices_control(self.parsed_label_config)
        trained = self.train_output or {}
        self.counts: Dict[str, Dict[str, int]] = trained.get("counts") or {}
        self.priors: Dict[str, int] = trained.get("priors") or {}

    def classify(self, text: str) -> Tuple[str, float]:
        words = tokens(text)
        if not self.priors:
            for label in self.labels:
                if label.lower() in words:
                    return label, 0.9
            return self.labels[0], round(1 / len(self.labels), 4)
        vocabulary = {w for c in self.counts.values() for w in c} | set(words)
        total = sum(self.priors.values())
        logp = {}
        for label in self.labels:
            counts = self.counts.get(label, {})
            n = sum(counts.values())
            logp[label] = math.log((self.priors.get(label, 0) + 1) / (total + len(self.labels)))
            logp[label] += sum(math.log((counts.get(w, 0) + 1) / (n + len(vocabulary))) for w in words)
        top = max(logp.values())
        odds = {label: math.exp(v - top) for label, v in logp.items()}
        best = max(self.labels, key=lambda label: odds[label])
        return best, round(odds[best] / sum(odds.values()), 4)

    def predict(self, tasks, **kwargs):
        record("predict", tasks=[t.get("id") for t in tasks], trained=bool(self.priors))
        predictions = []
        for task in tasks:
            label, score = self.classify(str(task["data"].get(self.value, "")))
            result = [{"from_name": self.from_name, "to_name": self.to_name, "type": "choices", "value": {"choices": [label]}}]
            predictions.append({"result": result, "score": score})
        return predictions

    def process_event(self, event, data, job_id, additional_params):
        """Runs in label-studio-ml's job process. Only START_TRAINING trains: LabelFleet decides when."""
        if event != "START_TRAINING":
            return None
        project_id = (data.get("project") or {}).get("id")
        examples = load_examples(project_id)
        counts: Dict[str, Counter] = defaultdict(Counter)
        priors: Counter = Counter()
        for example in examples:
            priors[example["label"]] += 1
            counts[example["label"]].update(tokens(str(example["data"].get(self.value, ""))))
        record("trained", job_id=job_id, project=project_id, examples=len(examples))
        return {"counts": {k: dict(v) for k, v in counts.items()}, "priors": dict(priors), "examples": len(examples)}
