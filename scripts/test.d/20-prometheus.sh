# A real Prometheus server for the service-health backend tests (they start their own on a
# free loopback port) and for scripts/start.d/30-prometheus.sh.
command -v prometheus >/dev/null || apt_install prometheus
