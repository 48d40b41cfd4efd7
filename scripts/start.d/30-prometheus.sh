# A local Prometheus on :9090 for the service-health lights (plugins/service-health-backend),
# when the `prometheus` binary is installed (Debian: apt-get install prometheus). It scrapes
# the release manager's /metrics on :7100 (job "release-manager") and itself (job
# "prometheus"). The portal backend exposes no Prometheus metrics in this Backstage
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
mkdir -p "$SLIPWAY_DATA/prometheus/data"
cat >"$SLIPWAY_DATA/prometheus/prometheus.yml" <<'YAML'
# Written by scripts/start.d/30-prometheus.sh on every start.
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  - job_name: release-manager
    static_configs:
      - targets: ['localhost:7100']
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
