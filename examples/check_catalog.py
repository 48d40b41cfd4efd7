#!/usr/bin/env python3
"""Sanity check for the example catalog.

Loads examples/locations.yaml, follows every target, and checks that
- every file exists and every YAML document parses;
- every entity has apiVersion, kind, a valid metadata.name and the spec fields its kind needs;
- no entity is defined twice;
- every relation target (owner, system, domain, providesApis, consumesApis, dependsOn,
  dependencyOf, memberOf, parent, children, members) names an entity defined here;
- every `$text` file exists (and OpenAPI/AsyncAPI ones parse as YAML);
- every *.yaml under examples/ is listed in locations.yaml.

Usage: python3 examples/check_catalog.py   (exit code 1 on problems)
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT_LOCATION = os.path.join(HERE, "locations.yaml")

NAME_RE = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")
REQUIRED_SPEC = {
    "Component": ["type", "lifecycle", "owner"],
    "API": ["type", "lifecycle", "owner", "definition"],
    "Resource": ["type", "owner"],
    "System": ["owner"],
    "Domain": ["owner"],
    "Group": ["type", "children"],
    "User": ["memberOf"],
    "Location": [],
}
# spec field -> default kind for unqualified refs (None: the ref must name its kind)
RELATION_FIELDS = {
    "owner": "group",
    "system": "system",
    "domain": "domain",
    "providesApis": "api",
    "consumesApis": "api",
    "dependsOn": None,
    "dependencyOf": None,
    "memberOf": "group",
    "parent": "group",
    "children": "group",
    "members": "user",
    "subcomponentOf": "component",
}

problems = []


def problem(msg):
    problems.append(msg)


def parse_ref(ref, default_kind):
    """Returns (kind, namespace, name) lower-cased, like Backstage's parseEntityRef."""
    kind, rest = (ref.split(":", 1) if ":" in ref else (default_kind, ref))
    namespace, name = (rest.split("/", 1) if "/" in rest else ("default", rest))
    if kind is None:
        return None
    return kind.lower(), namespace.lower(), name.lower()


def load_location(path, entities, seen_files):
    path = os.path.normpath(path)
    if path in seen_files:
        return
    seen_files.add(path)
    if not os.path.isfile(path):
        problem(f"{os.path.relpath(path, HERE)}: file does not exist")
        return
    try:
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
    except yaml.YAMLError as e:
        problem(f"{os.path.relpath(path, HERE)}: YAML does not parse: {e}")
        return
    for doc in docs:
        entities.append((path, doc))
        if doc.get("kind") == "Location":
            spec = doc.get("spec") or {}
            targets = list(spec.get("targets") or []) + (
                [spec["target"]] if spec.get("target") else []
            )
            for target in targets:
                load_location(os.path.join(os.path.dirname(path), target), entities, seen_files)


def check():
    entities = []
    seen_files = set()
    load_location(ROOT_LOCATION, entities, seen_files)

    defined = {}
    for path, e in entities:
        where = os.path.relpath(path, HERE)
        if not isinstance(e, dict):
            problem(f"{where}: document is not a mapping")
            continue
        kind = e.get("kind")
        meta = e.get("metadata") or {}
        name = meta.get("name", "")
        if e.get("apiVersion") != "backstage.io/v1alpha1":
            problem(f"{where}: {kind}:{name}: unexpected apiVersion {e.get('apiVersion')!r}")
        if kind not in REQUIRED_SPEC:
            problem(f"{where}: unknown kind {kind!r}")
            continue
        if not NAME_RE.match(name) or len(name) > 63:
            problem(f"{where}: invalid metadata.name {name!r}")
        spec = e.get("spec") or {}
        for field in REQUIRED_SPEC[kind]:
            if field not in spec:
                problem(f"{where}: {kind}:{name}: spec.{field} is missing")
        if kind == "User":
            profile = spec.get("profile") or {}
            if not profile.get("displayName") or not profile.get("email"):
                problem(f"{where}: User:{name}: profile.displayName/email missing")
        key = (kind.lower(), meta.get("namespace", "default").lower(), name.lower())
        if key in defined:
            problem(f"{where}: {kind}:{name} is also defined in {os.path.relpath(defined[key][0], HERE)}")
        defined[key] = (path, e)

    for key, (path, e) in defined.items():
        where = os.path.relpath(path, HERE)
        spec = e.get("spec") or {}
        label = f"{e['kind']}:{e['metadata']['name']}"
        for field, default_kind in RELATION_FIELDS.items():
            if field not in spec or e["kind"] == "Location":
                continue
            value = spec[field]
            refs = value if isinstance(value, list) else [value]
            for ref in refs:
                if not isinstance(ref, str) or not ref:
                    problem(f"{where}: {label}: spec.{field} has an invalid ref {ref!r}")
                    continue
                target = parse_ref(ref, default_kind)
                if target is None:
                    problem(f"{where}: {label}: spec.{field} ref {ref!r} must name its kind")
                elif target not in defined:
                    problem(f"{where}: {label}: spec.{field} -> {ref!r} is not defined")
        definition = spec.get("definition")
        if isinstance(definition, dict) and "$text" in definition:
            text_path = os.path.join(os.path.dirname(path), definition["$text"])
            if not os.path.isfile(text_path):
                problem(f"{where}: {label}: $text {definition['$text']} does not exist")
            elif spec.get("type") in ("openapi", "asyncapi"):
                try:
                    with open(text_path, encoding="utf-8") as f:
                        doc = yaml.safe_load(f)
                    version_key = spec["type"]
                    if not isinstance(doc, dict) or version_key not in doc:
                        problem(f"{where}: {label}: {definition['$text']} has no '{version_key}' field")
                except yaml.YAMLError as ex:
                    problem(f"{where}: {label}: {definition['$text']} does not parse: {ex}")

    # Every YAML file under examples/ should be reachable from locations.yaml.
    for dirpath, _, files in os.walk(HERE):
        if os.path.join("apis", "specs") in os.path.relpath(dirpath, HERE):
            continue
        for fn in files:
            if fn.endswith((".yaml", ".yml")):
                p = os.path.normpath(os.path.join(dirpath, fn))
                if p not in seen_files:
                    problem(f"{os.path.relpath(p, HERE)}: not listed in locations.yaml")

    counts = {}
    for kind, _, _ in defined:
        counts[kind] = counts.get(kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(f"{len(seen_files)} files, {len(defined)} entities ({summary})")


if __name__ == "__main__":
    check()
    for p in problems:
        print("PROBLEM:", p)
    sys.exit(1 if problems else 0)
