package main

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// metrics is a dependency-free Prometheus exposition (text format 0.0.4,
// https://prometheus.io/docs/instrumenting/exposition_formats/) of a request counter and
// a latency histogram. Swap in github.com/prometheus/client_golang when you add modules.
type metrics struct {
	service string
	mu      sync.Mutex
	counts  map[[3]string]uint64   // method, route, code -> requests
	buckets map[[2]string][]uint64 // method, route -> cumulative count per bound
	sums    map[[2]string]float64  // method, route -> seconds
	totals  map[[2]string]uint64   // method, route -> observations
}

var bounds = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

func newMetrics(service string) *metrics {
	return &metrics{
		service: service,
		counts:  map[[3]string]uint64{},
		buckets: map[[2]string][]uint64{},
		sums:    map[[2]string]float64{},
		totals:  map[[2]string]uint64{},
	}
}

// observe records one request; seconds is its duration.
func (m *metrics) observe(method, route string, code int, seconds float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[[3]string{method, route, strconv.Itoa(code)}]++
	k := [2]string{method, route}
	if m.buckets[k] == nil {
		m.buckets[k] = make([]uint64, len(bounds))
	}
	for i, b := range bounds {
		if seconds <= b {
			m.buckets[k][i]++
		}
	}
	m.sums[k] += seconds
	m.totals[k]++
}

func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	b.WriteString("# HELP http_requests_total HTTP requests by method, route and status code.\n")
	b.WriteString("# TYPE http_requests_total counter\n")
	counts := make([][3]string, 0, len(m.counts))
	for k := range m.counts {
		counts = append(counts, k)
	}
	sort.Slice(counts, func(i, j int) bool { return strings.Join(counts[i][:], " ") < strings.Join(counts[j][:], " ") })
	for _, k := range counts {
		fmt.Fprintf(&b, "http_requests_total{service=%q,method=%q,route=%q,code=%q} %d\n", m.service, k[0], k[1], k[2], m.counts[k])
	}
	b.WriteString("# HELP http_request_duration_seconds HTTP request duration in seconds.\n")
	b.WriteString("# TYPE http_request_duration_seconds histogram\n")
	keys := make([][2]string, 0, len(m.totals))
	for k := range m.totals {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		labels := fmt.Sprintf("service=%q,method=%q,route=%q", m.service, k[0], k[1])
		for i, bound := range bounds {
			fmt.Fprintf(&b, "http_request_duration_seconds_bucket{"+labels+",le=%q} %d\n", strconv.FormatFloat(bound, 'g', -1, 64), m.buckets[k][i])
		}
		fmt.Fprintf(&b, "http_request_duration_seconds_bucket{"+labels+",le=\"+Inf\"} %d\n", m.totals[k])
		fmt.Fprintf(&b, "http_request_duration_seconds_sum{"+labels+"} %g\n", m.sums[k])
		fmt.Fprintf(&b, "http_request_duration_seconds_count{"+labels+"} %d\n", m.totals[k])
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}
