# A local Prometheus on :9090 for the service-health lights (plugins/service-health-backend),
# when the `prometheus` binary is installed (Debian: apt-get install prometheus). It scrapes
# the release manager's /metrics on :7100 (job "release-manager"), every pod of the local
# cluster (job "pods": file_sd targets the local cluster writes to
# $SLIPWAY_DATA/local-cluster/file_sd/pods.json, labelled service, environment, namespace,
# pod; re-read every 5 s), the release daemon on 127.0.0.1:7300 (job "release-daemon":
# readiness and CPU of the pods) and itself (job "prometheus"). The portal backend exposes no Prometheus metrics in this Backstage
# version (its OpenTelemetry metrics have no exporter configured), so it is not scraped.
# Data: $SLIPWAY_DATA/prometheus; log: $SLIPWAY_DATA/logs/prometheus.log.
if ! command -v prometheus >/dev/null; then
  echo "start: prometheus not installed; skipping (service-health lights stay grey: no data)"
  return 0
fi
if curl -s -o /dev/null http://localhost:9090/-/ready; then
  echo "start: something already answers on :9090; using it as Prometheus"
  return 0
fi
mkdir -p "$SLIPWAY_DATA/prometheus/data" "$SLIPWAY_DATA/local-cluster/file_sd"
PODS_SD="$SLIPWAY_DATA/local-cluster/file_sd/pods.json"
[ -s "$PODS_SD" ] || echo '[]' >"$PODS_SD"
cat >"$SLIPWAY_DATA/prometheus/prometheus.yml" <<YAML
# Written by scripts/start.d/30-prometheus.sh on every start.
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  - job_name: release-manager
    static_configs:
      - targets: ['localhost:7100']
  - job_name: pods
    file_sd_configs:
      - files: ['$PODS_SD']
        refresh_interval: 5s
  - job_name: release-daemon
    static_configs:
      - targets: ['127.0.0.1:7300']
  - job_name: prometheus
    static_configs:
      - targets: ['localhost:9090']
YAML
prometheus \
  --config.file="$SLIPWAY_DATA/prometheus/prometheus.yml" \
  --storage.tsdb.path="$SLIPWAY_DATA/prometheus/data" \
  --storage.tsdb.retention.time=7d \
  --web.listen-address=127.0.0.1:9090 \
  >"$SLIPWAY_DATA/logs/prometheus.log" 2>&1 &
SLIPWAY_PIDS+=($!)
wait_for_url http://localhost:9090/-/ready 60 prometheus || return 1
