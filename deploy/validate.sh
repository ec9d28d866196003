#!/usr/bin/env bash
# Static checks of the deployment files; needs no Docker engine. Installs nothing: it needs
# docker-compose, PyYAML and promtool (Debian packages docker-compose, python3-yaml, prometheus).
# Usage, from anywhere: bash deploy/validate.sh
set -euo pipefail
cd "$(dirname "$0")/.."

compose_file=docker-compose.temporal.yml
dockerfiles=(deploy/gateway.Dockerfile deploy/worker.Dockerfile)
shopt -s nullglob
k8s_files=(deploy/k8s/*.yaml)
yaml_files=("$compose_file" deploy/config/*.yaml "${k8s_files[@]}")
shopt -u nullglob

problems=0
fail() {
  echo "FAIL: $*" >&2
  problems=$((problems + 1))
}
ok() { echo "ok:   $*"; }

# --- tools ---------------------------------------------------------------------------------
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "FAIL: docker-compose not found (Debian package: docker-compose)" >&2
  exit 1
fi
# The python3 on the PATH may be another interpreter (pyenv, venv) without PyYAML; Debian's
# python3-yaml serves the system one.
python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [[ -z $python ]]; then
  echo "FAIL: no python3 with PyYAML (Debian package: python3-yaml)" >&2
  exit 1
fi
ok "tools: $(docker-compose version --short 2>/dev/null || echo docker-compose), $python with PyYAML"

# --- compose -------------------------------------------------------------------------------
# Run with no FORGE_PREVIEW_* override so the shipped defaults are what gets checked.
if env -u FORGE_PREVIEW_REPOSITORIES docker-compose -f "$compose_file" config -q; then
  ok "$compose_file: docker-compose config"
else
  fail "$compose_file: docker-compose config rejected it"
fi
services=$(env -u FORGE_PREVIEW_REPOSITORIES docker-compose -f "$compose_file" config --services 2>/dev/null | sort | tr '\n' ' ')
expected="gateway postgresql temporal temporal-admin-tools temporal-ui worker "
if [[ $services == "$expected" ]]; then
  ok "$compose_file: services $services"
else
  fail "$compose_file: services are '$services', expected '$expected'"
fi

# --- YAML ----------------------------------------------------------------------------------
for f in "${yaml_files[@]}"; do
  if "$python" -c 'import yaml,sys; list(yaml.safe_load_all(open(sys.argv[1])))' "$f"; then
    ok "$f: YAML"
  else
    fail "$f: not valid YAML"
  fi
done

for f in "${k8s_files[@]}"; do
  if "$python" - "$f" <<'PY'; then
import sys, yaml
bad = []
for i, doc in enumerate(yaml.safe_load_all(open(sys.argv[1]))):
    if doc is None:
        continue
    for key in ("apiVersion", "kind"):
        if not doc.get(key):
            bad.append(f"document {i} has no {key}")
    if not (doc.get("metadata") or {}).get("name"):
        bad.append(f"document {i} has no metadata.name")
    spec = ((doc.get("spec") or {}).get("template") or {}).get("spec")
    if spec is None:
        continue
    pod_sc = spec.get("securityContext") or {}
    for c in spec.get("containers", []):
        name = c.get("name")
        sc = c.get("securityContext") or {}
        if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
            bad.append(f"container {name}: runAsNonRoot not set")
        if not sc.get("readOnlyRootFilesystem"):
            bad.append(f"container {name}: readOnlyRootFilesystem not set")
        if not {"requests", "limits"} <= set((c.get("resources") or {}).keys()):
            bad.append(f"container {name}: resource requests and limits missing")
        for probe in ("readinessProbe", "livenessProbe"):
            if (c.get(probe) or {}).get("httpGet", {}).get("path") != "/health":
                bad.append(f"container {name}: {probe} is not GET /health")
        if "/tmp" not in [m.get("mountPath") for m in c.get("volumeMounts", [])]:
            bad.append(f"container {name}: no volume on /tmp")
for b in bad:
    print(f"  {b}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
    ok "$f: Kubernetes objects"
  else
    fail "$f: Kubernetes checks"
  fi
done

# The ConfigMap ships the same example as Compose, so the two cannot drift apart.
if "$python" - <<'PY'; then
import sys, yaml
cm = yaml.safe_load(open("deploy/k8s/configmap.yaml"))
sys.exit(0 if cm["data"]["repositories.yaml"] == open("deploy/config/repositories.example.yaml").read() else 1)
PY
  ok "deploy/k8s/configmap.yaml: repositories.yaml matches deploy/config/repositories.example.yaml"
else
  fail "deploy/k8s/configmap.yaml: repositories.yaml differs from deploy/config/repositories.example.yaml"
fi

# --- pinned images -------------------------------------------------------------------------
# A reference is pinned when its last path segment has a tag other than latest (a digest may follow).
check_ref() {
  local where=$1 ref=$2
  local last=${ref##*/}
  last=${last%%@*}
  if [[ $ref == *'$'* ]]; then
    fail "$where: image '$ref' uses a variable"
  elif [[ $last != *:* || -z ${last#*:} ]]; then
    fail "$where: image '$ref' has no tag"
  elif [[ ${last#*:} == latest ]]; then
    fail "$where: image '$ref' uses latest"
  else
    ok "$where: $ref"
  fi
}

image_lines=$(grep -nE '^[[:space:]]*(-[[:space:]]*)?image:' "$compose_file" "${k8s_files[@]}" || true)
if [[ -z $image_lines ]]; then
  fail "no image: lines found"
fi
while IFS= read -r line; do
  [[ -z $line ]] && continue
  where=${line%%:*}:$(cut -d: -f2 <<<"$line")
  ref=$(sed -E 's/^[^:]*:[0-9]+:[[:space:]]*(-[[:space:]]*)?image:[[:space:]]*//; s/[[:space:]]+#.*$//; s/^["'\'']//; s/["'\'']$//' <<<"$line")
  check_ref "$where" "$ref"
done <<<"$image_lines"

# --- Dockerfiles ---------------------------------------------------------------------------
for f in "${dockerfiles[@]}"; do
  if [[ ! -f $f ]]; then
    fail "$f: missing"
    continue
  fi
  stages=()
  from_count=0
  while IFS= read -r line; do
    [[ -z $line ]] && continue
    from_count=$((from_count + 1))
    # FROM [--platform=...] image [AS name]
    read -r -a words <<<"${line#*:}"
    idx=1
    [[ ${words[$idx]} == --* ]] && idx=2
    ref=${words[$idx]}
    alias=""
    if [[ ${#words[@]} -gt $((idx + 2)) && ${words[$((idx + 1))],,} == as ]]; then
      alias=${words[$((idx + 2))]}
    fi
    if [[ " ${stages[*]} " == *" $ref "* ]]; then
      ok "$f: FROM earlier stage $ref"
    else
      check_ref "$f:${line%%:*}" "$ref"
    fi
    [[ -n $alias ]] && stages+=("$alias")
  done <<<"$(grep -niE '^[[:space:]]*FROM[[:space:]]' "$f" || true)"
  if ((from_count == 2)); then
    ok "$f: two stages"
  else
    fail "$f: $from_count FROM lines, expected two stages"
  fi
  user=$(grep -iE '^[[:space:]]*USER[[:space:]]' "$f" | tail -n1 | awk '{print $2}' || true)
  if [[ -z $user ]]; then
    fail "$f: no USER line"
  elif [[ ${user%%:*} == root || ${user%%:*} == 0 ]]; then
    fail "$f: final USER is root"
  else
    ok "$f: USER $user"
  fi
  for instruction in WORKDIR EXPOSE HEALTHCHECK ENTRYPOINT; do
    if grep -qiE "^[[:space:]]*${instruction}[[:space:]]" "$f"; then
      ok "$f: $instruction"
    else
      fail "$f: no $instruction"
    fi
  done
done

# --- Prometheus alerting rules ------------------------------------------------------------
if ! command -v promtool >/dev/null 2>&1; then
  fail "promtool not found (Debian package: prometheus)"
elif promtool check rules deploy/prometheus/alerts.yml; then
  ok "deploy/prometheus/alerts.yml: promtool check rules"
else
  fail "deploy/prometheus/alerts.yml: promtool check rules"
fi
if command -v promtool >/dev/null 2>&1; then
  if promtool check config deploy/prometheus/prometheus.yml; then
    ok "deploy/prometheus/prometheus.yml: promtool check config"
  else
    fail "deploy/prometheus/prometheus.yml: promtool check config"
  fi
fi
if command -v promtool >/dev/null 2>&1; then
  if promtool test rules deploy/prometheus/alerts.test.yml; then
    ok "deploy/prometheus/alerts.test.yml: the alerts fire (and stay silent) as tested"
  else
    fail "deploy/prometheus/alerts.test.yml: promtool test rules"
  fi
fi

if ((problems > 0)); then
  echo "validate.sh: $problems problem(s)" >&2
  exit 1
fi
echo "validate.sh: all checks passed"
